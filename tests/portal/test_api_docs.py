"""``/api/docs`` (ninja's Swagger UI) works under the production Content-Security-Policy.

The policy allows scripts and styles from the portal only, and no inline code: the page must load
Swagger UI from the portal's own static files (not a CDN) and keep its settings in a JSON data
block, which a browser never runs. ``tests/browser/test_api_docs_browser.py`` renders it.
"""

import importlib
import secrets
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PRODUCTION_CSP = [
    "MIDDLEWARE",
    "CONTENT_SECURITY_POLICY",
    "PORTAIL_CSP_ADMIN",
    "PORTAIL_CSP_ADMIN_PREFIXES",
]


def production_csp(monkeypatch) -> dict:
    """Production's middleware and policies, to apply with ``override_settings``."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    module = importlib.import_module("portal.settings.production")
    return {name: getattr(module, name) for name in PRODUCTION_CSP}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class Assets(HTMLParser):
    """The page's scripts (with their type), stylesheets and icons, and any inline style."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[str | None, str | None]] = []
        self.links: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append((attributes.get("src"), attributes.get("type")))
        elif tag == "link":
            self.links.append(attributes["href"])
        elif tag == "style" or "style" in attributes:
            self.inline_styles += 1


@pytest.fixture
def docs_page(monkeypatch):
    with override_settings(**production_csp(monkeypatch)):
        response = Client().get("/api/docs")
    assert response.status_code == 200
    assets = Assets()
    assets.feed(response.content.decode())
    return response, assets


def test_the_docs_page_loads_only_the_portals_own_files(docs_page):
    _response, assets = docs_page
    sources = [src for src, _type in assets.scripts if src] + assets.links

    assert any(src.endswith("swagger-ui-bundle.js") for src in sources)
    assert any(href.endswith("swagger-ui.css") for href in sources)
    for url in sources:
        assert url.startswith(settings.STATIC_URL) and not url.startswith("//"), url


def test_its_files_are_collected_and_served(docs_page):
    _response, assets = docs_page
    expected = {".js": "javascript", ".css": "text/css", ".svg": "image/svg", ".png": "image/png"}
    # WhiteNoise serves what collectstatic gathers; its finders stand in for that here.
    client = Client()
    for url in [src for src, _type in assets.scripts if src] + assets.links:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        with override_settings(WHITENOISE_USE_FINDERS=True):
            response = client.get(url)
        response.close()  # WhiteNoise streams the file
        assert response.status_code == 200, url
        kind = next(kind for suffix, kind in expected.items() if url.endswith(suffix))
        assert kind in response["Content-Type"], url


def test_the_policy_allows_them_and_nothing_inline_needs_more(docs_page):
    response, assets = docs_page
    policy = directives(response["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'self'" in policy["connect-src"]  # Swagger UI reads /api/openapi.json
    # A script without src runs only if the policy allows inline code: it must be data.
    assert all(src or kind == "application/json" for src, kind in assets.scripts)
    assert assets.inline_styles == 0
