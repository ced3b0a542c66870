"""Production: HTTPS behind a reverse proxy, security headers, logs on stdout, optional S3 media.

Everything is configured by the environment (see docs/deployment.md for the whole list). Beyond
base.py's variables:
    TRUSTED_PROXY_COUNT      reverse proxies in front of gunicorn (default 1: nginx or the load
                             balancer); allauth's rate limits count per client address behind them
    SECURE_SSL_REDIRECT      default on; turn off only when the proxy already redirects
    SECURE_HSTS_SECONDS      default one year
    LOG_LEVEL                default INFO
    AWS_STORAGE_BUCKET_NAME  when set, uploaded media go to this S3-compatible bucket
                             (AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_CUSTOM_DOMAIN,
                             AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_QUERYSTRING_AUTH)
    FRONTEND_CACHE_PURGE_URL when set, publishing a page purges it from this HTTP cache (Varnish,
                             nginx proxy_cache_purge); CLOUDFLARE_BEARER_TOKEN + CLOUDFLARE_ZONEID
                             purge Cloudflare instead
    CSP_FORM_ACTION          extra form targets (default Stripe Checkout, where the payment form
                             redirects)
    WEB_CONCURRENCY          gunicorn's workers (gunicorn.conf.py); with several, a cache kept in
                             each process is refused (portal/checks.py)
"""

import multiprocessing
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    INSTALLED_APPS,
    MIDDLEWARE,
    PORTAIL_HEADLESS_PREVIEW_URL,
    REDIS_URL,
    STORAGES,
    env_bool,
    env_list,
)

DEBUG = False
# From the environment only: no fallback key exists in production.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production refuses to start without it. Set the SECRET_KEY "
        "environment variable to a random value of at least 50 characters, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
# Former keys still accepted (sessions, API tokens) while a new key is rolled out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# HTTPS: the proxy terminates TLS and says so in X-Forwarded-Proto (nginx: proxy_set_header).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN for themselves.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

# Connections kept between requests must be checked: the database may have restarted.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# allauth counts failed logins in the default cache: every web process must see the same counts.
# Without Redis, the database holds it (its table is created by `migrate`, see portal/apps.py).
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portail_cache",
        }
    }
# Web processes running these settings: gunicorn's workers, with gunicorn.conf.py's default. Its
# on_starting hook runs the system checks with the count it will really start.
PORTAIL_WEB_PROCESSES = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# ----------------------------------------------------------------------- media on S3 (optional)
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_SOURCES: list[str] = []
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    # Signed, expiring URLs unless the bucket is public behind its own domain.
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", not AWS_S3_CUSTOM_DOMAIN)
    AWS_S3_FILE_OVERWRITE = False  # two uploads named alike keep both files
    AWS_DEFAULT_ACL = None  # the bucket's own policy decides
    STORAGES = {**STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_SOURCES = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        # Path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key) URLs.
        MEDIA_SOURCES = [
            f"{endpoint.scheme}://{endpoint.netloc}",
            f"{endpoint.scheme}://*.{endpoint.netloc}",
        ]
    else:
        MEDIA_SOURCES = ["https://*.amazonaws.com"]

# ----------------------------------------------------------------------- Content-Security-Policy
SELF, NONE = "'self'", "'none'"
FORM_ACTION = [SELF, *env_list("CSP_FORM_ACTION", "https://checkout.stripe.com")]
INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "portal.security.PortalCSPMiddleware",
)
# Public site: our own files only, no inline code, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_SOURCES],
        "media-src": [SELF, *MEDIA_SOURCES],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": FORM_ACTION,
        "frame-ancestors": [SELF],
    }
}
# The headless preview mode frames the decoupled front end's preview page in the admin.
HEADLESS_PREVIEW_SOURCES = []
if PORTAIL_HEADLESS_PREVIEW_URL:
    front_end = urlsplit(PORTAIL_HEADLESS_PREVIEW_URL)
    HEADLESS_PREVIEW_SOURCES = [f"{front_end.scheme}://{front_end.netloc}"]
# Wagtail and Django admins: inline scripts and styles, eval (accessibility checker), blob:
# images (upload previews), Wagtail's release check, the front end's preview page.
PORTAIL_CSP_ADMIN_PREFIXES = ["/admin/", "/django-admin/"]
PORTAIL_CSP_ADMIN = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "frame-src": [SELF, *HEADLESS_PREVIEW_SOURCES],
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", *MEDIA_SOURCES],
    "connect-src": [SELF, "https://releases.wagtail.org"],
    "form-action": [SELF],
}

# Staff avatars: no Gravatar, which would send a hash of each staff email to a third party (and
# be blocked by img-src); Wagtail shows its default avatar or the one uploaded in account settings.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ----------------------------------------------------------------------- frontend cache purge
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "")
CLOUDFLARE_BEARER_TOKEN = os.environ.get("CLOUDFLARE_BEARER_TOKEN", "")
if FRONTEND_CACHE_PURGE_URL or CLOUDFLARE_BEARER_TOKEN:
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {}
    if FRONTEND_CACHE_PURGE_URL:
        WAGTAILFRONTENDCACHE["http"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    if CLOUDFLARE_BEARER_TOKEN:
        WAGTAILFRONTENDCACHE["cloudflare"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": CLOUDFLARE_BEARER_TOKEN,
            "ZONEID": os.environ.get("CLOUDFLARE_ZONEID", ""),
        }

# ----------------------------------------------------------------------- logs on stdout
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Server errors with their traceback; 4xx stay at WARNING.
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        # One line per SQL query would drown the rest.
        "django.db.backends": {"level": "INFO"},
    },
}
