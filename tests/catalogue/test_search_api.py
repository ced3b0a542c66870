"""The search API: results with the listing's filters, facet counts, pagination, autocomplete."""

import pytest

from catalogue.models import RegistrationMode, SessionFormat
from tests.catalogue.factories import (
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    benevolat = ThemeFactory(name="Bénévolat", slug="benevolat")
    cooperation = ThemeFactory(name="Coopération", slug="cooperation")
    return {
        "online": SessionPageFactory(
            title="Webconférence : accueillir les bénévoles",
            format=SessionFormat.ONLINE,
            meeting_url_sent_later=True,
            themes=[benevolat],
            capacity=30,
        ),
        "past": SessionPageFactory(
            title="Atelier bénévoles et associations",
            occurrences=[(in_weeks(-10, 10), in_weeks(-10, 12))],
            registration_mode=RegistrationMode.ACCOUNT,
            themes=[benevolat, cooperation],
        ),
        "call": WorkingGroupCallPageFactory(
            title="Groupe de travail bénévoles", themes=[cooperation]
        ),
        "article": ResourceArticlePageFactory(title="Enquête sur les bénévoles"),
        "other": SessionPageFactory(title="Mailler les ingénieries"),
    }


def facet(body, name, value):
    return next(item for item in body["facets"][name] if item["value"] == value)


def test_search_returns_listing_items_best_first_with_facet_counts(client, catalogue):
    response = client.get("/api/search/", {"q": "benevoles"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    ids = [item["id"] for item in body["items"]]
    assert catalogue["other"].pk not in ids
    online = next(item for item in body["items"] if item["id"] == catalogue["online"].pk)
    assert online["type"] == "session"
    assert online["format"] == "online"
    assert online["starts_at"]
    assert facet(body, "type", "session")["count"] == 2
    assert facet(body, "type", "working_group_call")["count"] == 1
    assert facet(body, "theme", "benevolat")["count"] == 2
    assert facet(body, "theme", "cooperation")["count"] == 2
    assert facet(body, "when", "past")["count"] == 1
    assert facet(body, "format", "online")["count"] == 1
    assert facet(body, "cotisation", "false")["count"] == 3


def test_filters_narrow_results_and_facets_count_the_other_choices(client, catalogue):
    body = client.get("/api/search/", {"q": "benevoles", "theme": "benevolat"}).json()

    assert {item["id"] for item in body["items"]} == {
        catalogue["online"].pk,
        catalogue["past"].pk,
    }
    # The theme facet ignores its own filter: choosing another theme would give 2.
    assert facet(body, "theme", "cooperation")["count"] == 2
    assert facet(body, "theme", "benevolat")["selected"] is True
    # Other facets count within the chosen theme.
    assert facet(body, "type", "working_group_call")["count"] == 0
    assert facet(body, "when", "upcoming")["count"] == 1

    body = client.get(
        "/api/search/", {"q": "benevoles", "type": "session", "when": "upcoming"}
    ).json()
    assert [item["id"] for item in body["items"]] == [catalogue["online"].pk]
    assert facet(body, "type", "session")["count"] == 1
    assert facet(body, "type", "working_group_call")["count"] == 1


def test_pagination_keeps_the_total(client, catalogue):
    first = client.get("/api/search/", {"q": "benevoles", "limit": 3}).json()
    rest = client.get("/api/search/", {"q": "benevoles", "limit": 3, "offset": 3}).json()

    assert first["count"] == rest["count"] == 4
    assert len(first["items"]) == 3
    assert len(rest["items"]) == 1
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}


def test_unpublished_pages_are_not_found(client, catalogue):
    catalogue["article"].unpublish()

    body = client.get("/api/search/", {"q": "enquete"}).json()

    assert body["count"] == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Saisissez au moins un mot"),
        ({"q": "   !!! ;-- "}, "Saisissez au moins un mot"),
        ({"q": "le la les des"}, "Saisissez au moins un mot"),
        ({"q": "benevoles", "theme": "inconnu"}, "Thème inconnu : « inconnu »."),
        ({"q": "benevoles", "audience": "nobody"}, "Public inconnu : « nobody »."),
    ],
)
def test_unusable_queries_and_unknown_filter_values_get_a_french_422(client, params, message):
    response = client.get("/api/search/", params)

    assert response.status_code == 422
    assert message in str(response.json()["detail"])


@pytest.mark.parametrize(
    "params",
    [
        {"q": "benevoles", "type": "meeting"},
        {"q": "benevoles", "format": "zoom"},
        {"q": "benevoles", "when": "demain"},
        {"q": "benevoles", "limit": 1000},
        {"q": "benevoles", "offset": -1},
        {"q": "benevoles", "offset": "9" * 23},
        {},
    ],
)
def test_invalid_parameters_are_refused_not_crashed_on(client, params):
    assert client.get("/api/search/", params).status_code == 422


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ("bénévoles' OR 1=1 --", False),  # every word must match: "or" and "1" do not
        ("'; DROP TABLE wagtailcore_page; --", False),
        ('"bénévoles', True),
        ("bénévoles*", True),
        ("NEAR(bénévoles accueillir)", False),
        ("title:bénévoles", False),
        ("<script>alert('x')</script>", False),
        ("bénévoles & | ! :* ( ) \\ %", True),
        ("b" * 5000, False),
        ("bénévoles " * 300, True),
        ("\x00bénévoles", True),
        ("😀 bénévoles", True),
    ],
)
def test_hostile_or_odd_queries_get_a_clean_answer(client, catalogue, query, finds):
    response = client.get("/api/search/", {"q": query})

    assert response.status_code == 200
    assert (response.json()["count"] > 0) is finds


def test_autocomplete_suggests_titles_from_the_first_letters_accents_ignored(client, catalogue):
    body = client.get("/api/search/autocomplete/", {"q": "webconf"}).json()

    assert [item["title"] for item in body["items"]] == [catalogue["online"].title]
    item = body["items"][0]
    assert item["type"] == "session"
    assert item["url"] == catalogue["online"].url
    assert item["kind_label"] == "Session d'exploration"

    body = client.get("/api/search/autocomplete/", {"q": "accueillir les benev"}).json()
    assert [item["id"] for item in body["items"]] == [catalogue["online"].pk]

    labels = {
        item["id"]: item["kind_label"]
        for item in client.get("/api/search/autocomplete/", {"q": "enqu"}).json()["items"]
        + client.get("/api/search/autocomplete/", {"q": "groupe de trav"}).json()["items"]
    }
    # Written like the session kinds, so a front end shows them as they come.
    assert labels == {
        catalogue["article"].pk: "Article ou ressource",
        catalogue["call"].pk: "Appel à manifestation d'intérêt",
    }


def test_autocomplete_lists_at_most_eight_and_nothing_for_empty_input(client):
    for number in range(10):
        SessionPageFactory(title=f"Coopération numéro {number}")

    assert len(client.get("/api/search/autocomplete/", {"q": "coop"}).json()["items"]) == 8
    for query in ["", "  ", "%", "'", "le"]:
        response = client.get("/api/search/autocomplete/", {"q": query})
        assert response.status_code == 200
        assert response.json()["items"] == [] or query == "le"


def test_search_and_autocomplete_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert "/api/search/" in paths
    assert "/api/search/autocomplete/" in paths


def test_empty_filters_from_an_html_form_mean_no_filter(client):
    response = client.get("/api/search/", {"q": "bénévoles", "type": "", "format": "", "when": ""})

    assert response.status_code == 200
