"""A member of the demo site without online payment: sees the price on the « Adhérer » page and in
their area, downloads the membership form with the amount, the reference and the IBAN and pays
by transfer; staff import the bank's CAMT.053 statement in the admin, and the member is covered
and emailed their receipt."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from membership.models import CotisationStatus, MembershipPage, Payment, PaymentMethod
from membership.years import membership_year
from tests.browser.dues import download_the_form, log_in
from tests.membership.bank_files import Credit, camt053
from tests.membership.dues_helpers import pdf_text

from .test_journeys import STAFF, admin_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The demo's individual tariff and bank details (home/demo/dues.py).
AMOUNT = "30,00 €"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_a_member_without_online_payment_finds_the_price_and_pays_by_transfer(
    journey, offline_member, tmp_path, mailoutbox
):
    year = membership_year()
    lucie = journey.person("Lucie")

    with journey.step("1 la page Adhérer, depuis le menu"):
        lucie.goto("/")
        lucie.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Adhérer"
        ).click()
        expect(lucie.get_by_role("heading", name="Adhérer", level=1)).to_be_visible()
        prices = lucie.get_by_role("region", name=f"Tarifs {year}")
        row = prices.get_by_role("row").filter(has_text="Adhésion individuelle")
        expect(row.first).to_contain_text(AMOUNT)
        expect(prices.get_by_text("par habitant").first).to_be_visible()
        expect(lucie.get_by_role("region", name="Comment régler")).to_contain_text(IBAN)
    assert MembershipPage.objects.live().count() == 1

    with journey.step("2 le prix et la référence dans son espace"):
        log_in(lucie, offline_member)
        lucie.goto("/adhesion/")
        area = lucie.get_by_role("region", name=f"Adhésion {year}")
        expect(area).to_contain_text(f"Montant de la cotisation {year} : {AMOUNT}")
        expect(area).to_contain_text(offline_member.reference)
        expect(area).to_contain_text(IBAN)
        expect(area).not_to_contain_text("disponible")
        expect(area).not_to_contain_text("en ligne")

    with journey.step("3 le bulletin pré-rempli"):
        text, cotisation = download_the_form(lucie, offline_member)
    assert AMOUNT in text
    assert offline_member.reference in text
    assert IBAN in text and "AGRIFRPP882" in text
    assert cotisation.status == CotisationStatus.PENDING
    assert cotisation.amount == Decimal("30.00")
    assert cotisation.payment_reference == offline_member.reference

    with journey.step("4 la page de paiement propose le virement sans parler d'indisponibilité"):
        lucie.goto("/adhesion/paiement/")
        expect(lucie.get_by_role("heading", name=f"Régler la cotisation {year}")).to_be_visible()
        main = lucie.get_by_role("main")
        expect(main).to_contain_text(offline_member.reference)
        expect(main).to_contain_text(IBAN)
        for word in ("disponible", "reviendrez", "Stripe"):
            expect(main).not_to_contain_text(word)

    # Lucie's bank sends the transfer with the reference of her form in its label.
    get_user_model().objects.create_superuser(**STAFF)
    booked_on = max(timezone.localdate() - dt.timedelta(days=1), dt.date(year, 1, 1))
    statement = tmp_path / "releve-compte.xml"
    statement.write_bytes(
        camt053(
            [
                Credit(
                    Decimal("30.00"),
                    f"VIR SEPA MME FABRE LUCIE COTISATION {offline_member.reference}",
                    "2026030200017",
                    booked_on,
                    debtor="MME FABRE LUCIE",
                )
            ],
            version="001.08",
        )
    )
    staff = journey.person("trésorerie")
    with journey.step("5 import du relevé bancaire dans l'administration"):
        admin_login(staff)
        staff.get_by_role("button", name="Adhésions").click()
        staff.get_by_role("link", name="Importer un relevé bancaire").click()
        staff.get_by_label("Relevé bancaire").set_input_files(statement)
        staff.get_by_role("button", name="Importer le relevé").click()
        summary = staff.get_by_role("region", name="Relevé « releve-compte.xml »")
        expect(summary).to_contain_text("Virements enregistrés : 1")
        expect(summary).to_contain_text("Lucie Fabre · cotisation")
    payment = Payment.objects.get(cotisation=cotisation)
    assert payment.method == PaymentMethod.TRANSFER
    assert payment.bank_entry_reference == "2026030200017"

    with journey.step("6 l'adhérente est couverte"):
        lucie.goto("/adhesion/")
        expect(lucie.get_by_text(re.compile("Vous êtes couvert"))).to_be_visible()

    with journey.step("7 son reçu lui est envoyé par courriel"):
        receipts = [m for m in mailoutbox if offline_member.email in m.to]
        assert len(receipts) == 1
        (name, content, mimetype) = receipts[0].attachments[0]
        assert mimetype == "application/pdf"
        receipt = pdf_text(content)
        assert AMOUNT in receipt and "Lucie Fabre" in receipt

    with journey.step("8 le même relevé importé de nouveau n'enregistre rien ni n'envoie rien"):
        staff.get_by_label("Relevé bancaire").set_input_files(statement)
        staff.get_by_role("button", name="Importer le relevé").click()
        summary = staff.get_by_role("region", name="Relevé « releve-compte.xml »")
        expect(summary).to_contain_text("Déjà importés (rien de plus enregistré) : 1")
    assert Payment.objects.filter(cotisation=cotisation).count() == 1
    assert len([m for m in mailoutbox if offline_member.email in m.to]) == 1
