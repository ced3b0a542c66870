"""A thousand webhook deliveries, duplicated, shuffled and partly forged, end as the ordered run.

Stripe delivers at least once and in no guaranteed order, and anyone can post to the webhook.
Two identical worlds of cotisations live through the same payment stories on the fake Stripe
(card, SEPA debit paid or rejected, transfer awaited, abandoned page, refunds, disputes won and
lost). The first world gets each event once, in the order Stripe emitted them; the second gets
1,000 deliveries: the same events duplicated, shuffled, mixed with forged ones. Each cotisation of
the second world must end exactly as its twin of the first, and forged deliveries are refused
without storing anything nor even asking Stripe.
"""

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import pytest

from membership.models import Payment, ReceiptKind, StripeEvent
from tests.membership.factories import ProfileFactory

pytestmark = pytest.mark.django_db

STORIES_PER_KIND = 10
DELIVERIES = 1000
FORGED = 120


def card_paid(fake, sid):
    return [("checkout.session.completed", fake.pay(sid))]


def sepa_paid(fake, sid):
    return [
        ("checkout.session.completed", fake.submit_async(sid)),
        ("checkout.session.async_payment_succeeded", fake.settle_async(sid)),
    ]


def sepa_rejected(fake, sid):
    return [
        ("checkout.session.completed", fake.submit_async(sid)),
        ("checkout.session.async_payment_failed", fake.fail_async(sid)),
    ]


def transfer_awaited(fake, sid):
    return [("checkout.session.completed", fake.submit_async(sid, "customer_balance"))]


def abandoned(fake, sid):
    return [("checkout.session.expired", fake.expire(sid))]


def refunded(fake, sid):
    events = card_paid(fake, sid)
    return [*events, ("charge.refunded", fake.refund(fake.charge_of(sid)["id"]))]


def refunded_in_two_parts(fake, sid):
    events = card_paid(fake, sid)
    charge_id = fake.charge_of(sid)["id"]
    return [
        *events,
        ("charge.refunded", fake.refund(charge_id, amount=1500)),
        ("charge.refunded", fake.refund(charge_id, amount=3000)),
    ]


def partly_refunded(fake, sid):
    events = card_paid(fake, sid)
    return [*events, ("charge.refunded", fake.refund(fake.charge_of(sid)["id"], amount=1000))]


def dispute(won: bool) -> Callable:
    def story(fake, sid):
        events = card_paid(fake, sid)
        opened = fake.open_dispute(fake.charge_of(sid)["id"])
        return [
            *events,
            ("charge.dispute.created", opened),
            ("charge.dispute.closed", fake.close_dispute(opened["id"], won=won)),
        ]

    return story


def dispute_open(fake, sid):
    events = card_paid(fake, sid)
    return [*events, ("charge.dispute.created", fake.open_dispute(fake.charge_of(sid)["id"]))]


STORIES = [
    card_paid,
    sepa_paid,
    sepa_rejected,
    transfer_awaited,
    abandoned,
    refunded,
    refunded_in_two_parts,
    partly_refunded,
    dispute(won=True),
    dispute(won=False),
    dispute_open,
]


def live_world(stripe_fake, stripe_checkout) -> tuple[list[Payment], list[dict]]:
    """STORIES_PER_KIND cotisations per story, each paid through Checkout; the events in the
    order Stripe emitted them, Stripe's side left in its final state."""
    payments, events = [], []
    for story in STORIES * STORIES_PER_KIND:
        payment = stripe_checkout(user=ProfileFactory().user)
        payments.append(payment)
        for type_, obj in story(stripe_fake, payment.stripe_checkout_session_id):
            events.append(stripe_fake.event(type_, obj))
    return payments, events


def final_state(payment: Payment) -> tuple:
    payment.refresh_from_db()
    cotisation = payment.cotisation
    cotisation.refresh_from_db()
    receipts = Counter(payment.receipts.values_list("kind", flat=True))
    credited = payment.receipts.filter(kind=ReceiptKind.CREDIT_NOTE).order_by("number")
    return (
        payment.status,
        payment.amount_refunded,
        payment.dispute_status,
        cotisation.status,
        cotisation.needs_attention,
        receipts[ReceiptKind.RECEIPT],
        receipts[ReceiptKind.CREDIT_NOTE],
        tuple(credited.values_list("amount", flat=True)),
    )


def forgeries(fake, events: list[dict], rng: random.Random) -> list[Callable]:
    """Deliveries nobody but Stripe could have signed properly, each about a real event."""

    def wrong_secret(client, event):
        return fake.deliver(client, event, signature=fake.sign(json.dumps(event), secret="whsec_x"))

    def tampered(client, event):
        # Signed as Stripe sent it, then the object swapped for the one of another event.
        genuine = json.dumps(event)
        other = rng.choice(events)
        body = json.dumps({**event, "data": other["data"], "type": other["type"]})
        return client.post(
            "/membership/stripe/webhook/",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": fake.sign(genuine)},
        )

    def stale(client, event):
        return fake.deliver(client, event, timestamp=int(time.time()) - 3600)

    def unsigned(client, event):
        return fake.deliver(client, event, signature="")

    kinds = [wrong_secret, tampered, stale, unsigned]
    return [partial(rng.choice(kinds), event=rng.choice(events)) for _ in range(FORGED)]


def test_duplicated_shuffled_and_forged_deliveries_end_as_the_ordered_run(
    client, stripe_fake, stripe_checkout
):
    rng = random.Random(20261123)
    ordered_payments, ordered_events = live_world(stripe_fake, stripe_checkout)
    replay_payments, replay_events = live_world(stripe_fake, stripe_checkout)

    for event in ordered_events:
        assert stripe_fake.deliver(client, event).status_code == 200, event["type"]
    expected = [final_state(p) for p in ordered_payments]

    # Every event at least once, the rest duplicates, then forgeries, all shuffled together.
    genuine = replay_events + [
        rng.choice(replay_events) for _ in range(DELIVERIES - FORGED - len(replay_events))
    ]
    assert len(genuine) > 2 * len(replay_events)
    deliveries = [("genuine", event) for event in genuine] + [
        ("forged", forge) for forge in forgeries(stripe_fake, replay_events, rng)
    ]
    rng.shuffle(deliveries)
    assert len(deliveries) == DELIVERIES

    for kind, item in deliveries:
        if kind == "genuine":
            assert stripe_fake.deliver(client, item).status_code == 200, item["type"]
            continue
        stored, asked = StripeEvent.objects.count(), len(stripe_fake.requests)
        response = item(client)
        assert response.status_code == 400
        assert StripeEvent.objects.count() == stored
        assert len(stripe_fake.requests) == asked  # a forgery does not even make us ask Stripe

    assert [final_state(p) for p in replay_payments] == expected
    replayed = StripeEvent.objects.filter(event_id__in=[e["id"] for e in replay_events])
    assert replayed.count() == len(replay_events)
    assert not replayed.filter(processed_at__isnull=True).exists()
    assert set(replayed.values_list("attempts", flat=True)) == {1}


def test_the_ordered_run_reaches_the_states_each_story_promises(
    client, stripe_fake, stripe_checkout
):
    """The reference run itself is right, so the comparison above compares with the truth."""
    payments, events = live_world(stripe_fake, stripe_checkout)
    for event in events:
        stripe_fake.deliver(client, event)

    by_story = {
        story: final_state(payment)
        for story, payment in zip(STORIES * STORIES_PER_KIND, payments, strict=True)
    }
    card, sepa, rejected, transfer, expired, full, two_parts, partial, won, lost, opened = (
        by_story[story] for story in STORIES
    )
    assert card == ("succeeded", Decimal("0"), "", "paid", False, 1, 0, ())
    assert sepa == card
    assert rejected == ("failed", Decimal("0"), "", "failed", False, 0, 0, ())
    assert transfer == ("awaiting_funds", Decimal("0"), "", "awaiting_funds", False, 0, 0, ())
    assert expired == ("expired", Decimal("0"), "", "pending", False, 0, 0, ())
    assert full[:2] == ("refunded", Decimal("45.00")) and full[3] == "refunded"
    assert full[5:] == (1, 1, (Decimal("45.00"),))
    assert two_parts[:2] == ("refunded", Decimal("45.00")) and two_parts[5] == 1
    # Both events are delivered after both refunds: still one credit note per refund.
    assert two_parts[6:] == (2, (Decimal("15.00"), Decimal("30.00")))
    assert partial[:2] == ("partially_refunded", Decimal("10.00")) and partial[3] == "paid"
    assert partial[4] is True
    assert won[2:4] == ("won", "paid") and won[0] == "succeeded"
    assert lost[2:4] == ("lost", "refunded") and lost[6] == 1
    assert opened[2:4] == ("open", "disputed")
