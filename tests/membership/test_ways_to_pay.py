"""The amount due, the payment reference and the ways to pay, wherever a member looks: their area,
the payment page, the membership form, the API; and the association's bank details."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from membership.models import Cotisation, CotisationStatus, MemberCategory, TariffFormula
from membership.references import payment_reference
from membership.years import membership_year

from .dues_helpers import (
    BIC,
    IBAN,
    IBAN_DISPLAY,
    member_with_tariff,
    pdf_text,
    set_bank_details,
)
from .factories import AttachmentFactory, CotisationFactory, OrganisationFactory, TariffFactory

pytestmark = pytest.mark.django_db

FORM = "/adhesion/bulletin/"


@pytest.fixture
def member(client):
    set_bank_details()
    user = member_with_tariff(first_name="Camille", last_name="Martin")
    client.force_login(user)
    return user


def test_the_member_area_shows_the_amount_the_reference_and_the_bank_details(client, member):
    page = client.get(reverse("membership:account")).content.decode()

    assert "45,00 €" in page
    assert payment_reference(year=membership_year(), user=member) in page
    assert IBAN_DISPLAY in page and BIC in page
    assert "À l’ordre de" in page and "1 rue de la Gare" in page
    assert "Mandat administratif" in page
    assert f"{FORM}?annee={membership_year()}" in page


def test_a_paid_member_is_not_asked_to_pay_nor_to_send_the_form(client, member):
    CotisationFactory(user=member, year=membership_year(), status=CotisationStatus.PAID)

    page = client.get(reverse("membership:account")).content.decode()

    assert "Rien à régler" in page
    assert f'{FORM}?annee={membership_year()}"' not in page
    assert IBAN_DISPLAY not in page


def test_the_form_carries_the_amount_the_reference_and_each_way_to_pay(client, member):
    response = client.get(FORM, {"annee": membership_year()})

    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "45,00 €" in text
    assert payment_reference(year=membership_year(), user=member) in text
    assert IBAN_DISPLAY in text and BIC in text
    assert "À l’ordre de : Cap Rural" in text and "38000 Grenoble" in text
    assert "Mandat administratif" in text
    assert "nous consulter" not in text and "Paiement en ligne" not in text


def test_downloading_the_form_opens_the_pending_cotisation_a_transfer_will_be_matched_to(
    client, member
):
    client.get(FORM, {"annee": membership_year()})
    client.get(FORM, {"annee": membership_year()})

    (cotisation,) = Cotisation.objects.filter(user=member)
    assert cotisation.status == CotisationStatus.PENDING
    assert cotisation.amount == Decimal("45.00")
    assert cotisation.payment_reference == payment_reference(year=membership_year(), user=member)


def test_a_paid_members_form_asks_for_nothing(client, member):
    CotisationFactory(user=member, year=membership_year(), status=CotisationStatus.PAID)

    text = pdf_text(client.get(FORM).content)

    assert "vous n’avez rien à nous envoyer" in text
    assert IBAN_DISPLAY not in text


def test_without_a_tariff_the_form_says_whom_to_contact_and_opens_nothing(client, member):
    next_year = membership_year() + 1

    text = pdf_text(client.get(FORM, {"annee": next_year}).content)

    assert "n’est pas encore fixé" in text and "contact@caprural.org" in text
    assert not Cotisation.objects.filter(year=next_year).exists()


def test_an_organisations_form_is_priced_by_its_inhabitants(client, member):
    year = membership_year()
    TariffFactory(
        year=year,
        category=MemberCategory.COMMUNE,
        formula=TariffFormula.PER_INHABITANT,
        amount=None,
        per_inhabitant=Decimal("0.10"),
        floor=Decimal("100"),
    )
    commune = OrganisationFactory(category=MemberCategory.COMMUNE, inhabitants=2_345)
    AttachmentFactory(user=member, organisation=commune)

    text = pdf_text(client.get(FORM, {"annee": year, "organisation": commune.pk}).content)

    assert "234,50 €" in text
    assert payment_reference(year=year, organisation=commune) in text
    assert Cotisation.objects.get(organisation=commune).amount == Decimal("234.50")


def test_the_api_gives_the_amount_due_and_the_reference(client, member):
    me = client.get("/api/me/").json()

    reference = payment_reference(year=membership_year(), user=member)
    assert me["coverage"]["amount_due"] == "45.00"
    assert me["coverage"]["payment_reference"] == reference
    assert me["dues"][0]["payment_reference"] == reference
    assert me["dues"][0]["settled"] is False


def test_the_api_says_a_covered_member_owes_nothing(client, member):
    organisation = OrganisationFactory()
    AttachmentFactory(user=member, organisation=organisation)
    CotisationFactory(
        user=None, organisation=organisation, year=membership_year(), status=CotisationStatus.PAID
    )

    coverage = client.get("/api/me/").json()["coverage"]

    assert coverage["covered"] is True
    assert coverage["amount_due"] == "0"
    assert coverage["payment_reference"] == payment_reference(
        year=membership_year(), organisation=organisation
    )


def test_the_api_explains_an_amount_it_cannot_compute(client, member):
    coverage = client.get("/api/me/", {"on": f"{membership_year() + 1}-06-01"}).json()["coverage"]
    assert coverage["amount_due"] is None
    assert "contact@caprural.org" in coverage["amount_due_message"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "FR7630006000011234567890180", "Cet IBAN n’est pas valide"),
        ("bic", "AGRI", "Ce BIC n’est pas valide"),
    ],
)
def test_bank_details_are_validated(field, value, message):
    with pytest.raises(ValidationError) as error:
        set_bank_details(**{field: value})
    assert error.value.message_dict[field][0].startswith(message)


def test_bank_details_are_stored_compact_and_need_each_other():
    identity = set_bank_details(iban="fr76 3000 6000 0112 3456 7890 189", bic="agrifrpp882")
    assert (identity.iban, identity.bic) == (IBAN, BIC)
    with pytest.raises(ValidationError) as error:
        set_bank_details(bic="")
    assert "bic" in error.value.message_dict
