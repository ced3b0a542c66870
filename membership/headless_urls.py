"""allauth's headless API (mounted under ``_allauth/``), without the phone endpoints.

allauth mounts ``…/account/phone`` and ``…/auth/phone/verify[/resend]`` whatever the settings,
and they fail with a 500 when accounts have no phone number (its adapter's phone methods are
not implemented; an anonymous PUT even trips over a missing attribute). Its own pages are
mounted only when ``phone`` is a sign-up field; the API follows the same rule here, and the
unmounted endpoints answer a JSON 404 in allauth's error format.

Every endpoint also refuses a body nested deeper than ``MAX_JSON_DEPTH`` before allauth reads it:
Python's JSON parser recurses once per level, and allauth lets its RecursionError become a 500.
"""

import functools
from collections.abc import Callable

from allauth.account import app_settings as account_settings
from allauth.headless import app_settings as headless_settings
from allauth.headless import urls as allauth_headless_urls
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt

PHONE_ROUTES = ("account/phone", "auth/phone/verify", "auth/phone/verify/resend")
# Far deeper than any of allauth's inputs (a flat object), far below the parser's recursion limit.
MAX_JSON_DEPTH = 100

app_name = allauth_headless_urls.app_name


@csrf_exempt  # It changes nothing: a missing CSRF token must not turn its 404 into a 403.
def phone_not_enabled(request: HttpRequest) -> JsonResponse:
    message = (
        "Les comptes de ce portail n'ont pas de numéro de téléphone : on se connecte par e-mail."
    )
    return JsonResponse(
        {"status": 404, "errors": [{"code": "not_enabled", "message": message}]}, status=404
    )


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``limit``, found without
    recursing; brackets inside strings do not count."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == ord("\\"):
                escaped = True
            elif byte == ord('"'):
                in_string = False
        elif byte == ord('"'):
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif byte in b"]}":
            depth -= 1
    return False


def refusing_deep_json(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method != "GET" and nested_deeper_than(request.body, MAX_JSON_DEPTH):
            message = (
                "Le corps de la requête n'est pas accepté : ses listes et objets JSON sont "
                f"imbriqués sur plus de {MAX_JSON_DEPTH} niveaux."
            )
            return JsonResponse(
                {"status": 400, "errors": [{"code": "invalid", "message": message}]}, status=400
            )
        return view(request, *args, **kwargs)

    return checked


def with_json_depth_checked(
    patterns: list[URLPattern | URLResolver],
) -> list[URLPattern | URLResolver]:
    checked: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            checked.append(
                URLResolver(
                    pattern.pattern,
                    with_json_depth_checked(pattern.url_patterns),
                    pattern.default_kwargs,
                    app_name=pattern.app_name,
                    namespace=pattern.namespace,
                )
            )
        else:
            checked.append(
                URLPattern(
                    pattern.pattern,
                    refusing_deep_json(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
    return checked


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
    urlpatterns = with_json_depth_checked(allauth_headless_urls.urlpatterns)
else:
    urlpatterns = with_json_depth_checked(
        [
            path(f"{client}/v1/{route}", phone_not_enabled)
            for client in headless_settings.CLIENTS
            for route in PHONE_ROUTES
        ]
        + without_phone_routes(allauth_headless_urls.urlpatterns)
    )
