"""Partial refunds made on Stripe give the same credit notes whenever their events are processed.

Each ``charge.refunded`` event re-reads the charge and its refunds from Stripe: processed late,
the first event already sees every refund. The portal issues one credit note per Stripe refund,
keyed by its id, so the notes (amounts, order, refunds named) never depend on that timing.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from membership import services
from membership.models import CotisationStatus, PaymentStatus, ReceiptKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client, stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    session = stripe_fake.pay(payment.stripe_checkout_session_id)
    stripe_fake.deliver(client, stripe_fake.event("checkout.session.completed", session))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def credit_notes(payment):
    """(amount, Stripe refund) of each credit note, in the order of their numbers."""
    notes = payment.receipts.filter(kind=ReceiptKind.CREDIT_NOTE).order_by("number")
    return list(notes.values_list("amount", "stripe_refund_id"))


def refund_ids(stripe_fake, charge_id):
    return [r["id"] for r in stripe_fake.refunds.values() if r["charge"] == charge_id]


def as_they_happen(client, stripe_fake, charge_id):
    for amount in (1500, 1000):
        event = stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=amount))
        assert stripe_fake.deliver(client, event).status_code == 200


def after_both(client, stripe_fake, charge_id, *, reverse=False):
    events = [
        stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=amount))
        for amount in (1500, 1000)
    ]
    for event in reversed(events) if reverse else events:
        assert stripe_fake.deliver(client, event).status_code == 200


def failed_then_retried(client, stripe_fake, charge_id):
    """Stripe is in trouble while the refunds happen; staff retry the events afterwards."""
    stripe_fake.unavailable = True
    for amount in (1500, 1000):
        event = stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=amount))
        assert stripe_fake.deliver(client, event).status_code == 500
    stripe_fake.unavailable = False
    call_command("stripe_events", "--retry")


@pytest.mark.parametrize(
    "timing",
    [
        as_they_happen,
        after_both,
        lambda *args: after_both(*args, reverse=True),
        failed_then_retried,
    ],
    ids=["as-they-happen", "after-both", "after-both-reversed", "failed-then-retried"],
)
def test_two_partial_refunds_give_one_credit_note_each_whatever_the_timing(
    client, stripe_fake, paid, timing
):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]

    timing(client, stripe_fake, charge_id)

    first, second = refund_ids(stripe_fake, charge_id)
    assert credit_notes(paid) == [(Decimal("15.00"), first), (Decimal("10.00"), second)]
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.PARTIALLY_REFUNDED
    assert paid.amount_refunded == Decimal("25.00")
    assert paid.cotisation.status == CotisationStatus.PAID


def test_replayed_refund_events_issue_nothing_more(client, stripe_fake, paid):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]
    events = [
        stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id, amount=amount))
        for amount in (1500, 1000)
    ]
    for event in events:
        stripe_fake.deliver(client, event)
    notes = credit_notes(paid)

    # Stripe delivers again, and the refund sync runs again on the charge as Stripe has it now.
    for event in [*events, *reversed(events)]:
        assert stripe_fake.deliver(client, event).status_code == 200
    services.payment_refunded(
        payment=paid,
        amount_refunded=Decimal("25.00"),
        refunds=list(
            zip(refund_ids(stripe_fake, charge_id), [Decimal("15"), Decimal("10")], strict=True)
        ),
    )

    assert credit_notes(paid) == notes
    assert len(notes) == 2


def test_the_refund_completing_the_payment_gets_its_own_credit_note_and_revokes(
    client, stripe_fake, paid
):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]
    as_they_happen(client, stripe_fake, charge_id)

    rest = stripe_fake.event("charge.refunded", stripe_fake.refund(charge_id))  # the last 20 €
    stripe_fake.deliver(client, rest)

    assert [amount for amount, _ in credit_notes(paid)] == [
        Decimal("15.00"),
        Decimal("10.00"),
        Decimal("20.00"),
    ]
    assert [refund for _, refund in credit_notes(paid)] == refund_ids(stripe_fake, charge_id)
    paid.refresh_from_db()
    paid.cotisation.refresh_from_db()
    assert paid.status == PaymentStatus.REFUNDED
    assert paid.cotisation.status == CotisationStatus.REFUNDED


def test_a_failed_refund_is_not_credited(client, stripe_fake, paid):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]
    stripe_fake.refund(charge_id, amount=1500)
    charge = stripe_fake.refund(charge_id, amount=1000)
    failed = refund_ids(stripe_fake, charge_id)[1]
    stripe_fake.refunds[failed]["status"] = "failed"

    stripe_fake.deliver(client, stripe_fake.event("charge.refunded", charge))

    assert credit_notes(paid) == [(Decimal("15.00"), refund_ids(stripe_fake, charge_id)[0])]


def test_more_refunds_than_one_page_of_stripes_list_are_all_credited(client, stripe_fake, paid):
    charge_id = stripe_fake.charge_of(paid.stripe_checkout_session_id)["id"]
    for _ in range(3):
        charge = stripe_fake.refund(charge_id, amount=100)
    stripe_fake.list_page_size = 2

    stripe_fake.deliver(client, stripe_fake.event("charge.refunded", charge))

    assert [refund for _, refund in credit_notes(paid)] == refund_ids(stripe_fake, charge_id)
