"""Pages and API reads for anonymous visitors, served from the cache every web process shares.

A response is kept when an anonymous visitor's GET gave a 200 of HTML or JSON that sets no
cookie and used no CSRF token (a page with a POST form is rendered each time: its token belongs
to one visitor). It is keyed by the content version (``catalogue.cache``), so a page published,
unpublished or edited, a seat taken or freed, a setting edited are seen at the next request;
the timeout only bounds what changes with the clock alone (a registration window that closes).
Every kept response carries an ETag, and a request whose ``If-None-Match`` matches gets a 304.

Signed-in people, requests with a password passed, an ``Authorization`` header or pending
messages are never served from nor stored in it, and their responses are marked ``private``.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from .app_settings import app_settings
from .cache import is_anonymous, versioned_key

CACHEABLE_TYPES = ("text/html", "application/json")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link")


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

        key = versioned_key("response", request.get_host(), request.scheme, request.get_full_path())
        kept = cache.get(key)
        if kept is None:
            response = self.get_response(request)
            if not self._may_keep(request, response):
                return response
            kept = {
                "status": response.status_code,
                "content": response.content,
                "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            }
            cache.set(key, kept, seconds)
        elif request.headers.get("If-None-Match") == kept["etag"]:
            return self._shared(HttpResponseNotModified(), kept["etag"], seconds)
        response = HttpResponse(kept["content"], status=kept["status"])
        for header, value in kept["headers"].items():
            response[header] = value
        return self._shared(response, kept["etag"], seconds)

    @staticmethod
    def _shared(response: HttpResponse, etag: str, seconds: int) -> HttpResponse:
        response["ETag"] = etag
        # Browsers ask again each time (a 304 when nothing changed); a CDN may keep it as long
        # as this cache does, Wagtail's frontend-cache purge telling it of changes meanwhile.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        patch_cache_control(response, s_maxage=seconds)
        patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def _may_share(request: HttpRequest) -> bool:
        if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return False
        if any(request.path.startswith(prefix) for prefix in app_settings.PAGE_CACHE_EXCLUDE):
            return False
        if not is_anonymous(request):
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
