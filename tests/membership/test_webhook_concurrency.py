"""Simultaneous deliveries and double clicks on PostgreSQL: row locks keep everything single."""

import threading

import pytest
from django.db import connection
from django.test import Client

from membership.checkout import checkout_fulfil
from membership.models import Cotisation, Payment, PaymentStatus, ReceiptKind, StripeEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_parallel(*calls):
    """Run the calls at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_two_deliveries_of_one_event_at_once_process_it_once(stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    event = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(payment.stripe_checkout_session_id)
    )
    stripe_fake.latency = 0.3

    responses = in_parallel(
        lambda: stripe_fake.deliver(Client(), event), lambda: stripe_fake.deliver(Client(), event)
    )

    assert sorted(r.status_code for r in responses) == [200, 200]
    assert sorted(r.content.decode() for r in responses) == [
        "Événement déjà traité.",
        "Événement traité.",
    ]
    stored = StripeEvent.objects.get()
    assert stored.attempts == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.receipts.filter(kind=ReceiptKind.RECEIPT).count() == 1


def test_the_success_page_and_the_webhook_at_once_issue_one_receipt(stripe_fake, stripe_checkout):
    payment = stripe_checkout()
    session_id = payment.stripe_checkout_session_id
    event = stripe_fake.event("checkout.session.completed", stripe_fake.pay(session_id))
    stripe_fake.latency = 0.3

    in_parallel(
        lambda: checkout_fulfil(session_id=session_id),
        lambda: stripe_fake.deliver(Client(), event),
    )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.receipts.filter(kind=ReceiptKind.RECEIPT).count() == 1


def test_a_double_click_on_pay_opens_one_payment_page(stripe_fake, stripe_checkout):
    stripe_fake.latency = 0.2

    first, second = in_parallel(stripe_checkout, stripe_checkout)

    assert first == second
    assert Cotisation.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(stripe_fake.sessions) == 1
    assert len(stripe_fake.customers) == 1
