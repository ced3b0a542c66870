"""The home page and the site chrome every built-in page shares."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from membership.models import AssociationSettings
from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory, paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity():
    site = Site.objects.get(is_default_site=True)
    settings = AssociationSettings.for_site(site)
    settings.name = "Cap Rural"
    settings.address = "1 rue de la Gare\n26150 Die"
    settings.email = "contact@caprural.example"
    settings.phone = "04 75 22 14 89"
    settings.footer_text = "Centre de ressources du développement local."
    settings.save()
    return settings


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_page_chrome_is_accessible_and_french(client, home_page):
    content = get(client, home_page.url)
    assert '<html lang="fr">' in content
    assert '<a class="skip-link" href="#contenu">' in content
    assert '<main id="contenu"' in content
    assert "<header" in content
    assert '<nav class="main-nav" aria-label="Navigation principale">' in content
    assert "<footer" in content
    assert (
        '<form class="site-search" role="search" aria-label="Recherche rapide" '
        'method="get" action="/recherche/">'
    ) in content
    assert '<label for="site-search-q">' in content
    assert 'id="site-search-q" name="q"' in content


def test_footer_and_header_show_the_association_identity(client, home_page, identity):
    content = get(client, home_page.url)
    footer = content[content.index("<footer") :]
    assert "Cap Rural" in content[: content.index("<main")]
    assert "1 rue de la Gare<br>26150 Die" in footer
    assert 'href="mailto:contact@caprural.example"' in footer
    assert 'href="tel:0475221489"' in footer
    assert "Centre de ressources du développement local." in footer


def test_main_menu_links_to_catalogues_shown_in_menus(client, home_page):
    shown = CatalogueIndexPageFactory(title="Formations", slug="formations", show_in_menus=True)
    hidden = CatalogueIndexPageFactory(title="Archives", slug="archives", show_in_menus=False)
    content = get(client, shown.url)
    nav = content[content.index('<nav class="main-nav"') : content.index("</nav>")]
    assert f'href="{home_page.url}"' in nav
    assert f'<a href="{shown.url}" aria-current="page">Formations</a>' in nav
    assert hidden.url not in nav


def nav_of(content):
    return content[content.index('<nav class="main-nav"') : content.index("</nav>")]


def test_main_menu_marks_the_section_of_a_page_below_a_catalogue(client, home_page):
    catalogue = CatalogueIndexPageFactory(title="Formations", slug="formations", show_in_menus=True)
    session = SessionPageFactory(parent=catalogue, title="Animer une réunion")

    nav = nav_of(get(client, session.url))
    assert f'<a href="{catalogue.url}" aria-current="true">Formations</a>' in nav
    # The home page is above every page: it is current only on itself.
    assert f'<a href="{home_page.url}">Accueil</a>' in nav

    home_nav = nav_of(get(client, home_page.url))
    assert f'<a href="{home_page.url}" aria-current="page">Accueil</a>' in home_nav
    assert f'<a href="{catalogue.url}">Formations</a>' in home_nav

    search_nav = nav_of(get(client, "/recherche/"))
    assert "aria-current" not in search_nav


def test_account_menu_depends_on_login(client, home_page):
    anonymous = get(client, home_page.url)
    assert 'href="/comptes/login/"' in anonymous
    assert 'href="/comptes/signup/"' in anonymous
    assert "Se déconnecter" not in anonymous

    user = get_user_model().objects.create_user("m@example.org", "m@example.org", "x")
    client.force_login(user)
    signed_in = get(client, home_page.url)
    assert '<form method="post" action="/comptes/logout/">' in signed_in
    assert "csrfmiddlewaretoken" in signed_in
    assert "Se déconnecter" in signed_in
    assert 'href="/comptes/login/"' not in signed_in


def test_home_page_lists_next_sessions_as_cards(client, home_page):
    home_page.lead = "Le réseau des acteurs du développement rural."
    home_page.save()
    catalogue = CatalogueIndexPageFactory()
    SessionPageFactory(
        parent=catalogue,
        title="Session à venir",
        occurrences=[(paris(2030, 10, 1, 14), paris(2030, 10, 1, 16))],
    )
    SessionPageFactory(
        parent=catalogue,
        title="Session passée",
        occurrences=[(paris(2020, 10, 1, 14), paris(2020, 10, 1, 16))],
    )
    content = get(client, home_page.url)
    assert "Le réseau des acteurs du développement rural." in content
    assert "Prochaines sessions" in content
    assert "Session à venir" in content
    assert "mardi 1er octobre 2030, 14\u00a0h\u00a0– 16\u00a0h" in content
    assert "Session passée" not in content
    assert f'href="{catalogue.url}">Voir tout le catalogue</a>' in content


def test_home_page_says_when_nothing_is_planned(client, home_page):
    assert "Aucune session n’est programmée pour le moment." in get(client, home_page.url)


def test_unknown_page_gets_a_french_404_in_the_site_chrome(client, home_page):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page introuvable" in content
    assert '<main id="contenu"' in content
