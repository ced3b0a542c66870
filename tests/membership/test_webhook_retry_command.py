"""After an outage longer than Stripe's retries, staff process the stored events again."""

import pytest
from django.core.management import CommandError, call_command

from membership.models import PaymentStatus, StripeEvent

pytestmark = pytest.mark.django_db


def test_staff_list_then_process_the_events_that_failed(
    client, stripe_fake, stripe_checkout, capsys
):
    payment = stripe_checkout()
    event = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(payment.stripe_checkout_session_id)
    )
    stripe_fake.unavailable = True
    assert stripe_fake.deliver(client, event).status_code == 500

    call_command("stripe_events")
    listed = capsys.readouterr().out
    assert event["id"] in listed
    assert "PaymentProviderError" in listed

    with pytest.raises(CommandError, match="1 événement"):
        call_command("stripe_events", "--retry")
    assert StripeEvent.objects.get().attempts == 2

    stripe_fake.unavailable = False
    call_command("stripe_events", "--retry")

    assert f"{event['id']} checkout.session.completed" in capsys.readouterr().out
    assert StripeEvent.objects.get().processed_at is not None
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    # Stripe's own retry, arriving afterwards, is a harmless duplicate.
    assert stripe_fake.deliver(client, event).content.decode() == "Événement déjà traité."

    call_command("stripe_events")
    assert "Aucun événement Stripe en attente." in capsys.readouterr().out
