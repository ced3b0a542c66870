"""Every admin screen staff use reads French, and carries the association's name."""

import html
import re

import pytest
from django.urls import reverse
from wagtail.models import Site

from catalogue.models import Registration, RegistrationStatus
from membership.services import association_identity
from tests.catalogue.factories import (
    ResourceArticlePageFactory,
    SessionPageFactory,
    WorkingGroupCallPageFactory,
)
from tests.membership.factories import (
    AttachmentFactory,
    CotisationFactory,
    PaymentFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Words Wagtail or Django leave in English, and French that only a machine would write: a plural
# after « un(e) », a filter titled « Par à … » or with a field's path.
ENGLISH = re.compile(r"\b(Password|Add|None|Search|Filter|Delete|By)\b")
BROKEN_FRENCH = re.compile(r"\bun\(e\) \w+s\b|\bPar à\b|\bPar [a-z_]+__")


def visible_text(content: str) -> str:
    content = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content)))


@pytest.fixture
def identity(home_page):
    identity = association_identity()
    identity.name = "Cap Rural"
    identity.save()
    return identity


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def content(home_page):
    session = SessionPageFactory()
    call = WorkingGroupCallPageFactory(parent=session.get_parent())
    article = ResourceArticlePageFactory(parent=session.get_parent())
    person = ProfileFactory().user
    Registration.objects.create(
        session=session,
        occurrence=session.sorted_occurrences[0],
        user=person,
        status=RegistrationStatus.CONFIRMED,
        position=1,
    )
    AttachmentFactory(user=person)
    TariffFactory()
    PaymentFactory(cotisation=CotisationFactory(user=person, needs_attention=True))
    return session, call, article


def admin_urls(session, call, article) -> list[str]:
    """The catalogue's and membership's screens: pages, snippets, lists, forms, filters."""
    parent = session.get_parent()
    urls = ["/admin/"]
    for page in (session, call, article):
        urls.append(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
        model = page.specific_class._meta.model_name
        urls.append(reverse("wagtailadmin_pages:add", args=("catalogue", model, parent.pk)))
    for model in ("person", "organisation", "theme", "audience"):
        urls.append(f"/admin/snippets/catalogue/{model}/")
        urls.append(f"/admin/snippets/catalogue/{model}/add/")
    for model in ("registration", "application"):
        urls.append(f"/admin/catalogue/{model}/")
    for model in (
        "memberorganisation",
        "memberprofile",
        "organisationmembership",
        "tariff",
        "cotisation",
        "payment",
        "receipt",
        "reminder",
        "stripeevent",
    ):
        urls.append(f"/admin/membership/{model}/")
    for model in ("memberorganisation", "organisationmembership", "tariff", "cotisation"):
        urls.append(f"/admin/membership/{model}/create/")
    return urls


def test_the_admin_login_form_reads_french(client, identity):
    text = visible_text(client.get(reverse("wagtailadmin_login")).content.decode())

    assert "Mot de passe *" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)
    assert "S'identifier - Cap Rural" in text


def test_every_catalogue_and_membership_admin_screen_reads_french(staff_client, content):
    for url in admin_urls(*content):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        for pattern in (ENGLISH, BROKEN_FRENCH):
            found = pattern.search(text)
            assert not found, f"{url}: « {text[found.start() - 60 : found.end() + 60]} »"


def test_inline_buttons_name_what_they_add_with_its_article(staff_client, content):
    session, call, article = content
    screens = {
        session: ["Ajouter un intervenant", "Ajouter une date"],
        call: ["Ajouter une question"],
        article: ["Ajouter une session liée"],
    }
    for page, buttons in screens.items():
        url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
        text = visible_text(staff_client.get(url).content.decode())
        for button in buttons:
            assert button in text, (url, button)


def test_the_cotisation_filters_have_readable_titles(staff_client, content):
    text = visible_text(staff_client.get("/admin/membership/cotisation/").content.decode())

    assert "Par besoin de vérification" in text
    assert "Par à vérifier" not in text


def test_the_dashboard_is_titled_with_the_associations_name(staff_client, identity):
    Site.objects.update(site_name="")
    text = visible_text(staff_client.get("/admin/").content.decode())

    assert "Tableau de bord - Cap Rural" in text
    assert "Page créée dans Cap Rural" in text
    assert "Portail" not in text
