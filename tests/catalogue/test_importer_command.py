"""``manage.py import_programme`` prints the draft first, then what is to be checked."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import SessionPage, WorkingGroupCallPage
from tests.catalogue.documents import to_docx
from tests.catalogue.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "home" / "demo" / "seeds"


def run(*args):
    out = StringIO()
    call_command("import_programme", *[str(a) for a in args], stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def seed_000(tmp_path):
    path = tmp_path / "collectifs.docx"
    path.write_bytes(to_docx(next(SEEDS.glob("000_*.txt")).read_text()))
    return path


def test_the_command_prints_the_draft_then_what_to_check(seed_000, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portail.example.org"
    catalogue = CatalogueIndexPageFactory()

    lines = run(seed_000)

    page = SessionPage.objects.child_of(catalogue).get()
    assert lines[0] == f"draft {page.pk} https://portail.example.org/admin/pages/{page.pk}/edit/"
    assert not page.live
    assert lines[1:] == [
        "À vérifier (1) :",
        "  - « 04 75 22 14 896 » (partie « En pratique », paragraphe 25) : numéro de téléphone "
        "douteux (11 chiffres, un numéro français en compte 10)",
    ]


def test_importing_again_makes_a_new_draft_and_names_the_page_of_that_title(seed_000):
    catalogue = CatalogueIndexPageFactory()
    first = run(seed_000)[0].split()[1]

    lines = run(seed_000, "--parent", catalogue.pk)

    pages = SessionPage.objects.child_of(catalogue).order_by("pk")
    assert [str(p.pk) for p in pages][0] == first and pages.count() == 2
    assert pages[0].slug != pages[1].slug
    assert lines[0].startswith(f"draft {pages[1].pk} ")
    assert lines[1] == (
        "Une page intitulée « Travailler avec de nouveaux collectifs porteurs de projet » existe "
        f"déjà dans ce catalogue (id {first}) : ce brouillon est une nouvelle page."
    )


def test_parent_by_path_and_type_forced(tmp_path):
    CatalogueIndexPageFactory(title="Premier")
    second = CatalogueIndexPageFactory(title="Formations", slug="formations")
    path = tmp_path / "appel.txt"
    path.write_text(next(SEEDS.glob("001_*.txt")).read_text())

    lines = run(path, "--parent", "/formations/", "--type", "call")

    call = WorkingGroupCallPage.objects.child_of(second).get()
    assert lines[0].startswith(f"draft {call.pk} ")
    assert lines[1] == "Rien à vérifier : chaque élément du document a trouvé son champ."


@pytest.mark.parametrize(
    "args, message",
    [
        (["absent.docx"], "Le fichier « absent.docx » n'existe pas."),
        (["{seed}", "--parent", "999999"], "Aucun catalogue « 999999 »."),
    ],
)
def test_the_command_explains_what_went_wrong(seed_000, args, message):
    CatalogueIndexPageFactory()
    args = [str(seed_000) if a == "{seed}" else a for a in args]

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not SessionPage.objects.exists()


def test_a_bad_file_is_a_french_command_error(tmp_path):
    CatalogueIndexPageFactory()
    path = tmp_path / "vide.txt"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="Le fichier « vide.txt » est vide."):
        run(path)
