"""A transfer reconciled from a bank statement, as people see it: a member not yet covered, staff
upload the association's CAMT.053 statement in the admin, the member is covered."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from membership import services
from membership.models import CotisationStatus, Payment, PaymentMethod, Receipt
from membership.years import membership_year
from tests.membership.bank_files import Credit, camt053
from tests.membership.factories import ProfileFactory, TariffFactory

from .test_journeys import PASSWORD, STAFF, admin_login, member_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_staff_import_a_statement_and_the_member_is_covered(journey, tmp_path, mailoutbox):
    year = membership_year()
    get_user_model().objects.create_superuser(**STAFF)
    TariffFactory(year=year, amount=Decimal("45.00"))
    member = ProfileFactory(
        first_name="Inès", last_name="Moreau", user__email="ines.moreau@exemple.fr"
    ).user
    member.set_password(PASSWORD)
    member.save(update_fields=["password"])
    cotisation = services.cotisation_open(user=member, year=year)
    booked_on = max(timezone.localdate() - dt.timedelta(days=1), dt.date(year, 1, 1))
    statement = tmp_path / "releve-compte.xml"
    statement.write_bytes(
        camt053(
            [
                Credit(
                    Decimal("45.00"),
                    f"VIR SEPA MME MOREAU COTISATION {cotisation.payment_reference}",
                    "2026030200017",
                    booked_on,
                    debtor="MME MOREAU INES",
                ),
                Credit(Decimal("18.00"), "FRAIS", "2026030200018", booked_on, credit=False),
            ],
            version="001.08",
        )
    )

    ines = journey.person("adhérente")
    with journey.step("1 l'adhérente n'est pas encore couverte"):
        member_login(ines, member.email)
        ines.goto("/adhesion/")
        expect(ines.get_by_text(re.compile("Vous n’êtes pas couvert"))).to_be_visible()

    staff = journey.person("trésorerie")
    with journey.step("2 import du relevé dans l'administration"):
        admin_login(staff)
        staff.get_by_role("button", name="Adhésions").click()
        staff.get_by_role("link", name="Importer un relevé bancaire").click()
        staff.get_by_label("Relevé bancaire").set_input_files(statement)
        staff.get_by_role("button", name="Importer le relevé").click()
        summary = staff.get_by_role("region", name="Relevé « releve-compte.xml »")
        expect(summary).to_contain_text("Virements enregistrés : 1")
        expect(summary).to_contain_text("Inès Moreau · cotisation")
        expect(summary).to_contain_text("Ignorés (débits et annulations) : 1")

    payment = Payment.objects.get(cotisation=cotisation)
    assert payment.method == PaymentMethod.TRANSFER
    assert payment.bank_entry_reference == "2026030200017"
    assert Receipt.objects.filter(payment=payment, kind="receipt").exists()
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID

    with journey.step("3 l'adhérente est couverte"):
        ines.reload()
        expect(ines.get_by_text(re.compile("Vous êtes couvert"))).to_be_visible()

    with journey.step("4 le même relevé importé de nouveau n'enregistre rien"):
        staff.get_by_label("Relevé bancaire").set_input_files(statement)
        staff.get_by_role("button", name="Importer le relevé").click()
        summary = staff.get_by_role("region", name="Relevé « releve-compte.xml »")
        expect(summary).to_contain_text("Virements enregistrés : 0")
        expect(summary).to_contain_text("Déjà importés (rien de plus enregistré) : 1")
    assert Payment.objects.filter(cotisation=cotisation).count() == 1
