"""System checks name what a host forgot, instead of an email that silently never leaves."""

import pytest
from django.apps import apps as django_apps
from django.core import checks
from django.test import override_settings
from django.urls import include, path


def errors(*, urls: bool = False) -> dict[str, str]:
    tags = [checks.Tags.urls] if urls else None
    found = checks.run_checks(tags=tags, include_deployment_checks=False)
    return {error.msg: error.id for error in found if error.id.startswith("portail.")}


def test_the_portals_own_settings_pass_every_check():
    assert errors() == {}
    assert errors(urls=True) == {}


@override_settings(SITE_URL="", WAGTAILADMIN_BASE_URL="")
def test_a_missing_site_url_is_named():
    assert "portail.E004" in errors().values()


@override_settings(SITE_URL="", WAGTAILADMIN_BASE_URL="https://portail.example.org")
def test_wagtails_admin_base_url_stands_in_for_site_url():
    assert "portail.E004" not in errors().values()


@pytest.mark.parametrize(
    "app", ["wagtail.contrib.settings", "allauth.account", "django_tasks", "membership"]
)
def test_each_missing_app_is_named(app, monkeypatch):
    # Removing an app from the registry for real would reload every model; the checks only ask
    # the registry whether the app is installed.
    is_installed = django_apps.is_installed
    monkeypatch.setattr(
        django_apps, "is_installed", lambda name: name != app and is_installed(name)
    )

    found = errors()

    assert any(message.startswith(f"{app} ") or f"needs {app} " in message for message in found)
    assert set(found.values()) <= {"portail.E001", "portail.E002"}


def test_a_missing_allauth_middleware_is_named(settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "allauth.account.middleware.AccountMiddleware"
    ]
    assert "portail.E003" in errors().values()


def test_a_missing_settings_context_processor_is_named(settings):
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["context_processors"] = [
        p
        for p in templates[0]["OPTIONS"]["context_processors"]
        if p != "wagtail.contrib.settings.context_processors.settings"
    ]
    settings.TEMPLATES = templates
    assert "portail.E006" in errors().values()


urlpatterns = [path("inscriptions/", include("catalogue.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_every_url_the_plugin_links_to_but_the_host_did_not_mount_is_named():
    found = errors(urls=True)
    assert set(found.values()) == {"portail.E005"}
    named = " ".join(found)
    for name in ("membership:account", "stripe_webhook", "api:openapi-json", "account_login"):
        assert name in named
    assert "catalogue:my_registrations" not in named
