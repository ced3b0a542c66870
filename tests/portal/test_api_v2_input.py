"""Wagtail's page API v2 answers a query it cannot run with a 400 and a French message, not a 500.

The test client re-raises a view's exception, so a server error fails the test before its status
is read. Each case was a 500 on SQLite, PostgreSQL or both.
"""

import datetime as dt
from urllib.parse import urlsplit

import pytest

from catalogue.api import MAX_OFFSET
from tests.catalogue.factories import ResourceArticlePageFactory, SessionPageFactory

pytestmark = pytest.mark.django_db

TOO_LARGE = "99999999999999999999"
ENDPOINTS = ["/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"]
FINDERS = [f"{endpoint}find/" for endpoint in ENDPOINTS]


@pytest.fixture(autouse=True)
def content():
    return {
        "session": SessionPageFactory(slug="atelier"),
        "article": ResourceArticlePageFactory(date=dt.date(2026, 3, 12)),
    }


BAD_QUERIES = [
    # A NUL character, which PostgreSQL refuses in a query.
    *[(endpoint, {"search": "\x00"}, "caractère nul") for endpoint in ENDPOINTS],
    *[(endpoint, {"title": "a\x00b"}, "caractère nul") for endpoint in ENDPOINTS],
    ("/api/v2/pages/find/", {"html_path": "\x00"}, "caractère nul"),
    ("/api/v2/pages/find/", {"html_path": "/atelier/\x00"}, "caractère nul"),
    ("/api/v2/pages/", {"locale": "\x00"}, "caractère nul"),
    ("/api/v2/pages/", {"type": "catalogue.SessionPage", "slug": "\x00"}, "caractère nul"),
    # An offset or a limit past the databases' integers.
    *[(endpoint, {"offset": TOO_LARGE}, "« offset »") for endpoint in ENDPOINTS],
    *[
        (endpoint, {"offset": TOO_LARGE, "search": "atelier"}, "« offset »")
        for endpoint in ENDPOINTS
    ],
    *[(endpoint, {"offset": str(MAX_OFFSET + 1)}, "« offset »") for endpoint in ENDPOINTS],
    ("/api/v2/pages/", {"limit": TOO_LARGE}, "« limit »"),
    # A search operator the search backend does not know.
    *[
        (endpoint, {"search": "atelier", "search_operator": "xor"}, "« search_operator »")
        for endpoint in ENDPOINTS
    ],
    # A field filter whose value is not of the field's type, or out of its range.
    ("/api/v2/pages/", {"first_published_at": "hier"}, "« first_published_at »"),
    ("/api/v2/pages/", {"type": "catalogue.ResourceArticlePage", "date": "2026-13-45"}, "« date »"),
    ("/api/v2/pages/", {"type": "catalogue.SessionPage", "themes": "coopération"}, "« themes »"),
    ("/api/v2/pages/", {"type": "catalogue.SessionPage", "contact": TOO_LARGE}, "« contact »"),
    ("/api/v2/pages/", {"type": "catalogue.SessionPage", "speakers": TOO_LARGE}, "« speakers »"),
    ("/api/v2/pages/", {"alias_of": TOO_LARGE}, "« alias_of »"),
    # An id that is not a number, given to a finder.
    *[(finder, {"id": "abc"}, "« id »") for finder in FINDERS],
    *[(finder, {"id": "\x00"}, "caractère nul") for finder in FINDERS],
]


@pytest.mark.parametrize(("url", "query", "named"), BAD_QUERIES)
def test_a_query_the_database_cannot_run_gets_a_400_in_french(client, url, query, named):
    response = client.get(url, query)

    assert response.status_code == 400, response.content
    assert named in response.json()["message"]


def test_good_queries_still_answer(client, content):
    articles = client.get(
        "/api/v2/pages/", {"type": "catalogue.ResourceArticlePage", "date": "2026-03-12"}
    )
    assert articles.status_code == 200, articles.content
    past_the_end = client.get("/api/v2/pages/", {"offset": str(MAX_OFFSET), "search": "atelier"})
    found = client.get("/api/v2/pages/find/", {"html_path": content["session"].url})
    by_id = client.get("/api/v2/pages/find/", {"id": str(content["article"].pk)})

    assert [item["id"] for item in articles.json()["items"]] == [content["article"].pk]
    assert past_the_end.status_code == 200
    assert past_the_end.json()["items"] == []
    assert urlsplit(found["Location"]).path == f"/api/v2/pages/{content['session'].pk}/"
    assert urlsplit(by_id["Location"]).path == f"/api/v2/pages/{content['article'].pk}/"
