"""The search page: results as cards, facets as links, French messages, never a crash."""

import pytest
from django.urls import reverse

from catalogue.models import SessionFormat
from tests.catalogue.factories import SessionPageFactory, ThemeFactory, paris

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture
def session():
    return SessionPageFactory(
        title="Webconférence : accueillir les nouveaux bénévoles",
        lead="Comprendre ce qui motive les nouveaux bénévoles.",
        format=SessionFormat.ONLINE,
        meeting_url_sent_later=True,
        capacity=25,
        occurrences=[(paris(2031, 3, 6, 14), paris(2031, 3, 6, 16))],
        themes=[ThemeFactory(name="Bénévolat", slug="benevolat")],
    )


def test_results_show_type_dates_format_seats_and_an_excerpt(client, session):
    response = client.get(URL, {"q": "benevoles"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 résultat pour « benevoles »" in html
    assert session.title in html
    assert "Session d&#x27;exploration" in html
    assert "jeudi 6 mars 2031" in html
    assert "En ligne" in html
    assert "25 places restantes" in html
    assert "Comprendre ce qui motive" in html
    assert 'href="/recherche/?q=benevoles&amp;theme=benevolat"' in html


def test_a_facet_link_narrows_and_a_selected_one_removes_its_filter(client, session):
    SessionPageFactory(title="Autres bénévoles", format=SessionFormat.IN_PERSON)

    html = client.get(URL, {"q": "benevoles", "format": "online"}).content.decode()

    assert "1 résultat" in html
    assert "Autres bénévoles" not in html
    assert 'href="/recherche/?q=benevoles" aria-current="true"' in html


def test_unknown_filter_value_is_reported_in_french_and_ignored(client, session):
    response = client.get(URL, {"q": "benevoles", "theme": "inconnu", "format": "zoom"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "1 résultat" in html


def test_empty_and_stop_word_queries_ask_for_more(client, session):
    assert "résultat" not in client.get(URL).content.decode()
    html = client.get(URL, {"q": "les des ?!"}).content.decode()
    assert "Précisez votre recherche" in html


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", "' OR 1=1 --", '"', "é" * 1000, "bénévoles\x00", "NOT AND OR"],
)
def test_odd_queries_render_escaped(client, session, query):
    response = client.get(URL, {"q": query, "page": "abc"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("path", [URL, "/"])
def test_every_page_loads_the_autocomplete_for_its_search_boxes(client, home_page, path):
    html = client.get(path).content.decode()

    assert html.count('src="/static/search/autocomplete.js"') == 1
    assert 'data-autocomplete-url="/api/search/autocomplete/"' in html
    assert 'data-inputs="#search-q, #site-search-q"' in html
    assert 'href="/static/search/autocomplete.css"' in html


def test_the_two_search_landmarks_of_the_search_page_have_names(client):
    html = client.get(URL).content.decode()

    assert 'role="search" aria-label="Recherche rapide"' in html
    assert 'role="search" aria-labelledby="recherche-titre"' in html


def _search_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": "bénévolat"}).status_code == 200
    return len(queries)


def test_result_cards_cost_the_same_queries_for_2_and_8_articles(client, settings):
    from tests.catalogue.factories import PersonFactory, ResourceArticlePageFactory

    settings.PORTAIL_PAGE_CACHE_SECONDS = 0  # the page's own queries, not the page cache's

    def articles(count):
        for _ in range(count):
            ResourceArticlePageFactory(title="Le bénévolat en chiffres", author=PersonFactory())

    articles(2)
    _search_queries(client)  # warms the caches (site, settings, content types)
    _search_queries(client)  # and what the content version keeps, once the settings are written
    few = _search_queries(client)
    articles(6)
    _search_queries(client)  # what the content version keeps (menu, restrictions) read again once
    assert _search_queries(client) == few
