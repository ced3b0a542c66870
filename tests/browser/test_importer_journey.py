"""Staff import a Word programme under a catalogue, review the draft, empty « À vérifier » and
publish it, in a browser."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalogue.models import SessionPage
from tests.browser.test_journeys import STAFF, admin_login
from tests.catalogue.documents import to_docx
from tests.catalogue.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED = next((Path(__file__).resolve().parents[2] / "home/demo/seeds").glob("000_*.txt"))
TITLE = "Travailler avec de nouveaux collectifs porteurs de projet"


def test_staff_import_a_docx_review_the_draft_and_publish_it(journey, tmp_path):
    catalogue = CatalogueIndexPageFactory(title="Catalogue", slug="catalogue")
    get_user_model().objects.create_superuser(**STAFF)
    document = tmp_path / "collectifs.docx"
    document.write_bytes(to_docx(SEED.read_text()))

    staff = journey.person("personnel")
    with journey.step("1 connexion"):
        admin_login(staff)

    with journey.step("2 importer depuis le catalogue"):
        staff.goto(f"/admin/pages/{catalogue.pk}/")
        staff.get_by_role("button", name="Actions").first.click()
        staff.get_by_role("link", name="Importer un programme").click()
        expect(
            staff.get_by_role(
                "heading", name="Importer un programme dans « Catalogue »", exact=True
            )
        ).to_be_visible()
        staff.get_by_label("Document du programme").set_input_files(document)
        staff.get_by_role("button", name="Importer en brouillon").click()

    with journey.step("3 le brouillon s'ouvre dans l'éditeur"):
        expect(
            staff.get_by_text("Brouillon de session créé depuis « collectifs.docx »")
        ).to_be_visible()
        expect(staff.get_by_role("textbox", name="Titre*", exact=True)).to_have_value(TITLE)
        to_check = staff.get_by_role("textbox", name=re.compile("Éléments à vérifier"))
        expect(to_check).to_have_value(re.compile("04 75 22 14 896"))

    page = SessionPage.objects.get(title=TITLE)
    assert not page.live

    with journey.step("4 la publication est refusée tant que « À vérifier » est rempli"):
        staff.wait_for_load_state("networkidle")
        staff.get_by_role("button", name="Plus d'actions").click()
        staff.get_by_role("button", name="Publier").click()
        expect(
            staff.get_by_text(re.compile("« À vérifier » contient encore du texte")).first
        ).to_be_visible()
        # The editor's autosave may still be writing: read once the browser is idle (SQLite's
        # shared in-memory database refuses a read while another connection writes).
        staff.wait_for_load_state("networkidle")
    assert not SessionPage.objects.get(pk=page.pk).live

    with journey.step("5 vider « À vérifier » et publier"):
        staff.get_by_role("textbox", name=re.compile("Éléments à vérifier")).fill("")
        staff.wait_for_load_state("networkidle")
        staff.get_by_role("button", name="Plus d'actions").click()
        staff.get_by_role("button", name="Publier").click()
        expect(staff.get_by_text(re.compile(r"a été publiée\."))).to_be_visible()
        staff.wait_for_load_state("networkidle")

    page = SessionPage.objects.get(pk=page.pk)
    assert page.live and page.to_check == ""
    assert page.capacity == 12 and page.contact.last_name == "Ganivet"
    assert [s.person.full_name for s in page.speakers.all()] == ["Pascal Loviconi"]
