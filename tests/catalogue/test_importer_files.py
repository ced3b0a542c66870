"""A file that cannot be imported gets a French message and nothing is created."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from catalogue.importer.services import programme_import
from catalogue.models import Organisation, Person
from tests.catalogue.documents import to_docx
from tests.catalogue.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db

PROGRAMME = "# En pratique\n\n- 3 mars 2021 de 9h à 12h\n- Contact : Anne Petit, anne@example.org\n"


def some_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "pas un document")
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("programme.txt", b"", "Le fichier « programme.txt » est vide."),
        ("programme.docx", to_docx(""), "Le fichier « programme.docx » ne contient aucun texte."),
        ("programme.txt", b"\n\n   \n", "Le fichier « programme.txt » ne contient aucun texte."),
        ("programme.doc", b"\xd0\xcf\x11\xe0", "n'est pas d'un type importable"),
        ("programme", PROGRAMME.encode(), "n'est pas d'un type importable"),
        ("programme.docx", b"PK\x03\x04 abime", "n'a pas pu être lu"),
        ("programme.docx", some_zip(), "n'a pas pu être lu"),
        ("programme.odt", some_zip(), "n'a pas pu être lu"),
        ("programme.pdf", PROGRAMME.encode(), "n'a pas pu être lu"),
        ("programme.pdf", b"%PDF-1.4\n1 0 obj garbage", "n'a pas pu être lu"),
        ("programme.txt", b"\x00\x01\x02binaire", "n'a pas pu être lu"),
    ],
)
def test_a_bad_file_is_refused_in_french_and_creates_nothing(name, data, message):
    catalogue = CatalogueIndexPageFactory()
    pages = Page.objects.count()

    with pytest.raises(ValidationError) as refused:
        programme_import(parent=catalogue, data=data, name=name)

    assert message in refused.value.messages[0]
    assert Page.objects.count() == pages
    assert not Person.objects.exists() and not Organisation.objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PORTAIL_IMPORT_MAX_BYTES = 1_000_000
    catalogue = CatalogueIndexPageFactory()

    with pytest.raises(ValidationError) as refused:
        programme_import(parent=catalogue, data=b"a" * 1_500_000, name="programme.txt")

    assert refused.value.messages == [
        "Le fichier « programme.txt » est trop lourd (1,5 Mo) : la limite est de 1 Mo."
    ]
    assert not catalogue.get_children().exists()


def test_a_failure_after_the_snippets_are_written_rolls_them_back(monkeypatch):
    """The import is one transaction: a page that cannot be added leaves no new Person."""
    catalogue = CatalogueIndexPageFactory()

    def refuse(**kwargs):
        raise ValidationError("refusé")

    monkeypatch.setattr(type(catalogue), "add_child", lambda self, **kwargs: refuse())

    with pytest.raises(ValidationError):
        programme_import(parent=catalogue, data=PROGRAMME.encode(), name="programme.txt")

    assert not Person.objects.exists()
