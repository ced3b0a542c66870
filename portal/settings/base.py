"""Settings shared by every environment; safe for production, configured by the environment.

Environment variables:
    SECRET_KEY      required outside dev/test
    DATABASE_URL    defaults to a SQLite file beside manage.py
    DATABASE_REPLICA_URL  a streaming replica of DATABASE_URL: public content is read from it
                    (portal/db_router.py); DB_REPLICA_CONNECT_TIMEOUT (seconds, default 2)
    ALLOWED_HOSTS   comma-separated
    REDIS_URL       when set, cache and sessions live in Redis
    EMAIL_URL-like  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
                    DEFAULT_FROM_EMAIL (the address; emails carry the association's name)
    SITE_URL        absolute base URL used in emails and the admin
    HEADLESS_PREVIEW_URL  a decoupled front end's preview page: offers editors a headless preview
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "home",
    "catalogue",
    "membership",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "wagtail_modeladmin",
    "wagtail_headless_preview",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "ninja",  # /api/docs served from our own static files, not a CDN (CSP)
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' kept pages, answered before sessions and authentication run.
    "catalogue.middleware.EarlyCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: it knows who is asking, and decides what the early one may keep.
    "catalogue.middleware.AnonymousCacheMiddleware",
]

# Paths whose reads always go to the primary (staff see what they just edited).
PORTAIL_REPLICA_PRIMARY_PATHS = ["/admin/", "/django-admin/"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    # A replica that does not answer must cost a request little: the router then reads from
    # the primary. It checks the connection itself, once per request.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        "connect_timeout": int(os.environ.get("DB_REPLICA_CONNECT_TIMEOUT", "2")),
    }
    # Test databases: the replica reads the test database, as it would read the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
    # First: it must see the request before anything reads, and pin its response last.
    MIDDLEWARE.insert(0, "portal.db_router.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "fr"
# The interface is written in French; it is not negotiated from the browser's languages, so a
# page never mixes French templates with Django's English messages.
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# The portal's emails go out from this address under the association's name (its identity).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")


def association_name() -> str:
    # Imported when read: the apps are not loaded while settings are.
    from membership.services import association_identity

    return association_identity().name


# Wagtail. The admin is titled with the name staff give the association, read when shown.
WAGTAIL_SITE_NAME = lazy(association_name, str)()
WAGTAILADMIN_USER_LOGIN_FORM = "portal.admin_forms.AdminLoginForm"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
# Staff type dates the French way. Wagtail's date picker reads what is typed with these formats
# (2027-01-14 by default) and puts today's date in place of anything it cannot read; each must
# be one of the French DATE/DATETIME/TIME_INPUT_FORMATS, which the server parses.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# « La coopération » makes la-cooperation, in the editor and in code: an address people can type
# and share without it turning into la-coop%C3%A9ration.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 50
# Search (see docs/search.md). Default: the database's full-text search. On PostgreSQL, French
# stemming with accents ignored (configurations created by catalogue/migrations/0004); on SQLite, FTS5
# with accents ignored and no stemming. SEARCH_BACKEND=opensearch3|opensearch2|elasticsearch9|
# elasticsearch8|elasticsearch7 with SEARCH_URLS (comma-separated) switches to a search server,
# after `manage.py update_index`.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "catalogue.search.backends"}}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        WAGTAILSEARCH_BACKENDS["default"].update(
            SEARCH_CONFIG="french_unaccent", AUTOCOMPLETE_CONFIG="simple_unaccent"
        )
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}",
            "URLS": env_list("SEARCH_URLS", "http://localhost:9200"),
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "portail_"),
            "TIMEOUT": int(os.environ.get("SEARCH_TIMEOUT", "5")),
            # French analysis for every text field: elisions, accents, stop words, stemming.
            "INDEX_SETTINGS": {
                "settings": {
                    "analysis": {
                        "filter": {
                            "french_elision": {
                                "type": "elision",
                                "articles_case": True,
                                "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c"],
                            },
                            "french_stop": {"type": "stop", "stopwords": "_french_"},
                            "french_stemmer": {"type": "stemmer", "language": "light_french"},
                        },
                        "analyzer": {
                            "default": {
                                "type": "custom",
                                "tokenizer": "standard",
                                "filter": [
                                    "french_elision",
                                    "lowercase",
                                    "asciifolding",
                                    "french_stop",
                                    "french_stemmer",
                                ],
                            }
                        },
                    }
                }
            },
        }
    }

# Headless preview: the decoupled front end's preview page. When set, editors get a second
# preview mode that shows it with ?content_type=…&token=…; unset, only the portal's own preview.
PORTAIL_HEADLESS_PREVIEW_URL = os.environ.get("HEADLESS_PREVIEW_URL", "").strip()
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": PORTAIL_HEADLESS_PREVIEW_URL}
    if PORTAIL_HEADLESS_PREVIEW_URL
    else {},
    "SERVE_BASE_URL": None,
    "REDIRECT_ON_PREVIEW": False,
}

# Background work: immediate unless a worker is configured (production uses the database queue).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# django-allauth: email is the identifier, verified before login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
HEADLESS_ONLY = False
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{SITE_URL}/comptes/confirm-email/{{key}}/",
    "account_reset_password_from_key": f"{SITE_URL}/comptes/password/reset/key/{{key}}/",
    "account_signup": f"{SITE_URL}/comptes/signup/",
}

NINJA_PAGINATION_PER_PAGE = 20

# Stripe (only membership/payments.py talks to it). Without both keys online payment is hidden and
# members pay offline. PORTAIL_STRIPE_API_BASE points the client elsewhere, e.g. a local fake in tests.
PORTAIL_STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
PORTAIL_STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
PORTAIL_STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

# Membership: allauth gives Django's username field an opaque value (people sign in by email);
# PORTAIL_MEMBERSHIP_* settings are documented in membership/app_settings.py.
ACCOUNT_ADAPTER = "membership.adapters.AccountAdapter"
# allauth names people by their name or email in its messages, never by the opaque username.
ACCOUNT_USER_DISPLAY = "membership.adapters.user_display"
