"""System checks of the catalogue: ids ``portail.E0xx`` as in ``membership/checks.py``."""

from django.apps import apps
from django.core.checks import Error, Tags, register

from membership.checks import API_HINT, missing_apps, missing_urls

REQUIRED_APPS = {
    "wagtail_headless_preview": "it stores the drafts a decoupled front end previews",
    "django_tasks": "registration emails leave through background tasks",
}
REQUIRED_URLS = {
    ("catalogue:my_registrations", ()): 'path("inscriptions/", include("catalogue.urls"))',
    ("api:openapi-json", ()): API_HINT,
}


@register()
def check_catalogue_setup(app_configs, **kwargs) -> list[Error]:
    errors = []
    if not apps.is_installed("membership"):
        errors.append(
            Error(
                "catalogue needs membership in INSTALLED_APPS: a registration asks it whether "
                "the person's cotisation is paid.",
                hint='Add "membership" to INSTALLED_APPS, beside "catalogue".',
                obj="catalogue",
                id="portail.E002",
            )
        )
    return errors + missing_apps(REQUIRED_APPS, "catalogue")


@register(Tags.urls)
def check_catalogue_urls(app_configs, **kwargs) -> list[Error]:
    return missing_urls(REQUIRED_URLS, "catalogue")
