"""Stripe's webhook: only signed events count, each once, in any order, and failures are retried."""

import json
import time
from decimal import Decimal

import pytest

from membership.coverage import coverage_for
from membership.models import (
    CotisationStatus,
    DisputeStatus,
    Payment,
    PaymentStatus,
    ReceiptKind,
    StripeEvent,
    StripeEventOutcome,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(stripe_checkout):
    return stripe_checkout()


def state(payment):
    payment.refresh_from_db()
    payment.cotisation.refresh_from_db()
    return payment.status, payment.cotisation.status


def receipts(payment, kind=ReceiptKind.RECEIPT):
    return payment.receipts.filter(kind=kind).count()


# --------------------------------------------------------------------------- signatures


def test_a_signed_event_is_stored_processed_and_answered_200(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    event = stripe_fake.event("checkout.session.completed", session)

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.type == "checkout.session.completed"
    assert stored.payload["id"] == event["id"]
    assert stored.payload["data"]["object"]["payment_status"] == "paid"
    assert stored.payload["data"]["object"]["metadata"]["payment_id"] == str(payment.pk)
    # Stripe's object names the payer; the portal keeps only what it needs.
    assert event["data"]["object"]["customer_details"]["email"] == payment.cotisation.user.email
    assert payment.cotisation.user.email not in json.dumps(stored.payload)
    assert stored.processed_at is not None
    assert stored.outcome == StripeEventOutcome.PROCESSED
    assert stored.attempts == 1
    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert coverage_for(payment.cotisation.user).cotisation == payment.cotisation


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body, fake: (body.replace("paid", "PAID"), fake.sign(body)), id="body"),
        pytest.param(
            lambda body, fake: (body, fake.sign(body, secret="whsec_someone_else")), id="secret"
        ),
        pytest.param(lambda body, fake: (body, "t=12,v0=abc"), id="scheme"),
        pytest.param(lambda body, fake: (body, "n’importe quoi"), id="garbage"),
    ],
)
def test_a_tampered_event_is_refused_and_stored_nowhere(client, stripe_fake, payment, tamper):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    body, signature = tamper(
        json.dumps(stripe_fake.event("checkout.session.completed", session)), stripe_fake
    )

    response = client.post(
        "/membership/stripe/webhook/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature},
    )

    assert response.status_code == 400
    assert "Signature Stripe invalide" in response.content.decode()
    assert not StripeEvent.objects.exists()
    assert state(payment) == (PaymentStatus.PENDING, CotisationStatus.PENDING)


def test_a_replayed_old_event_is_refused_as_stale(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    event = stripe_fake.event("checkout.session.completed", session)

    response = stripe_fake.deliver(client, event, timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert "périmée" in response.content.decode()
    assert not StripeEvent.objects.exists()


def test_an_event_signed_4_minutes_ago_is_still_accepted(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    event = stripe_fake.event("checkout.session.completed", session)

    response = stripe_fake.deliver(client, event, timestamp=int(time.time()) - 240)

    assert response.status_code == 200


def test_an_unsigned_request_is_refused(client, stripe_fake):
    response = client.post(
        "/membership/stripe/webhook/", data="{}", content_type="application/json"
    )

    assert response.status_code == 400
    assert "Stripe-Signature manquant" in response.content.decode()


def test_a_signed_body_that_is_not_json_is_refused(client, stripe_fake):
    body = "<html>pas un événement</html>"

    response = client.post(
        "/membership/stripe/webhook/",
        data=body,
        content_type="text/html",
        headers={"Stripe-Signature": stripe_fake.sign(body)},
    )

    assert response.status_code == 400
    assert "JSON" in response.content.decode()


def test_the_webhook_refuses_everything_when_stripe_is_not_configured(client, settings):
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""

    response = client.post(
        "/membership/stripe/webhook/",
        data="{}",
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )

    assert response.status_code == 400
    assert "pas configuré" in response.content.decode()


def test_the_webhook_only_takes_post(client, stripe_fake):
    assert client.get("/membership/stripe/webhook/").status_code == 405


# --------------------------------------------------------------------------- once, any order


def test_a_duplicate_delivery_is_answered_200_and_does_nothing(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    event = stripe_fake.event("checkout.session.completed", session)
    stripe_fake.deliver(client, event)
    requests_before = len(stripe_fake.requests)

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 200
    assert "déjà traité" in response.content.decode()
    assert len(stripe_fake.requests) == requests_before  # Stripe is not even asked again
    assert StripeEvent.objects.get().attempts == 1
    assert receipts(payment) == 1


def test_async_success_before_completion_ends_paid_either_way(client, stripe_fake, payment):
    session_id = payment.stripe_checkout_session_id
    completed = stripe_fake.event(
        "checkout.session.completed", stripe_fake.submit_async(session_id)
    )
    succeeded = stripe_fake.event(
        "checkout.session.async_payment_succeeded", stripe_fake.settle_async(session_id)
    )

    assert stripe_fake.deliver(client, succeeded).status_code == 200
    assert stripe_fake.deliver(client, completed).status_code == 200

    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert receipts(payment) == 1


def test_a_sepa_debit_awaits_funds_then_pays(client, stripe_fake, payment):
    session_id = payment.stripe_checkout_session_id

    completed = stripe_fake.event(
        "checkout.session.completed", stripe_fake.submit_async(session_id)
    )
    stripe_fake.deliver(client, completed)

    assert state(payment) == (PaymentStatus.AWAITING_FUNDS, CotisationStatus.AWAITING_FUNDS)
    assert coverage_for(payment.cotisation.user) is None
    assert receipts(payment) == 0

    succeeded = stripe_fake.event(
        "checkout.session.async_payment_succeeded", stripe_fake.settle_async(session_id)
    )
    stripe_fake.deliver(client, succeeded)

    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert receipts(payment) == 1


def test_a_bank_transfer_awaits_funds(client, stripe_fake, payment):
    session = stripe_fake.submit_async(payment.stripe_checkout_session_id, "customer_balance")

    stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))

    assert state(payment) == (PaymentStatus.AWAITING_FUNDS, CotisationStatus.AWAITING_FUNDS)


@pytest.mark.parametrize("failure_first", [False, True], ids=["in-order", "failure-first"])
def test_a_rejected_debit_fails_the_payment_and_frees_the_year(
    client, stripe_fake, payment, failure_first
):
    session_id = payment.stripe_checkout_session_id
    completed = stripe_fake.event(
        "checkout.session.completed", stripe_fake.submit_async(session_id)
    )
    failed = stripe_fake.event(
        "checkout.session.async_payment_failed", stripe_fake.fail_async(session_id)
    )

    for event in [failed, completed] if failure_first else [completed, failed]:
        assert stripe_fake.deliver(client, event).status_code == 200

    assert state(payment) == (PaymentStatus.FAILED, CotisationStatus.FAILED)
    assert receipts(payment) == 0


def test_an_abandoned_payment_page_expires_and_the_cotisation_stays_payable(
    client, stripe_fake, payment
):
    session = stripe_fake.expire(payment.stripe_checkout_session_id)

    stripe_fake.deliver(client, stripe_fake.event("checkout.session.expired", session))

    assert state(payment) == (PaymentStatus.EXPIRED, CotisationStatus.PENDING)


def test_a_stale_expiry_event_cannot_undo_a_payment(client, stripe_fake, payment):
    session_id = payment.stripe_checkout_session_id
    # An event whose snapshot says « expired » while Stripe says the session was paid.
    stale = stripe_fake.event(
        "checkout.session.expired", {**stripe_fake.sessions[session_id], "status": "expired"}
    )
    stripe_fake.pay(session_id)

    stripe_fake.deliver(client, stale)

    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)


# --------------------------------------------------------------------------- refunds, disputes


@pytest.fixture
def paid(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))
    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    return payment


def test_a_full_refund_revokes_the_cotisation_with_a_credit_note(client, stripe_fake, paid):
    charge = stripe_fake.refund(stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"])

    response = stripe_fake.deliver(client, stripe_fake.event("charge.refunded", charge))

    assert response.status_code == 200
    assert state(paid) == (PaymentStatus.REFUNDED, CotisationStatus.REFUNDED)
    assert paid.amount_refunded == Decimal("45.00")
    assert receipts(paid, ReceiptKind.CREDIT_NOTE) == 1
    assert coverage_for(paid.cotisation.user) is None


def test_a_partial_refund_keeps_the_member_covered_and_flags_it(client, stripe_fake, paid):
    charge = stripe_fake.refund(
        stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"], amount=1500
    )

    stripe_fake.deliver(client, stripe_fake.event("charge.refunded", charge))

    assert state(paid) == (PaymentStatus.PARTIALLY_REFUNDED, CotisationStatus.PAID)
    assert paid.amount_refunded == Decimal("15.00")
    assert paid.cotisation.needs_attention
    assert coverage_for(paid.cotisation.user) is not None


def test_two_partial_refunds_adding_up_to_everything_revoke(client, stripe_fake, paid):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]
    first = stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=1500))
    second = stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=3000))

    # Delivered late and in reverse: each re-reads the charge, so the total is right.
    stripe_fake.deliver(client, second)
    stripe_fake.deliver(client, first)

    assert state(paid) == (PaymentStatus.REFUNDED, CotisationStatus.REFUNDED)
    assert paid.amount_refunded == Decimal("45.00")


def test_a_refund_that_overtakes_the_payment_event_still_ends_refunded(
    client, stripe_fake, payment
):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    completed = stripe_fake.event("checkout.session.completed", session)
    charge = stripe_fake.refund(stripe_fake.charge_of(session["id"])["id"])

    stripe_fake.deliver(client, stripe_fake.event("charge.refunded", charge))
    stripe_fake.deliver(client, completed)

    assert state(payment) == (PaymentStatus.REFUNDED, CotisationStatus.REFUNDED)
    assert receipts(payment) == 1
    assert receipts(payment, ReceiptKind.CREDIT_NOTE) == 1


def test_an_open_dispute_suspends_the_coverage(client, stripe_fake, paid):
    dispute = stripe_fake.open_dispute(stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"])

    stripe_fake.deliver(client, stripe_fake.event("charge.dispute.created", dispute))

    assert state(paid) == (PaymentStatus.DISPUTED, CotisationStatus.DISPUTED)
    assert paid.dispute_status == DisputeStatus.OPEN
    assert coverage_for(paid.cotisation.user) is None


@pytest.mark.parametrize("closed_first", [False, True], ids=["in-order", "closed-first"])
def test_a_won_dispute_restores_the_cotisation(client, stripe_fake, paid, closed_first):
    dispute = stripe_fake.open_dispute(stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"])
    created = stripe_fake.event("charge.dispute.created", dispute)
    closed = stripe_fake.event(
        "charge.dispute.closed", stripe_fake.close_dispute(dispute["id"], won=True)
    )

    for event in [closed, created] if closed_first else [created, closed]:
        assert stripe_fake.deliver(client, event).status_code == 200

    assert state(paid) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert paid.dispute_status == DisputeStatus.WON
    assert coverage_for(paid.cotisation.user) is not None


@pytest.mark.parametrize("closed_first", [False, True], ids=["in-order", "closed-first"])
def test_a_lost_dispute_revokes_the_cotisation(client, stripe_fake, paid, closed_first):
    dispute = stripe_fake.open_dispute(stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"])
    created = stripe_fake.event("charge.dispute.created", dispute)
    closed = stripe_fake.event(
        "charge.dispute.closed", stripe_fake.close_dispute(dispute["id"], won=False)
    )

    for event in [closed, created] if closed_first else [created, closed]:
        assert stripe_fake.deliver(client, event).status_code == 200

    assert state(paid) == (PaymentStatus.REFUNDED, CotisationStatus.REFUNDED)
    assert paid.dispute_status == DisputeStatus.LOST
    assert receipts(paid, ReceiptKind.CREDIT_NOTE) == 1
    assert coverage_for(paid.cotisation.user) is None


# --------------------------------------------------------------------------- failures, strangers


def test_a_failure_is_answered_500_and_stripes_retry_succeeds(client, stripe_fake, payment):
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    event = stripe_fake.event("checkout.session.completed", session)
    stripe_fake.unavailable = True

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 500
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is None
    assert stored.attempts == 1
    assert "PaymentProviderError" in stored.last_error
    assert state(payment) == (PaymentStatus.PENDING, CotisationStatus.PENDING)

    stripe_fake.unavailable = False
    response = stripe_fake.deliver(client, event)  # Stripe's retry: same event, new signature

    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert stored.attempts == 2
    assert stored.last_error == ""
    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert receipts(payment) == 1


def test_an_event_type_the_portal_does_not_use_is_acknowledged(client, stripe_fake):
    event = stripe_fake.event("customer.created", {"id": "cus_test_x", "object": "customer"})

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None
    assert stored.outcome == StripeEventOutcome.IGNORED
    assert "customer.created" in stored.ignored_reason


def test_a_session_of_another_application_is_acknowledged_and_ignored(
    client, stripe_fake, paying_member
):
    # Created on the same Stripe account by something else than the portal.
    session = stripe_fake._create_session(
        {
            "mode": "payment",
            "success_url": "https://ailleurs.example/merci",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": "900",
                        "product_data": {"name": "Livre"},
                    }
                }
            ],
        }
    )
    stripe_fake.pay(session["id"])

    response = stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))

    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.processed_at is not None
    assert stored.outcome == StripeEventOutcome.IGNORED
    assert "Aucun paiement du portail" in stored.ignored_reason


def test_a_payment_whose_session_id_was_never_saved_is_found_by_its_metadata(
    client, stripe_fake, payment
):
    session_id = payment.stripe_checkout_session_id
    Payment.objects.filter(pk=payment.pk).update(stripe_checkout_session_id=None)
    session = stripe_fake.pay(session_id)

    stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))

    assert state(payment) == (PaymentStatus.SUCCEEDED, CotisationStatus.PAID)
    assert payment.stripe_checkout_session_id == session_id


def test_another_applications_ids_in_metadata_are_not_taken_for_the_portals(
    client, stripe_fake, payment
):
    Payment.objects.filter(pk=payment.pk).update(stripe_checkout_session_id=None)
    session = stripe_fake._create_session(
        {
            "mode": "payment",
            "success_url": "https://ailleurs.example/merci",
            "metadata": {"payment_id": str(payment.pk), "cotisation_id": "999999"},
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": "900",
                        "product_data": {"name": "Livre"},
                    }
                }
            ],
        }
    )
    stripe_fake.pay(session["id"])

    response = stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))

    assert response.status_code == 200
    assert state(payment) == (PaymentStatus.PENDING, CotisationStatus.PENDING)


@pytest.mark.parametrize(
    ("type_", "obj"),
    [
        ("checkout.session.completed", {"id": "cs_test_inconnu", "object": "checkout.session"}),
        ("checkout.session.expired", {"id": "cs_test_inconnu", "object": "checkout.session"}),
        ("charge.refunded", {"id": "ch_test_inconnu", "object": "charge"}),
        ("charge.dispute.created", {"id": "dp_test_inconnu", "object": "dispute"}),
    ],
    ids=["session-completed", "session-expired", "charge-refunded", "dispute-created"],
)
def test_an_event_for_an_object_stripe_does_not_know_is_acknowledged_as_ignored(
    client, stripe_fake, type_, obj
):
    # Re-read from Stripe, the object answers 404 resource_missing (e.g. a test-mode event sent
    # to the live endpoint): retrying for three days would change nothing.
    event = stripe_fake.event(type_, obj)

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 200
    assert "ignoré" in response.content.decode()
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None
    assert stored.outcome == StripeEventOutcome.IGNORED
    assert obj["id"] in stored.ignored_reason
    assert "inconnu de Stripe" in stored.ignored_reason
    assert stored.last_error == ""
    assert stripe_fake.deliver(client, event).status_code == 200  # and again: nothing to retry


@pytest.mark.parametrize("type_", ["checkout.session.completed", "charge.refunded"])
def test_an_unreachable_stripe_is_still_answered_500_so_stripe_retries(
    client, stripe_fake, settings, paid, type_
):
    charge = stripe_fake.refund(stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"])
    obj = (
        stripe_fake.sessions[paid.stripe_checkout_session_id]
        if type_.startswith("checkout")
        else charge
    )
    event = stripe_fake.event(type_, obj)
    stripe_fake.stop()  # nothing listens there any more: the connection is refused

    response = stripe_fake.deliver(client, event)

    assert response.status_code == 500
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is None
    assert stored.outcome == ""
    assert "PaymentProviderError" in stored.last_error
