"""Starting an online payment: what the portal asks Stripe, and that nothing is created twice."""

import datetime as dt
from decimal import Decimal

import pytest
import stripe
from django.core.exceptions import ValidationError
from django.utils import timezone

from membership import payments, services
from membership.checkout import checkout_fulfil, checkout_start
from membership.models import (
    CotisationStatus,
    MemberCategory,
    Payment,
    PaymentStatus,
    ReceiptKind,
)
from membership.years import membership_year, year_end

from .factories import AttachmentFactory, OrganisationFactory, ProfileFactory, TariffFactory

pytestmark = pytest.mark.django_db

SUCCESS_URL = "http://testserver/adhesion/paiement/merci/?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/adhesion/paiement/annule/"


def test_checkout_asks_stripe_for_a_eur_payment_by_card_sepa_or_transfer(
    stripe_fake, stripe_checkout, paying_member
):
    payment = stripe_checkout()

    (customer_request,) = stripe_fake.requests_to("POST", "/v1/customers")
    (session_request,) = stripe_fake.requests_to("POST", "/v1/checkout/sessions")
    customer_id = next(iter(stripe_fake.customers))
    session = stripe_fake.sessions[payment.stripe_checkout_session_id]
    metadata = {"cotisation_id": str(payment.cotisation_id), "payment_id": str(payment.pk)}

    assert customer_request.idempotency_key == f"portail-customer-{payment.pk}"
    assert customer_request.params["email"] == paying_member.email
    assert customer_request.params["preferred_locales"] == ["fr"]
    assert session_request.idempotency_key == f"portail-checkout-{payment.pk}"
    params = session_request.params
    assert params["mode"] == "payment"
    assert params["customer"] == customer_id
    assert params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4500",
                "product_data": {
                    "name": f"Cotisation {membership_year()} – {payment.cotisation.holder_name}"
                },
            },
        }
    ]
    assert params["payment_method_types"] == ["card", "sepa_debit", "customer_balance"]
    assert params["payment_method_options"]["customer_balance"] == {
        "funding_type": "bank_transfer",
        "bank_transfer": {"type": "eu_bank_transfer", "eu_bank_transfer": {"country": "FR"}},
    }
    assert params["metadata"] == metadata
    assert params["payment_intent_data"]["metadata"] == metadata
    assert params["client_reference_id"] == f"payment-{payment.pk}"
    assert params["success_url"] == SUCCESS_URL
    assert params["cancel_url"] == CANCEL_URL
    assert params["locale"] == "fr"
    for request in (customer_request, session_request):
        assert request.authorization == f"Bearer {stripe_fake.api_key}"
        assert request.stripe_version == stripe.api_version
        assert request.content_type == "application/x-www-form-urlencoded"
    assert payment.amount == Decimal("45.00")
    assert payment.checkout_url == session["url"]


def test_paying_twice_in_a_row_reuses_the_open_payment_page(stripe_fake, paying_member):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    cotisation = services.cotisation_open(user=paying_member, year=membership_year())

    urls = [
        checkout_start(
            cotisation=cotisation,
            user=paying_member,
            success_url=SUCCESS_URL,
            cancel_url=CANCEL_URL,
        )
        for _ in range(2)
    ]

    assert urls[0] == urls[1]
    assert urls[0].startswith("https://checkout.stripe.com/")
    assert cotisation.payments.count() == 1
    assert len(stripe_fake.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_a_retry_after_stripe_failed_sends_the_same_idempotency_keys(
    stripe_fake, stripe_checkout, paying_member
):
    stripe_fake.unavailable = True
    with pytest.raises(payments.PaymentProviderError, match="momentanément indisponible"):
        stripe_checkout()
    failed_keys = {r.idempotency_key for r in stripe_fake.requests}
    payment = Payment.objects.get()
    assert payment.stripe_checkout_session_id is None

    stripe_fake.unavailable = False
    payment = stripe_checkout()

    assert Payment.objects.count() == 1
    assert failed_keys == {f"portail-customer-{payment.pk}"}
    assert stripe_fake.requests_to("POST", "/v1/customers")[-1].idempotency_key in failed_keys
    assert len(stripe_fake.sessions) == 1


def test_a_session_created_but_not_saved_is_found_again_not_duplicated(
    stripe_fake, stripe_checkout
):
    payment = stripe_checkout()
    session_id = payment.stripe_checkout_session_id
    # The process stopped after Stripe answered, before the session id was saved.
    Payment.objects.filter(pk=payment.pk).update(stripe_checkout_session_id=None)

    payment = stripe_checkout()

    assert payment.stripe_checkout_session_id == session_id
    assert len(stripe_fake.sessions) == 1
    assert len(stripe_fake.customers) == 1


def test_an_expired_payment_page_is_replaced_by_a_new_payment(stripe_fake, stripe_checkout):
    first = stripe_checkout()
    stripe_fake.expire(first.stripe_checkout_session_id)

    second = stripe_checkout()

    first.refresh_from_db()
    assert first.status == PaymentStatus.EXPIRED
    assert second.pk != first.pk
    assert second.stripe_checkout_session_id != first.stripe_checkout_session_id
    assert stripe_fake.requests_to("POST", "/v1/checkout/sessions")[-1].idempotency_key == (
        f"portail-checkout-{second.pk}"
    )


def test_without_stripe_keys_online_payment_is_off_and_refused(settings, paying_member):
    settings.PORTAIL_STRIPE_SECRET_KEY = ""
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    cotisation = services.cotisation_open(user=paying_member, year=membership_year())

    assert payments.online_payment_enabled() is False
    with pytest.raises(ValidationError, match="chèque, virement ou mandat"):
        checkout_start(
            cotisation=cotisation,
            user=paying_member,
            success_url=SUCCESS_URL,
            cancel_url=CANCEL_URL,
        )
    assert not cotisation.payments.exists()


def test_a_paid_cotisation_cannot_be_paid_again(stripe_fake, stripe_checkout, paying_member):
    payment = stripe_checkout()
    stripe_fake.pay(payment.stripe_checkout_session_id)
    checkout_fulfil(session_id=payment.stripe_checkout_session_id)

    with pytest.raises(ValidationError, match="déjà réglée"):
        checkout_start(
            cotisation=payment.cotisation,
            user=paying_member,
            success_url=SUCCESS_URL,
            cancel_url=CANCEL_URL,
        )


def test_someone_attached_to_an_organisation_pays_its_cotisation_billed_to_it(
    stripe_fake, stripe_checkout, paying_member
):
    organisation = OrganisationFactory(category=MemberCategory.SMALL_COMMUNE)
    AttachmentFactory(user=paying_member, organisation=organisation)
    TariffFactory(year=membership_year(), category=MemberCategory.SMALL_COMMUNE, amount=120)

    payment = stripe_checkout(organisation=organisation)

    assert payment.cotisation.organisation == organisation
    customer = stripe_fake.requests_to("POST", "/v1/customers")[0].params
    assert customer["email"] == organisation.billing_email
    assert customer["name"] == organisation.name
    session = stripe_fake.requests_to("POST", "/v1/checkout/sessions")[0].params
    assert session["line_items"][0]["price_data"]["unit_amount"] == "12000"


def test_nobody_else_can_pay_a_cotisation(stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    stranger = ProfileFactory().user

    with pytest.raises(ValidationError, match="ne pouvez pas"):
        checkout_start(
            cotisation=payment.cotisation,
            user=stranger,
            success_url=SUCCESS_URL,
            cancel_url=CANCEL_URL,
        )


def test_fulfilment_of_a_paid_session_pays_the_cotisation_once(stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    session = stripe_fake.pay(payment.stripe_checkout_session_id)

    for _ in range(3):
        payment = checkout_fulfil(session_id=session["id"])

    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.stripe_payment_intent_id == session["payment_intent"]
    assert payment.cotisation.status == CotisationStatus.PAID
    assert payment.receipts.filter(kind=ReceiptKind.RECEIPT).count() == 1
    # Fulfilment re-reads the session from Stripe each time.
    path = f"/v1/checkout/sessions/{session['id']}"
    assert len(stripe_fake.requests_to("GET", path)) == 3


def test_fulfilment_when_stripe_is_down_changes_nothing(stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    stripe_fake.pay(payment.stripe_checkout_session_id)
    stripe_fake.unavailable = True

    with pytest.raises(payments.PaymentProviderError):
        checkout_fulfil(session_id=payment.stripe_checkout_session_id)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_page_opened_before_staff_changed_the_amount_is_closed_not_paid(
    stripe_fake, stripe_checkout
):
    first = stripe_checkout()
    first.cotisation.amount = Decimal("15.00")  # staff moved the member to the reduced tariff
    first.cotisation.save()

    second = stripe_checkout()

    first.refresh_from_db()
    assert first.status == PaymentStatus.EXPIRED
    assert stripe_fake.sessions[first.stripe_checkout_session_id]["status"] == "expired"
    (expire,) = stripe_fake.requests_to(
        "POST", f"/v1/checkout/sessions/{first.stripe_checkout_session_id}/expire"
    )
    assert expire.idempotency_key == f"portail-expire-{first.stripe_checkout_session_id}"
    assert second.amount == Decimal("15.00")
    sent = stripe_fake.requests_to("POST", "/v1/checkout/sessions")[-1].params
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "1500"


def test_while_a_debit_is_on_its_way_a_provisional_cotisation_is_not_paid_twice(
    stripe_fake, stripe_checkout, paying_member
):
    payment = stripe_checkout()
    services.provisional_grant(
        cotisation=payment.cotisation,
        until=min(timezone.localdate() + dt.timedelta(days=30), year_end(membership_year())),
        granted_by=None,
    )
    stripe_fake.submit_async(payment.stripe_checkout_session_id)
    checkout_fulfil(session_id=payment.stripe_checkout_session_id)
    payment.cotisation.refresh_from_db()
    assert payment.cotisation.status == CotisationStatus.PROVISIONAL

    with pytest.raises(ValidationError, match="en cours de réception"):
        checkout_start(
            cotisation=payment.cotisation,
            user=paying_member,
            success_url=SUCCESS_URL,
            cancel_url=CANCEL_URL,
        )
    assert payment.cotisation.payments.count() == 1


def test_the_old_stripe_setting_names_still_enable_online_payment(settings):
    settings.PORTAIL_STRIPE_SECRET_KEY = settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_SECRET_KEY = "sk_test_ancien_nom"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_ancien_nom"

    assert payments.online_payment_enabled()
