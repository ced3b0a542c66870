"""Staff import a programme from a catalogue's page in the admin; the draft opens in the editor."""

import html
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import SessionPage, WorkingGroupCallPage
from tests.catalogue.documents import to_docx
from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory
from tests.catalogue.test_admin import staff_client  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "home" / "demo" / "seeds"


def seed(number):
    return next(SEEDS.glob(f"{number}_*.txt")).read_text()


def import_url(catalogue):
    return reverse("catalogue_programme_import", args=[catalogue.pk])


def test_the_catalogue_offers_import_in_its_header_and_listing(staff_client):  # noqa: F811
    catalogue = CatalogueIndexPageFactory()
    session = SessionPageFactory(parent=catalogue)

    explorer = staff_client.get(reverse("wagtailadmin_explore", args=[catalogue.pk]))
    parent_listing = staff_client.get(
        reverse("wagtailadmin_explore", args=[catalogue.get_parent().pk])
    )
    edit_session = staff_client.get(reverse("wagtailadmin_pages:edit", args=[session.pk]))

    assert import_url(catalogue) in explorer.content.decode()
    assert import_url(catalogue) in parent_listing.content.decode()
    assert "Importer un programme" not in edit_session.content.decode()


def test_staff_upload_a_docx_and_land_on_the_draft_in_the_editor(staff_client):  # noqa: F811
    catalogue = CatalogueIndexPageFactory()
    form = staff_client.get(import_url(catalogue))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()

    upload = SimpleUploadedFile("collectifs.docx", to_docx(seed("000")))
    response = staff_client.post(import_url(catalogue), {"document": upload, "page_type": ""})

    page = SessionPage.objects.child_of(catalogue).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live and page.latest_revision.user.username == "redaction"
    editor = staff_client.get(response["Location"]).content.decode()
    assert "Brouillon de session créé depuis « collectifs.docx »" in editor
    assert "1 élément(s) à vérifier" in editor


def test_the_chosen_page_type_wins_over_the_guess(staff_client):  # noqa: F811
    catalogue = CatalogueIndexPageFactory()
    upload = SimpleUploadedFile("appel.txt", seed("001").encode())

    staff_client.post(import_url(catalogue), {"document": upload, "page_type": "call"})

    assert WorkingGroupCallPage.objects.child_of(catalogue).get().coordination == "Cap Rural"


def test_a_bad_upload_is_refused_on_the_form(staff_client, settings):  # noqa: F811
    settings.PORTAIL_IMPORT_MAX_BYTES = 1_000_000
    catalogue = CatalogueIndexPageFactory()

    too_large = staff_client.post(
        import_url(catalogue),
        {"document": SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * 1_200_000)},
    )
    renamed = staff_client.post(
        import_url(catalogue), {"document": SimpleUploadedFile("faux.docx", b"du texte")}
    )

    assert "la limite est de 1 Mo" in too_large.content.decode()
    assert "« faux.docx » n'a pas pu être lu" in html.unescape(renamed.content.decode())
    assert not catalogue.get_children().exists()


def test_editors_without_the_right_to_add_pages_cannot_import(client, django_user_model):
    catalogue = CatalogueIndexPageFactory()
    user = django_user_model.objects.create_user("lecteur", "l@example.org", "x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    assert client.get(import_url(catalogue)).status_code in (302, 403)
    assert not catalogue.get_children().exists()
