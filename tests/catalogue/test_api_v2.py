"""Wagtail's page API v2 serves every page type, with snippets expanded and no meeting link."""

import pytest

from catalogue.models import SessionFormat, SpeakerRole
from tests.catalogue.factories import (
    AudienceFactory,
    OrganisationFactory,
    PersonFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
)

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://visio.example.org/salle-secrete-42"


@pytest.fixture
def content():
    theme = ThemeFactory(name="Coopération", slug="cooperation")
    audience = AudienceFactory(name="Élus", slug="elus")
    structure = OrganisationFactory(name="Cap Rural")
    speaker = PersonFactory(first_name="Anne", last_name="Dupont", organisation=structure)
    contact = PersonFactory(first_name="Lise", last_name="Roux", email="lise@caprural.org")
    session = SessionPageFactory(
        format=SessionFormat.HYBRID,
        meeting_url=SECRET_LINK,
        themes=[theme],
        audiences=[audience],
        speakers=[(speaker, SpeakerRole.ANIMATION)],
        contact=contact,
    )
    call = WorkingGroupCallPageFactory(themes=[theme], audiences=[audience], contact=contact)
    article = ResourceArticlePageFactory(author=speaker, themes=[theme], contact=contact)
    return {"session": session, "call": call, "article": article}


@pytest.mark.parametrize(
    "page_type",
    [
        "catalogue.SessionPage",
        "catalogue.WorkingGroupCallPage",
        "catalogue.ResourceArticlePage",
        "catalogue.CatalogueIndexPage",
        "home.HomePage",
    ],
)
def test_every_page_type_lists_with_all_its_fields(client, content, page_type):
    response = client.get("/api/v2/pages/", {"type": page_type, "fields": "*"})

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert items and {item["meta"]["type"] for item in items} == {page_type}
    if page_type.startswith(("catalogue.Session", "catalogue.Working", "catalogue.Resource")):
        assert items[0]["themes"] == [
            {"id": items[0]["themes"][0]["id"], "name": "Coopération", "slug": "cooperation"}
        ]
        assert items[0]["contact"]["email"] == "lise@caprural.org"


def test_session_detail_shows_speakers_with_their_person(client, content):
    response = client.get(f"/api/v2/pages/{content['session'].pk}/")

    assert response.status_code == 200
    page = response.json()
    (speaker,) = page["speakers"]
    assert speaker["role"] == "animation"
    assert speaker["person"]["full_name"] == "Anne Dupont"
    assert speaker["person"]["organisation"]["name"] == "Cap Rural"
    assert "email" not in speaker["person"]
    assert page["audiences"][0]["name"] == "Élus"
    assert page["contact"]["full_name"] == "Lise Roux"
    assert len(page["occurrences"]) == 1


def test_call_and_article_details_serialize(client, content):
    call = client.get(f"/api/v2/pages/{content['call'].pk}/").json()
    article = client.get(f"/api/v2/pages/{content['article'].pk}/").json()

    assert call["questions"][0]["label"] == "Qu'attendez-vous de ce groupe de travail ?"
    assert call["audiences"][0]["slug"] == "elus"
    assert article["author"]["full_name"] == "Anne Dupont"
    assert article["body"][0]["type"] == "paragraph"


def test_meeting_link_is_not_in_the_page_api(client, content):
    listing = client.get("/api/v2/pages/", {"type": "catalogue.SessionPage", "fields": "*"})
    detail = client.get(f"/api/v2/pages/{content['session'].pk}/")
    asked = client.get("/api/v2/pages/", {"type": "catalogue.SessionPage", "fields": "meeting_url"})

    assert "salle-secrete" not in listing.content.decode()
    assert "salle-secrete" not in detail.content.decode()
    assert asked.status_code == 400
