"""Page addresses are ASCII (« La coopération » → la-cooperation), and a page whose older slug
is accented is still found from the address the API gives for it."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from catalogue.models import CatalogueIndexPage
from tests.catalogue.factories import (
    CatalogueIndexPageFactory,
    SessionPageFactory,
    default_site_root,
)

pytestmark = pytest.mark.django_db


def test_a_page_without_a_slug_gets_an_ascii_one_from_its_title():
    page = CatalogueIndexPage(title="La coopération entre élus", lead="Pour les territoires.")
    default_site_root().add_child(instance=page)

    assert page.slug == "la-cooperation-entre-elus"


def test_the_editor_makes_ascii_slugs_from_titles(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("r", "r@example.org", "x"))
    root = default_site_root()
    add = reverse("wagtailadmin_pages:add", args=("catalogue", "catalogueindexpage", root.pk))

    html = client.get(add).content.decode()

    [slug_input] = re.findall(r'<input[^>]*name="slug"[^>]*>', html)
    # The admin's slug script transliterates to ASCII unless this attribute allows Unicode.
    assert 'data-controller="w-slug"' in slug_input
    assert "data-w-slug-allow-unicode-value" not in slug_input


@pytest.mark.parametrize("slug", ["la-cooperation", "la-coopération"])
def test_by_path_finds_the_page_at_the_address_the_api_gives(client, slug):
    index = CatalogueIndexPageFactory(slug="catalogue")
    session = SessionPageFactory(parent=index, slug=slug)
    url = client.get(f"/api/catalogue/{session.pk}/").json()["url"]
    path = urlsplit(url).path

    for given in (path, f"/catalogue/{slug}/"):  # as the API writes it, and as text
        response = client.get("/api/catalogue/by-path/", {"path": given})
        assert response.status_code == 200, given
        assert response.json()["id"] == session.pk
