"""Pages and API reads for anonymous visitors, served from the cache every web process shares.

A response is kept when an anonymous visitor's GET gave a 200 of HTML or JSON that sets no
cookie and used no CSRF token (a page with a POST form is rendered each time: its token belongs
to one visitor). It is keyed by the content version (``catalogue.cache``), so a page published,
unpublished or edited, a seat taken or freed, a setting edited are seen at the next request;
the timeout only bounds what changes with the clock alone (a registration window that closes).
Every kept response carries an ETag, and a request whose ``If-None-Match`` matches gets a 304.

Signed-in people, requests with a password passed, an ``Authorization`` header or pending
messages are never served from nor stored in it, and their responses are marked ``private``.

Two middleware share the work. ``AnonymousCacheMiddleware``, after the authentication and
messages middleware, knows who is asking and decides what may be kept. ``EarlyCacheMiddleware``,
placed just after the security, CSP and WhiteNoise middleware, keeps the response as the
middleware after it left it (headers included) and answers a request that carries no session,
no messages cookie and no credentials before sessions, CSRF, authentication and messages run:
such a request can only be an anonymous visitor's. The middleware before it (HSTS, CSP…) add
their headers to a kept response exactly as to a rendered one.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from .app_settings import app_settings
from .cache import is_anonymous, versioned_key

CACHEABLE_TYPES = ("text/html", "application/json")
# Set again on every answer, never kept.
NOT_KEPT = ("ETag", "Cache-Control")
# The early middleware's lookup, for the later one: (key, kept entry or None).
LOOKED = "_portail_page_cache"
# On a response the later middleware found fit to keep, for the early one to keep.
KEEP = "_portail_page_cache_keep"


def _page_key(request: HttpRequest) -> str:
    return versioned_key("response", request.get_host(), request.scheme, request.get_full_path())


def _may_look(request: HttpRequest) -> bool:
    """A GET no credential comes with, for a path that may be cached."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    if "HTTP_X_SESSION_TOKEN" in request.META:  # allauth's headless clients sign in with it
        return False
    return not request.path.startswith(app_settings.PAGE_CACHE_EXCLUDE)


def _keep(key: str, response: HttpResponse, seconds: int) -> dict:
    kept = {
        "status": response.status_code,
        "content": response.content,
        "headers": [(h, v) for h, v in response.items() if h not in NOT_KEPT],
        "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
    }
    cache.set(key, kept, seconds)
    return kept


def _answer(request: HttpRequest, kept: dict, seconds: int) -> HttpResponse:
    """The kept response, or a 304 when the visitor already holds it."""
    if request.headers.get("If-None-Match") == kept["etag"]:
        return _shared(HttpResponseNotModified(), kept["etag"], seconds)
    response = HttpResponse(kept["content"], status=kept["status"])
    for header, value in kept["headers"]:
        response[header] = value
    return _shared(response, kept["etag"], seconds)


def _shared(response: HttpResponse, etag: str, seconds: int) -> HttpResponse:
    response["ETag"] = etag
    # Browsers ask again each time (a 304 when nothing changed); a CDN may keep it as long
    # as this cache does, Wagtail's frontend-cache purge telling it of changes meanwhile.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_cache_control(response, s_maxage=seconds)
    patch_vary_headers(response, ["Cookie"])
    return response


class EarlyCacheMiddleware:
    """Place it just after the security, CSP and WhiteNoise middleware, before sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = app_settings.PAGE_CACHE_SECONDS
        if not seconds or not _may_look(request):
            return self.get_response(request)
        key = _page_key(request)
        kept = cache.get(key)
        if kept is not None and self._nobody(request):
            return _answer(request, kept, seconds)
        setattr(request, LOOKED, (key, kept))
        response = self.get_response(request)
        if getattr(response, KEEP, False):
            kept = _keep(key, response, seconds)
            return _shared(response, kept["etag"], seconds)
        return response

    @staticmethod
    def _nobody(request: HttpRequest) -> bool:
        """No session (so nobody signed in and no password passed) and no message waiting."""
        return (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )


class AnonymousCacheMiddleware:
    """Place it after the authentication and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = app_settings.PAGE_CACHE_SECONDS
        if not seconds or not self._may_share(request):
            response = self.get_response(request)
            if not is_anonymous(request) or "HTTP_AUTHORIZATION" in request.META:
                # Never kept by a shared cache on the way (a CDN, a proxy).
                patch_cache_control(response, private=True)
            return response

        looked = getattr(request, LOOKED, None)
        key, kept = looked if looked is not None else (_page_key(request), None)
        if looked is None:
            kept = cache.get(key)
        if kept is not None:
            return _answer(request, kept, seconds)
        response = self.get_response(request)
        if not self._may_keep(request, response):
            return response
        if looked is not None:
            # The early middleware keeps it, with the headers the middleware between add.
            setattr(response, KEEP, True)
            return response
        kept = _keep(key, response, seconds)
        return _shared(response, kept["etag"], seconds)

    @staticmethod
    def _may_share(request: HttpRequest) -> bool:
        if not _may_look(request) or not is_anonymous(request):
            return False
        # A message waiting to be shown (after signing out, say) belongs to this visitor.
        return "messages" not in request.COOKIES and "_messages" not in request.session

    @staticmethod
    def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
        content_type = response.get("Content-Type", "")
        return (
            response.status_code == 200
            and not response.streaming
            and content_type.startswith(CACHEABLE_TYPES)
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.session.modified
            and not response.has_header("Cache-Control")
            and not response.has_header("Set-Cookie")
        )
