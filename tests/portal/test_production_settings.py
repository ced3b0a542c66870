"""Production settings: Django's deployment checks pass, secrets are required, headers are sent."""

import importlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from django.core.checks import Tags, run_checks
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
HOST = "portail.example.org"


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}; django-csp's order varies."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def production_setting(names: list[str], **extra: str) -> dict:
    """Values of settings as production computes them from ``extra`` environment variables."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = run(["-c", code], production_env(**extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/1"])
def test_deployment_checks_pass_without_any_warning(redis_url):
    # Many web processes are fine on either of production's caches, both shared.
    env = production_env(REDIS_URL=redis_url, WEB_CONCURRENCY="8")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.fixture(scope="module")
def configured():
    """Production settings with Redis, an S3-compatible bucket and a frontend cache configured."""
    return production_setting(
        ["CACHES", "SESSION_ENGINE", "STORAGES", "CONTENT_SECURITY_POLICY", "INSTALLED_APPS"],
        REDIS_URL="redis://127.0.0.1:6379/1",
        FRONTEND_CACHE_PURGE_URL="http://127.0.0.1:6081",
        AWS_STORAGE_BUCKET_NAME="portail-media",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
    )


@pytest.fixture(scope="module")
def unconfigured():
    return production_setting(["CACHES", "STORAGES", "INSTALLED_APPS"])


def test_redis_holds_cache_and_sessions_when_configured(configured):
    assert configured["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert configured["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    # allauth's rate limits use the default cache, so they are shared by every web process too.
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"


def test_media_go_to_the_bucket_and_its_images_are_allowed_when_configured(configured):
    assert configured["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    img_src = configured["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://s3.fr-par.scw.cloud" in img_src


def test_publishing_purges_the_frontend_cache_when_configured(configured, unconfigured):
    assert "wagtail.contrib.frontend_cache" in configured["INSTALLED_APPS"]
    assert "wagtail.contrib.frontend_cache" not in unconfigured["INSTALLED_APPS"]


def test_headless_preview_is_offered_and_framed_only_when_its_url_is_set():
    names = ["WAGTAIL_HEADLESS_PREVIEW", "PORTAIL_CSP_ADMIN", "CONTENT_SECURITY_POLICY"]
    front_end = production_setting(names, HEADLESS_PREVIEW_URL="https://front.example.org/apercu/")
    assert front_end["WAGTAIL_HEADLESS_PREVIEW"]["CLIENT_URLS"] == {
        "default": "https://front.example.org/apercu/"
    }
    assert front_end["PORTAIL_CSP_ADMIN"]["frame-src"] == ["'self'", "https://front.example.org"]
    # The public site never frames it.
    assert front_end["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-src"] == ["'self'"]

    unset = production_setting(names, HEADLESS_PREVIEW_URL="")
    assert unset["WAGTAIL_HEADLESS_PREVIEW"]["CLIENT_URLS"] == {}
    assert unset["PORTAIL_CSP_ADMIN"]["frame-src"] == ["'self'"]


def test_without_redis_the_cache_is_the_database_and_without_bucket_media_are_on_disk(
    unconfigured,
):
    # Every web process sees the same cache, hence the same counts of failed logins.
    assert unconfigured["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )
    assert unconfigured["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    env: dict[str, str], logs: Path, workers: int = 1
) -> Iterator[tuple[subprocess.Popen, str]]:
    """gunicorn started as deployed (gunicorn.conf.py); yields the process and its base URL."""
    port = free_port()
    with open(logs, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
            + ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_served(url: str, logs: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/_allauth/app/v1/config", headers={"Host": HOST}, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    pytest.fail(f"gunicorn did not answer on {url}:\n{logs.read_text()}")


def failed_logins_allowed_per_account() -> int:
    """allauth's configured limit on failed logins for one account (``…/key``)."""
    from allauth.account import app_settings

    rules = app_settings.RATE_LIMITS["login_failed"].split(",")
    (per_account,) = [rule for rule in rules if rule.endswith("/key")]
    return int(per_account.split("/")[0])


CREATE_ACCOUNT = """
from django.core.management import call_command
for app in ["contenttypes", "auth", "account", "sessions"]:
    call_command("migrate", app, verbosity=0)
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_user("compte", "compte@exemple.fr", "Mot-de-passe-42")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


def test_failed_logins_for_one_account_are_counted_across_web_processes(tmp_path):
    """Two web processes on one database, as production configures them without Redis: allauth
    refuses the account after its limit of failed logins in total, not that many per process."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'portail.sqlite3'}")
    # Only the tables a login reads; `migrate` creates the cache table alongside.
    created = run(["manage.py", "shell", "-c", CREATE_ACCOUNT], env)
    assert created.returncode == 0, created.stderr
    allowed = failed_logins_allowed_per_account()

    with ExitStack() as servers:
        logs = [tmp_path / "first.log", tmp_path / "second.log"]
        urls = [servers.enter_context(gunicorn(env, log))[1] for log in logs]
        for url, log in zip(urls, logs, strict=True):
            wait_until_served(url, log)
        codes = []
        for attempt in range(allowed + 2):
            response = httpx.post(
                f"{urls[attempt % 2]}/_allauth/app/v1/auth/login",
                json={"email": "compte@exemple.fr", "password": "pas-le-bon"},
                headers={
                    "Host": HOST,
                    "X-Forwarded-Proto": "https",
                    # A new address each time: the limit is the account's, not the address's.
                    "X-Forwarded-For": f"203.0.113.{attempt + 1}",
                },
                timeout=30,
            )
            codes.append(response.json()["errors"][0]["code"])

    assert codes == ["email_password_mismatch"] * allowed + ["too_many_login_attempts"] * 2


@pytest.fixture
def production(settings, monkeypatch):
    """This process's settings, with production's security headers and middleware."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    module = importlib.import_module("portal.settings.production")
    for name in [
        "MIDDLEWARE",
        "CONTENT_SECURITY_POLICY",
        "PORTAIL_CSP_ADMIN",
        "PORTAIL_CSP_ADMIN_PREFIXES",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "X_FRAME_OPTIONS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ]:
        setattr(settings, name, getattr(module, name))
    return Client(HTTP_X_FORWARDED_PROTO="https")


def test_public_pages_get_a_strict_policy_and_security_headers(production, home_page):
    response = production.get(home_page.url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com"]
    assert policy["object-src"] == ["'none'"]
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_plain_http_is_sent_to_https(home_page, production):
    response = Client().get(home_page.url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_the_wagtail_admin_gets_the_policy_it_needs(production, db):
    response = production.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_session_and_csrf_cookies_are_secure(production, db, django_user_model):
    django_user_model.objects.create_user("staff", "staff@example.org", "motdepasse-long-42")
    login_page = production.get("/admin/login/")
    assert login_page.cookies["csrftoken"]["secure"]
    response = production.post(
        "/admin/login/",
        {
            "username": "staff",
            "password": "motdepasse-long-42",
            "csrfmiddlewaretoken": login_page.cookies["csrftoken"].value,
        },
    )
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]


def cache_errors() -> list:
    return [error for error in run_checks(tags=[Tags.caches]) if error.id.startswith("portal.")]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_several_web_processes_refuse_a_cache_kept_in_each_process(settings, backend):
    settings.PORTAIL_WEB_PROCESSES = 3
    settings.CACHES = {"default": {"BACKEND": backend}}
    (error,) = cache_errors()
    assert error.id == "portal.E001"
    assert "3 web processes" in error.msg
    assert "REDIS_URL" in error.hint
    assert "DatabaseCache" in error.hint


@pytest.mark.parametrize(
    "cache",
    [
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portail_cache"},
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"},
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://redis"},
    ],
)
def test_several_web_processes_accept_a_cache_they_share(settings, cache):
    settings.PORTAIL_WEB_PROCESSES = 3
    settings.CACHES = {"default": cache}
    assert cache_errors() == []


def test_a_single_web_process_may_keep_its_cache_in_memory(settings):
    settings.PORTAIL_WEB_PROCESSES = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache_errors() == []


def test_sessions_kept_in_a_cache_need_it_shared_too(settings):
    settings.PORTAIL_WEB_PROCESSES = 3
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"},
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "sessions"
    (error,) = cache_errors()
    assert "'sessions' cache" in error.msg


def test_gunicorn_refuses_to_start_several_workers_on_a_cache_kept_in_each_process(tmp_path):
    """A site's settings may still choose such a cache: gunicorn then stops before serving."""
    (tmp_path / "site_settings.py").write_text(
        "from portal.settings.production import *  # noqa: F403\n"
        'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n'
    )
    env = production_env(DJANGO_SETTINGS_MODULE="site_settings", PYTHONPATH=str(tmp_path))
    logs = tmp_path / "gunicorn.log"
    with gunicorn(env, logs, workers=3) as (process, _url):
        deadline = time.monotonic() + 90
        while process.poll() is None and time.monotonic() < deadline:
            assert "Listening at" not in logs.read_text(), "gunicorn started"
            time.sleep(0.5)
        assert process.returncode not in (None, 0)
    assert "portal.E001" in logs.read_text()
