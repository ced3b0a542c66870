"""A member of the demo site without online payment: sees the price on the « Adhérer » page and in
their area, downloads the membership form with the amount, the reference and the IBAN, and has a
pending cotisation waiting for their transfer."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from membership.models import CotisationStatus, MembershipPage
from membership.years import membership_year
from tests.browser.dues import download_the_form, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The demo's individual tariff and bank details (home/demo/dues.py).
AMOUNT = "30,00 €"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_a_member_without_online_payment_finds_the_price_and_pays_by_transfer(
    journey, offline_member
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
