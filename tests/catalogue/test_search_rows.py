"""The search API's items read as the listing's rows give, byte for byte, what its pages gave."""

import json

import pytest
from django.test import RequestFactory
from ninja.responses import NinjaJSONEncoder

from catalogue.models import CatalogueItemPage
from catalogue.queries import load_items
from catalogue.schemas import CatalogueItemOut, serialize_items
from tests.catalogue.test_listing_rows import fixed_clock, varied_catalogue  # noqa: F401

pytestmark = pytest.mark.django_db


def from_pages(ids, request):
    """The items as the search built them before: pages from ``load_items``, in ranking order."""
    pages = {page.pk: page for page in load_items(CatalogueItemPage.objects.filter(pk__in=ids))}
    items = serialize_items([pages[pk] for pk in ids if pk in pages], request=request)
    return [CatalogueItemOut.model_validate(item).model_dump() for item in items]


@pytest.mark.parametrize("query", ["die", "session", "groupe", "ressource"])
def test_the_search_rows_give_the_bytes_the_pages_gave(client, query):
    varied_catalogue()
    response = client.get("/api/search/", {"q": query, "limit": 50})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 0
    ids = [item["id"] for item in body["items"]]
    expected = from_pages(ids, RequestFactory().get("/api/search/"))
    assert json.dumps(body["items"], cls=NinjaJSONEncoder) == json.dumps(
        json.loads(json.dumps(expected, cls=NinjaJSONEncoder))
    )
    # and the raw bytes of the items are those ninja writes for the pages' items
    raw = json.dumps(expected, cls=NinjaJSONEncoder).encode()
    assert raw[1:-1] in response.content
