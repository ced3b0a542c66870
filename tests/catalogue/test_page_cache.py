"""Anonymous pages and API reads come from the shared cache, never stale, never someone else's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

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
