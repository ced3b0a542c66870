"""allauth's headless API (mounted under ``_allauth/``), without the phone endpoints.

allauth mounts ``…/account/phone`` and ``…/auth/phone/verify[/resend]`` whatever the settings,
and they fail with a 500 when accounts have no phone number (its adapter's phone methods are
not implemented; an anonymous PUT even trips over a missing attribute). Its own pages are
mounted only when ``phone`` is a sign-up field; the API follows the same rule here, and the
unmounted endpoints answer a JSON 404 in allauth's error format.
"""

from allauth.account import app_settings as account_settings
from allauth.headless import app_settings as headless_settings
from allauth.headless import urls as allauth_headless_urls
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt

PHONE_ROUTES = ("account/phone", "auth/phone/verify", "auth/phone/verify/resend")

app_name = allauth_headless_urls.app_name


@csrf_exempt  # It changes nothing: a missing CSRF token must not turn its 404 into a 403.
def phone_not_enabled(request: HttpRequest) -> JsonResponse:
    message = (
        "Les comptes de ce portail n'ont pas de numéro de téléphone : on se connecte par e-mail."
    )
    return JsonResponse(
        {"status": 404, "errors": [{"code": "not_enabled", "message": message}]}, status=404
    )


def is_phone_route(route: str) -> bool:
    return any(route.endswith(f"v1/{phone_route}") for phone_route in PHONE_ROUTES)


def without_phone_routes(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> list[URLPattern | URLResolver]:
    kept: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            kept.append(
                URLResolver(
                    pattern.pattern,
                    without_phone_routes(pattern.url_patterns, route),
                    pattern.default_kwargs,
                    app_name=pattern.app_name,
                    namespace=pattern.namespace,
                )
            )
        elif not is_phone_route(route):
            kept.append(pattern)
    return kept


if "phone" in account_settings.SIGNUP_FIELDS:
    urlpatterns = allauth_headless_urls.urlpatterns
else:
    urlpatterns = [
        path(f"{client}/v1/{route}", phone_not_enabled)
        for client in headless_settings.CLIENTS
        for route in PHONE_ROUTES
    ] + without_phone_routes(allauth_headless_urls.urlpatterns)
