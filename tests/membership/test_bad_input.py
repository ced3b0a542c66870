"""Wrong input to membership's pages and staff forms: a French message, nothing written.

Each test sends what a member or a staff member may get wrong (or a tampered form), reads the
message given back and checks that no row was written or changed.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from membership import services
from membership.models import (
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    MemberOrganisation,
    MemberProfile,
    OrganisationMembership,
    Payment,
    PaymentMethod,
    Receipt,
    Tariff,
)
from membership.years import membership_year

from .factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def counts(*models) -> dict:
    return {model.__name__: model.objects.count() for model in models}


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def member(client):
    user = ProfileFactory(first_name="Camille", last_name="Martin").user
    client.force_login(user)
    return user


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


# --------------------------------------------------------------------------- the member's pages


def profile_form(**values) -> dict:
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "",
        "job_title": "",
        "category": "individual",
        "address": "",
        **values,
    }


@pytest.mark.parametrize(
    "phone", ["appelez-moi", "06", "06 12 34 56 78 ext. 4", "0612345678901234"]
)
def test_a_phone_number_that_is_none_is_explained_and_not_saved(client, member, phone):
    response = client.post(reverse("membership:profile"), profile_form(phone=phone))

    assert response.status_code == 200
    assert "Indiquez un numéro de téléphone" in text(response)
    assert MemberProfile.objects.get(user=member).phone == ""


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", ""])
def test_phone_numbers_as_people_write_them_are_kept(client, member, phone):
    response = client.post(reverse("membership:profile"), profile_form(phone=phone))

    assert response.status_code == 302
    assert MemberProfile.objects.get(user=member).phone == phone


@pytest.mark.parametrize("organisation", ["abc", "²", "1\x00", "-1"])
def test_a_membership_form_for_a_malformed_organisation_is_not_found(client, member, organisation):
    response = client.get(reverse("membership:form"), {"organisation": organisation})

    assert response.status_code == 404


def test_a_siret_of_unusual_digits_is_explained_and_nothing_is_written(client, member):
    before = counts(MemberOrganisation, OrganisationMembership)

    response = client.post(
        reverse("membership:attachment_request"),
        {
            "name": "Commune de Felletin",
            "kind": "commune",
            "category": "small_commune",
            "siret": "²" * 14,
            "town": "Felletin",
        },
    )

    assert response.status_code == 200
    assert "Un SIRET comporte 14 chiffres." in text(response)
    assert counts(MemberOrganisation, OrganisationMembership) == before


@pytest.mark.parametrize(
    ("holder", "year"), [("²", "membership_year"), ("individuelle", "²"), ("", "")]
)
def test_a_tampered_checkout_form_is_refused_in_french(client, member, stripe_fake, holder, year):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    year = str(membership_year()) if year == "membership_year" else year
    if holder == "individuelle":  # a year that is no number falls back to this year
        CotisationFactory(user=member, year=membership_year(), status=CotisationStatus.PAID)
    before = counts(Cotisation, Payment)

    response = client.post("/adhesion/paiement/", {"titulaire": holder, "annee": year})

    assert response.status_code == 302
    assert flashed(response) in (
        ["Vous n’êtes pas rattaché(e) à cette organisation."],
        ["Cette cotisation est déjà réglée."],
    )
    assert counts(Cotisation, Payment) == before
    assert not stripe_fake.requests
    assert client.get("/adhesion/paiement/", {"annee": "²"}).status_code == 200


def test_a_decision_that_is_neither_confirm_nor_reject_changes_nothing(client, member):
    organisation = OrganisationFactory()
    AttachmentFactory(user=member, organisation=organisation, is_referent=True)
    request = AttachmentFactory(organisation=organisation, status=AttachmentStatus.REQUESTED)

    response = client.post(
        reverse("membership:attachment_decide", args=[request.pk]), {"decision": "peut-être"}
    )

    assert response.status_code == 302
    assert flashed(response) == ["Choisissez de confirmer ou de refuser la demande."]
    request.refresh_from_db()
    assert request.status == AttachmentStatus.REQUESTED


# --------------------------------------------------------------------------- staff


def cotisation_form(**values) -> dict:
    return {
        "organisation": "",
        "user": "",
        "year": str(membership_year()),
        "category": "individual",
        "amount": "30.00",
        "needs_attention": "",
        "staff_note": "",
        **values,
    }


def test_a_second_live_cotisation_for_the_same_year_is_refused_not_an_error_page(staff_client):
    existing = CotisationFactory(year=membership_year())
    before = counts(Cotisation)

    response = staff_client.post(
        reverse("membership_cotisation_modeladmin_create"),
        cotisation_form(user=existing.user.pk),
    )

    assert response.status_code == 200
    assert "Cette personne a déjà une cotisation en cours pour cette année." in text(response)
    assert counts(Cotisation) == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "-30"}, "supérieure ou égale à 0"),
        ({"year": "1900"}, "Indiquez une année entre 2000 et 2100."),
        ({"year": "99999999"}, "Indiquez une année entre 2000 et 2100."),
    ],
)
def test_a_cotisation_with_an_impossible_amount_or_year_is_refused(staff_client, values, message):
    user = UserFactory()

    response = staff_client.post(
        reverse("membership_cotisation_modeladmin_create"), cotisation_form(user=user.pk, **values)
    )

    assert response.status_code == 200
    assert message in text(response)
    assert not Cotisation.objects.exists()


def test_a_paid_cotisation_keeps_its_holder_year_and_amount(staff_client):
    cotisation = CotisationFactory(year=membership_year())
    services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=cotisation.amount,
        reference="VIR-1",
        received_on=timezone.localdate(),
        recorded_by=None,
    )
    other = UserFactory()
    url = reverse("membership_cotisation_modeladmin_edit", args=[cotisation.pk])

    response = staff_client.post(
        url, cotisation_form(user=other.pk, amount="10.00", status="pending")
    )

    assert response.status_code == 200
    assert "Cette cotisation a un paiement reçu ou en cours" in text(response)
    cotisation.refresh_from_db()
    assert (cotisation.user, cotisation.amount, cotisation.status) == (
        cotisation.user,
        Decimal("30.00"),
        CotisationStatus.PAID,
    )
    assert cotisation.user != other
    # Its note, which no receipt prints, still changes; the status sent is ignored.
    staff_client.post(
        url,
        cotisation_form(user=cotisation.user.pk, staff_note="Reçu envoyé", status="pending"),
    )
    cotisation.refresh_from_db()
    assert (cotisation.staff_note, cotisation.status) == ("Reçu envoyé", CotisationStatus.PAID)


def test_a_tariff_for_an_impossible_year_is_refused(staff_client):
    response = staff_client.post(
        reverse("membership_tariff_modeladmin_create"),
        {"year": "99999999", "category": "individual", "amount": "30.00", "label": ""},
    )

    assert response.status_code == 200
    assert "Indiquez une année entre 2000 et 2100." in text(response)
    assert not Tariff.objects.exists()


def offline_payment(staff_client, cotisation, **values):
    return staff_client.post(
        reverse("membership_offline_payment", args=["cotisation", cotisation.pk]),
        {
            "method": PaymentMethod.CHEQUE,
            "amount": "30.00",
            "reference": "0001234",
            "received_on": timezone.localdate().isoformat(),
            **values,
        },
    )


def test_money_received_long_before_the_year_is_refused(staff_client):
    cotisation = CotisationFactory(year=membership_year())
    before = counts(Payment, Receipt)

    response = offline_payment(staff_client, cotisation, received_on="1900-01-01")

    assert response.status_code == 200
    assert "La date de réception (01/01/1900) est trop ancienne" in text(response)
    assert counts(Payment, Receipt) == before
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING


def test_another_amount_under_a_recorded_cheque_number_is_not_taken_for_it(staff_client):
    cotisation = CotisationFactory(year=membership_year())
    assert offline_payment(staff_client, cotisation).status_code == 302
    before = counts(Payment, Receipt)

    response = offline_payment(staff_client, cotisation, amount="-30.00")

    assert response.status_code == 200
    assert "Cette cotisation est « Payée » : elle ne peut plus recevoir de paiement." in text(
        response
    )
    assert counts(Payment, Receipt) == before
    # The same cheque sent twice (a double click) is still recorded once, without an error.
    assert offline_payment(staff_client, cotisation).status_code == 302
    assert counts(Payment, Receipt) == before


def test_provisional_coverage_beyond_the_membership_year_is_refused(staff_client):
    year = membership_year()
    cotisation = CotisationFactory(year=year, user=None, organisation=OrganisationFactory())

    response = staff_client.post(
        reverse("membership_provisional_grant", args=[cotisation.pk]),
        {"until": dt.date(year + 2, 1, 31).isoformat()},
    )

    assert response.status_code == 200
    assert f"ne peut pas aller au-delà du 31/12/{year}" in text(response)
    cotisation.refresh_from_db()
    assert (cotisation.status, cotisation.provisional_until) == (CotisationStatus.PENDING, None)
