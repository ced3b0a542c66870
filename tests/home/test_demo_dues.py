"""The dues part of the demo: a tariff for every category this year and next, the association's
bank details, and the « Adhérer » page in the menu."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from membership import services
from membership.dues import amount_due
from membership.models import MemberCategory, MembershipPage, PaymentMethod, Tariff
from membership.years import membership_year
from tests.membership.factories import OrganisationFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_every_category_has_a_tariff_this_year_and_next(demo):
    year = membership_year()
    for category in MemberCategory:
        for each in (year, year + 1):
            tariff = Tariff.objects.get(year=each, category=category)
            tariff.full_clean()


def test_a_commune_of_the_demo_is_priced_by_its_inhabitants(demo):
    commune = OrganisationFactory(category=MemberCategory.COMMUNE, inhabitants=3_200)
    assert amount_due(year=membership_year(), organisation=commune) == Decimal("320.00")


def test_staff_can_record_a_demo_members_transfer(demo):
    user = ProfileFactory().user
    cotisation = services.cotisation_open(user=user, year=membership_year())
    payment = services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=cotisation.amount,
        reference=cotisation.payment_reference,
        received_on=timezone.localdate(),
        recorded_by=UserFactory(is_staff=True),
    )
    assert payment.receipts.exists()


def test_the_association_has_valid_bank_details_and_a_cheque_address(demo):
    identity = services.association_identity()
    identity.full_clean()
    assert identity.iban.startswith("FR76") and identity.bic
    assert "26000 Valence" in identity.cheque_postal_address


def test_the_membership_page_is_in_the_menu_with_the_prices(demo, client):
    page = MembershipPage.objects.get(slug="adherer")
    html = client.get("/").content.decode()
    assert f'href="{page.url}">Adhérer</a>' in html
    assert "30,00 €" in client.get(page.url).content.decode()


def test_reloading_keeps_the_tariffs_and_bank_details_staff_changed(demo):
    year = membership_year()
    Tariff.objects.filter(year=year, category=MemberCategory.INDIVIDUAL).update(amount=35)
    identity = services.association_identity()
    identity.iban, identity.bic = "FR1420041010050500013M02606", "PSSTFRPPPAR"
    identity.save()

    call_command("load_demo", stdout=StringIO())

    assert Tariff.objects.get(year=year, category=MemberCategory.INDIVIDUAL).amount == 35
    assert services.association_identity().bic == "PSSTFRPPPAR"
    assert MembershipPage.objects.count() == 1
