"""System checks: name every app, setting and URL the plugin needs, so that nothing fails silently.

Ids ``portail.E001``… are shared by ``membership`` and ``catalogue`` (see ``catalogue/checks.py``).
"""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, reverse

from .app_settings import app_settings

# What membership's models, templates, emails and sign-up stand on.
REQUIRED_APPS = {
    "wagtail.contrib.settings": "the association's identity is a site setting",
    "wagtail_modeladmin": "staff manage members, cotisations and payments with it",
    "django_tasks": "emails leave through background tasks",
    "allauth": "members sign up and log in with django-allauth",
    "allauth.account": "members sign up and log in with django-allauth",
    "allauth.headless": "decoupled front ends sign members up through /_allauth/",
}
REQUIRED_MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"]
REQUIRED_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "wagtail.contrib.settings.context_processors.settings",
]
API_HINT = 'path("api/", api.urls), a NinjaAPI(urls_namespace="api") with the apps\' routers'
# URL name (and arguments) → what to include, as the README's « Installing the apps in another
# site » does.
REQUIRED_URLS = {
    ("membership:account", ()): 'path("adhesion/", include("membership.urls"))',
    ("membership_checkout:checkout_start", ()): (
        'path("adhesion/paiement/", include("membership.checkout_urls"))'
    ),
    ("stripe_webhook", ()): (
        'path("membership/stripe/webhook/", stripe_webhook, name="stripe_webhook")'
    ),
    ("account_login", ()): 'path("comptes/", include("allauth.urls"))',
    ("headless:browser:account:login", ()): (
        'path("_allauth/", include("membership.headless_urls"))'
    ),
    ("api:me_receipt_pdf", (1,)): API_HINT + ' (membership\'s at "/me/")',
}


def missing_apps(required: dict[str, str], app_label: str) -> list[Error]:
    return [
        Error(
            f"{app} is missing from INSTALLED_APPS: {why}.",
            hint=f'Add "{app}" to INSTALLED_APPS (see the README of the {app_label} app).',
            obj=app_label,
            id="portail.E001",
        )
        for app, why in required.items()
        if not apps.is_installed(app)
    ]


def missing_urls(required: dict[tuple[str, tuple], str], app_label: str) -> list[Error]:
    errors = []
    for (name, args), include in required.items():
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            errors.append(
                Error(
                    f"The URL « {name} » is not mounted: links in pages and emails would break.",
                    hint=f"Add {include} to your urls.py.",
                    obj=app_label,
                    id="portail.E005",
                )
            )
    return errors


@register()
def check_membership_setup(app_configs, **kwargs) -> list[Error]:
    errors = missing_apps(REQUIRED_APPS, "membership")
    errors += [
        Error(
            f"{middleware} is missing from MIDDLEWARE: django-allauth needs it.",
            hint=f'Add "{middleware}" to MIDDLEWARE.',
            obj="membership",
            id="portail.E003",
        )
        for middleware in REQUIRED_MIDDLEWARE
        if middleware not in settings.MIDDLEWARE
    ]
    if not app_settings.SITE_URL:
        errors.append(
            Error(
                "No absolute URL for the links in emails: a registration's confirmation would "
                "fail to be sent.",
                hint='Set PORTAIL_SITE_URL (or SITE_URL, or WAGTAILADMIN_BASE_URL), e.g. "https://portail.example.org".',
                obj="membership",
                id="portail.E004",
            )
        )
    processors = [
        processor
        for engine in settings.TEMPLATES
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates"
        for processor in engine.get("OPTIONS", {}).get("context_processors", [])
    ]
    errors += [
        Error(
            f"The context processor {processor} is missing: the plugin's templates read it.",
            hint=f'Add "{processor}" to TEMPLATES[0]["OPTIONS"]["context_processors"].',
            obj="membership",
            id="portail.E006",
        )
        for processor in REQUIRED_CONTEXT_PROCESSORS
        if processor not in processors
    ]
    if "allauth.account.auth_backends.AuthenticationBackend" not in getattr(
        settings, "AUTHENTICATION_BACKENDS", []
    ):
        errors.append(
            Error(
                "django-allauth's authentication backend is missing: members could not log in "
                "with their email.",
                hint='Add "allauth.account.auth_backends.AuthenticationBackend" to AUTHENTICATION_BACKENDS.',
                obj="membership",
                id="portail.E007",
            )
        )
    return errors


@register(Tags.urls)
def check_membership_urls(app_configs, **kwargs) -> list[Error]:
    return missing_urls(REQUIRED_URLS, "membership")
