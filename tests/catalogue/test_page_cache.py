"""Anonymous pages and API reads come from the shared cache, never stale, never someone else's."""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished

from catalogue.models import TrainingSettings
from catalogue.registrations.services import registration_cancel, registration_create
from membership.models import AssociationSettings
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import session_member

pytestmark = pytest.mark.django_db


def published(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_visitor_gets_the_kept_page_with_an_etag_and_a_304_when_it_matches(client):
    session = published(SessionPageFactory(title="Atelier bocage"))
    # The site's settings rows are created by the first request that reads them: a change.
    client.get("/")
    TrainingSettings.for_site(Site.objects.get(is_default_site=True))
    first, rendered = get(client, session.url)
    second, kept = get(client, session.url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert kept < rendered and kept <= 2  # at most the cache's own reads, no page read
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=0" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]

    not_modified, _ = get(client, session.url, if_none_match=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert get(client, session.url, if_none_match='"autre"')[0].status_code == 200


@pytest.mark.parametrize("url", ["page", "api"])
def test_seats_taken_or_freed_are_never_shown_stale(client, url):
    session = published(SessionPageFactory(capacity=3))
    address = session.url if url == "page" else f"/api/catalogue/{session.pk}/"

    def seats():
        response = client.get(address)
        if url == "api":
            return response.json()["seats_left"]
        return (
            3
            if "3 places restantes" in response.text
            else 2
            if "2 places" in response.text
            else None
        )

    assert seats() == 3
    registration = registration_create(session=session, user=session_member(session))
    assert seats() == 2
    registration_cancel(registration=registration, by=registration.user)
    assert seats() == 3


def test_a_withdrawn_page_is_never_served(client):
    session = published(SessionPageFactory())
    assert client.get(session.url).status_code == 200
    assert client.get("/api/catalogue/").json()["count"] == 1
    session.unpublish()
    assert client.get(session.url).status_code == 404
    assert client.get(f"/api/catalogue/{session.pk}/").status_code == 404
    assert client.get("/api/catalogue/").json()["count"] == 0


def test_an_edited_setting_is_shown_at_once(client, home_page):
    settings = AssociationSettings.for_site(home_page.get_site())
    client.get("/")
    settings.name = "Réseau rural de la Drôme"
    settings.save()
    assert "Réseau rural de la Drôme" in client.get("/").text


def test_a_members_page_is_never_kept_nor_given_to_others():
    session = published(SessionPageFactory())
    person = session_member(session)
    registration_create(session=session, user=person)
    member = Client()
    member.force_login(person)

    mine = member.get(session.url)
    assert "Vous êtes inscrit·e" in mine.text
    assert "private" in mine["Cache-Control"]
    assert "ETag" not in mine

    visitor = Client()
    visitor.get("/")
    seen, queries = get(visitor, session.url)
    assert "Vous êtes inscrit·e" not in seen.text
    assert queries > 2  # rendered for the visitor, not taken from the member's response
    assert "Vous êtes inscrit·e" in member.get(session.url).text


def test_an_api_token_request_is_not_served_from_the_cache(client):
    session = published(SessionPageFactory())
    client.get(f"/api/catalogue/{session.pk}/")
    response = client.get(f"/api/catalogue/{session.pk}/", headers={"authorization": "Bearer x"})
    assert "ETag" not in response
    assert "private" in response["Cache-Control"]


# ----------------------------------------------------------------------- served early, same headers


@pytest.fixture
def production_headers(settings):
    """The production settings' security middleware and headers (HSTS, CSP, …)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.security.SecurityMiddleware") + 1,
        "portal.security.PortalCSPMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "frame-ancestors": ["'self'"]}
    }
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    settings.SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    settings.X_FRAME_OPTIONS = "DENY"


@pytest.fixture
def session_middleware_runs(monkeypatch):
    """How many requests the session middleware has looked at."""
    from django.contrib.sessions.middleware import SessionMiddleware

    runs = []
    process_request = SessionMiddleware.process_request

    def counted(self, request):
        runs.append(request.path)
        return process_request(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", counted)
    return runs


def test_a_kept_page_is_answered_before_sessions_with_the_headers_of_a_rendered_one(
    production_headers, session_middleware_runs
):
    session = published(SessionPageFactory(title="Atelier haies"))
    # The site's settings rows are created by the first request that reads them: a change.
    Client().get("/")
    TrainingSettings.for_site(Site.objects.get(is_default_site=True))
    rendered = Client().get(session.url, secure=True)
    Client().get(session.url)  # over plain HTTP: kept apart, without HSTS
    runs = len(session_middleware_runs)
    kept_secure = Client().get(session.url, secure=True)
    kept, queries = get(Client(), session.url)

    assert len(session_middleware_runs) == runs  # neither went through sessions
    assert queries <= 2  # the cache's reads at most
    assert kept_secure.content == rendered.content
    assert dict(kept_secure.headers) == dict(rendered.headers)
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "ETag",
    ):
        assert header in kept_secure, header
    assert "Strict-Transport-Security" not in kept
    assert kept["Content-Security-Policy"] == rendered["Content-Security-Policy"]


def test_a_member_with_a_session_still_goes_through_authentication(session_middleware_runs):
    session = published(SessionPageFactory())
    person = session_member(session)
    registration_create(session=session, user=person)
    Client().get(session.url)  # kept for visitors
    member = Client()
    member.force_login(person)
    runs = len(session_middleware_runs)
    mine = member.get(session.url)
    assert len(session_middleware_runs) == runs + 1
    assert "Vous êtes inscrit·e" in mine.text
    assert "private" in mine["Cache-Control"]


# ----------------------------------------------------------------------- frontend cache purge


@pytest.fixture
def purged(settings):
    """A CDN's purge endpoint on localhost, and the (Host, path) of each PURGE it received."""
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_PURGE(self):
            received.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = int(os.environ.get("PORTAIL_TEST_PURGE_PORT", "0"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # What installing wagtail.contrib.frontend_cache does (its ready()), undone afterwards.
    from wagtail.contrib.frontend_cache import signal_handlers

    signal_handlers.register_signal_handlers()
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield received
    for model in apps.get_models():
        if issubclass(model, Page):
            page_published.disconnect(signal_handlers.page_published_signal_handler, model)
            page_unpublished.disconnect(signal_handlers.page_unpublished_signal_handler, model)
    server.shutdown()
    server.server_close()


def test_a_cdn_forgets_a_session_when_a_seat_is_taken_or_freed_and_when_it_is_published(
    purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = published(SessionPageFactory(capacity=3))
    site = session.get_site()
    page = (site.hostname, urlsplit(session.get_full_url()).path)
    api = (site.hostname, f"/api/catalogue/{session.pk}/")
    assert page in purged

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(session=session, user=session_member(session))
    assert set(purged) == {page, api}

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, by=registration.user)
    assert set(purged) == {page, api}

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session.unpublish()
    assert page in purged
