"""The plugin's pages render in a host's own base template, as `wagtail start` makes it."""

import pytest
from django.urls import reverse

from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory

from .factories import ProfileFactory

pytestmark = pytest.mark.django_db

# The blocks of wagtail start's base.html (wagtail/project_template/.../base.html).
WAGTAIL_START_BASE = """<!DOCTYPE html><html><head>
<title>{% block title %}{% endblock %} - Hôte</title>
{% block extra_css %}{% endblock %}
</head><body class="{% block body_class %}{% endblock %}">
<div id="host-page">{% block content %}{% endblock %}</div>
{% block extra_js %}{% endblock %}
</body></html>"""


@pytest.fixture
def host_base(settings, tmp_path):
    (tmp_path / "base.html").write_text(WAGTAIL_START_BASE)
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [tmp_path]
    settings.TEMPLATES = templates
    return tmp_path


def test_member_pages_fill_the_hosts_content_and_css_blocks(client, host_base):
    profile = ProfileFactory()
    client.force_login(profile.user)

    page = client.get(reverse("membership:account")).content.decode()

    assert '<div id="host-page">' in page
    assert "Mon espace" in page
    assert "membership/membership.css" in page  # the stylesheet lands in the host's extra_css


def test_sign_in_page_renders_in_the_hosts_base(client, host_base):
    page = client.get(reverse("account_login")).content.decode()

    assert '<div id="host-page">' in page
    assert "membership/membership.css" in page


def test_a_session_page_renders_in_the_hosts_base(client, host_base, home_page):
    index = CatalogueIndexPageFactory(parent=home_page)
    session = SessionPageFactory(parent=index, title="Atelier des communes")

    page = client.get(session.url).content.decode()

    assert '<div id="host-page">' in page
    assert "Atelier des communes" in page


def test_a_host_overrides_one_layout_to_use_its_own_block_name(client, host_base, home_page):
    (host_base / "site_base.html").write_text(
        '<html><body><main id="host-main">{% block main %}{% endblock %}</main></body></html>'
    )
    (host_base / "portail").mkdir()
    (host_base / "portail" / "layout.html").write_text(
        '{% extends "site_base.html" %}{% block main %}{% block content %}{% endblock %}{% endblock %}'
    )
    index = CatalogueIndexPageFactory(parent=home_page)
    session = SessionPageFactory(parent=index, title="Atelier des communes")

    page = client.get(session.url).content.decode()

    assert '<main id="host-main">' in page
    assert "Atelier des communes" in page
