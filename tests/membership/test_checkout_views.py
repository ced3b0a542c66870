"""The member's way through online payment: choose, pay at Stripe, come back."""

from decimal import Decimal

import pytest

from membership.models import CotisationStatus, MemberCategory, Payment, PaymentStatus, ReceiptKind
from membership.references import payment_reference
from membership.services import association_identity
from membership.years import membership_year

from .factories import AttachmentFactory, OrganisationFactory, ProfileFactory, TariffFactory

pytestmark = pytest.mark.django_db

START = "/adhesion/paiement/"


def success_url(session_id):
    return f"/adhesion/paiement/merci/?session_id={session_id}"


@pytest.fixture
def logged_in(client, paying_member):
    client.force_login(paying_member)
    return client


def test_the_start_page_shows_what_the_member_may_pay(logged_in, stripe_fake, paying_member):
    organisation = OrganisationFactory(category=MemberCategory.SMALL_COMMUNE)
    AttachmentFactory(user=paying_member, organisation=organisation)
    TariffFactory(year=membership_year(), category=MemberCategory.SMALL_COMMUNE, amount=1200)

    response = logged_in.get(START)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Régler la cotisation {membership_year()} en ligne" in page
    assert "Payer 45,00 €" in page
    assert organisation.name in page
    assert "Payer 1\xa0200,00 €" in page
    assert not stripe_fake.requests  # looking costs nothing


def test_paying_sends_the_member_to_stripe_and_back_to_the_portal(
    logged_in, stripe_fake, paying_member, settings
):
    response = logged_in.post(START, {"titulaire": "individuelle", "annee": membership_year()})

    payment = Payment.objects.get(cotisation__user=paying_member)
    assert response.status_code == 302
    assert response["Location"] == stripe_fake.sessions[payment.stripe_checkout_session_id]["url"]
    sent = stripe_fake.requests_to("POST", "/v1/checkout/sessions")[0].params
    assert sent["success_url"] == (
        f"{settings.SITE_URL}/adhesion/paiement/merci/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert sent["cancel_url"] == f"{settings.SITE_URL}/adhesion/paiement/annule/"


def test_paying_for_an_organisation_one_is_not_attached_to_is_refused(
    logged_in, stripe_fake, paying_member
):
    organisation = OrganisationFactory()

    response = logged_in.post(
        START, {"titulaire": str(organisation.pk), "annee": membership_year()}, follow=True
    )

    assert "Vous n’êtes pas rattaché(e) à cette organisation." in response.content.decode()
    assert not Payment.objects.exists()
    assert not stripe_fake.requests


def test_when_stripe_is_down_the_member_is_told_and_stays_on_the_portal(logged_in, stripe_fake):
    stripe_fake.unavailable = True

    response = logged_in.post(
        START, {"titulaire": "individuelle", "annee": membership_year()}, follow=True
    )

    assert response.redirect_chain[-1][0].startswith(START)
    assert "momentanément indisponible" in response.content.decode()


def test_without_stripe_the_page_offers_the_offline_ways_as_the_normal_path(
    logged_in, settings, paying_member
):
    settings.PORTAIL_STRIPE_SECRET_KEY = ""
    identity = association_identity()
    identity.iban, identity.bic = "FR7630006000011234567890189", "AGRIFRPP882"
    identity.save()

    page = logged_in.get(START).content.decode()

    assert f"Régler la cotisation {membership_year()}</h1>" in page
    assert "45,00 €" in page
    assert payment_reference(year=membership_year(), user=paying_member) in page
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "AGRIFRPP882" in page
    assert "Mandat administratif" in page and "Chèque" in page
    assert "/adhesion/bulletin/" in page
    for unavailable in ("disponible", "reviendrez", "Payer 45,00 €", "Stripe"):
        assert unavailable not in page


def test_the_pages_need_an_account(client, stripe_fake):
    response = client.get(START)

    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_the_success_page_records_the_payment_before_the_webhook_which_is_then_harmless(
    logged_in, client, stripe_fake, stripe_checkout
):
    payment = stripe_checkout()
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    late_event = stripe_fake.event("checkout.session.completed", session)

    response = logged_in.get(success_url(session["id"]))

    assert response.status_code == 200
    assert f"votre cotisation {membership_year()} est réglée" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.cotisation.status == CotisationStatus.PAID

    assert stripe_fake.deliver(client, late_event).status_code == 200
    assert payment.receipts.filter(kind=ReceiptKind.RECEIPT).count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_after_a_sepa_debit_the_success_page_says_the_money_is_on_its_way(
    logged_in, stripe_fake, stripe_checkout
):
    payment = stripe_checkout()
    session = stripe_fake.submit_async(payment.stripe_checkout_session_id)

    page = logged_in.get(success_url(session["id"])).content.decode()

    assert "Paiement en cours de réception" in page
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AWAITING_FUNDS


def test_nobody_sees_another_members_payment(client, stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    stripe_fake.pay(payment.stripe_checkout_session_id)
    client.force_login(ProfileFactory().user)

    response = client.get(success_url(payment.stripe_checkout_session_id))

    assert response.status_code == 404
    assert payment.cotisation.holder_name not in response.content.decode()


def test_an_unknown_session_is_not_found(logged_in, stripe_fake):
    assert logged_in.get(success_url("cs_test_inconnue")).status_code == 404
    assert logged_in.get(success_url("pas-une-session")).status_code == 404


def test_leaving_stripe_without_paying_changes_nothing(logged_in, stripe_fake, stripe_checkout):
    payment = stripe_checkout()

    response = logged_in.get("/adhesion/paiement/annule/")

    assert response.status_code == 200
    assert "aucun montant n’a été débité" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.amount == Decimal("45.00")


def test_after_paying_the_member_is_offered_the_registration_they_started(
    logged_in, stripe_fake, paying_member
):
    registration = "/inscriptions/session/42/"
    logged_in.get(START, {"annee": membership_year(), "next": registration})
    logged_in.post(START, {"titulaire": "individuelle", "annee": membership_year()})
    payment = Payment.objects.get(cotisation__user=paying_member)
    session = stripe_fake.pay(payment.stripe_checkout_session_id)

    page = logged_in.get(success_url(session["id"])).content.decode()

    assert f'href="{registration}"' in page
    assert "Reprendre votre inscription" in page


def test_a_next_address_on_another_site_is_ignored(logged_in, stripe_fake, paying_member):
    logged_in.get(START, {"next": "https://phishing.example/"})
    logged_in.post(START, {"titulaire": "individuelle", "annee": membership_year()})
    payment = Payment.objects.get(cotisation__user=paying_member)
    session = stripe_fake.pay(payment.stripe_checkout_session_id)

    page = logged_in.get(success_url(session["id"])).content.decode()

    assert "phishing.example" not in page
    assert "Reprendre votre inscription" not in page
