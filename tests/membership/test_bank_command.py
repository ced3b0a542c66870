"""``manage.py import_bank_statement``: prints what it recorded, skipped and left, in French."""

import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from membership import services
from membership.models import BankEntry, Payment
from membership.years import membership_year

from .bank_files import Credit, camt053, ofx_sgml
from .factories import ProfileFactory, TariffFactory, UserFactory
from .test_bank_reconciliation import booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def cotisation():
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    profile = ProfileFactory(first_name="Inès", last_name="Moreau")
    return services.cotisation_open(user=profile.user, year=membership_year())


def _import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_bank_statement", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_what_it_recorded_left_and_ignored_then_skipped(tmp_path, cotisation):
    on = booked()
    statement = tmp_path / "releve-mars.xml"
    statement.write_bytes(
        camt053(
            [
                Credit(Decimal("45.00"), cotisation.payment_reference, "AC-1", on),
                Credit(Decimal("20.00"), "DON", "AC-2", on, debtor="Jeanne Roux"),
                Credit(Decimal("9.90"), "ABONNEMENT", "AC-3", on, debtor="Orange", credit=False),
            ]
        )
    )

    output = _import(statement)

    assert "Relevé « releve-mars.xml » importé." in output
    assert "Virements enregistrés : 1" in output
    assert f"{on:%d/%m/%Y} · 45,00 € · Inès Moreau · cotisation {cotisation.year} payée" in output
    assert "reçu n° " in output
    assert "Laissés à l’équipe, à rapprocher à la main : 1" in output
    assert "20,00 € · Jeanne Roux · Aucune référence de cotisation dans le libellé." in output
    assert "Ignorés (débits et annulations) : 1" in output
    assert "9,90 € · Orange · débit « ABONNEMENT »" in output

    again = _import(statement)
    assert "Virements enregistrés : 0" in again
    assert "Déjà importés (rien de plus enregistré) : 2" in again
    assert Payment.objects.count() == BankEntry.objects.count() == 1


def test_the_command_names_the_staff_member_in_the_audit_log(tmp_path, cotisation):
    staff = UserFactory(is_staff=True, email="tresoriere@exemple.fr")
    statement = tmp_path / "releve.ofx"
    statement.write_bytes(
        ofx_sgml([Credit(Decimal("45.00"), cotisation.payment_reference, "F-1", booked())])
    )
    _import(statement, "--user", "Tresoriere@exemple.fr")
    assert ModelLogEntry.objects.get(action="membership.payment.matched").user == staff

    with pytest.raises(CommandError, match="Aucun membre de l’équipe"):
        _import(statement, "--user", "personne@exemple.fr")


def test_a_bad_file_or_a_missing_one_is_a_french_error(tmp_path):
    garbage = tmp_path / "releve.pdf"
    garbage.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(CommandError, match="Ce fichier est un PDF"):
        _import(garbage)
    with pytest.raises(CommandError, match="Impossible de lire le fichier"):
        _import(tmp_path / "absent.xml")
    assert not BankEntry.objects.exists()


def test_a_bad_file_exits_non_zero(tmp_path):
    garbage = tmp_path / "releve.xml"
    garbage.write_bytes(b"<html></html>")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_bank_statement", str(garbage)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "n’est pas un relevé bancaire CAMT.053" in result.stderr
