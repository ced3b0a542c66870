"""Stripe's webhook: verify, store each event once by its id, process it, tell Stripe how it went.

Stripe delivers at least once, in no particular order, and retries for three days any event
not answered 2xx. So: a wrong signature gets a 400 (nothing is stored); an event already
processed gets a 200 and nothing else; an event about nothing of the portal's (another
application's object, one Stripe does not know) gets a 200 and is recorded as ignored, with why;
a failure (Stripe unreachable or in error) is answered 500 and the event stays stored,
unprocessed, with its error, and Stripe's next delivery processes it. Handlers re-read the
objects from Stripe (see ``membership.checkout``), so the order of events does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import checkout, payments
from .models import StripeEvent, StripeEventOutcome

logger = logging.getLogger(__name__)


class WebhookHandler:
    """Maps each Stripe event type the portal cares about to the method that handles it."""

    def __init__(self, event: payments.WebhookEvent):
        self.event = event

    def handle(self) -> str:
        """Process the event; return why it was ignored, or "" when it was processed."""
        handlers: dict[str, Callable[[], None]] = {
            "checkout.session.completed": self.checkout_session_changed,
            "checkout.session.async_payment_succeeded": self.checkout_session_changed,
            "checkout.session.async_payment_failed": self.checkout_session_changed,
            "checkout.session.expired": self.checkout_session_changed,
            "charge.refunded": self.charge_refunded,
            "charge.dispute.created": self.dispute_changed,
            "charge.dispute.updated": self.dispute_changed,
            "charge.dispute.closed": self.dispute_changed,
        }
        handler = handlers.get(self.event.type)
        if handler is None:
            return self.ignored(f"le portail ne traite pas les événements {self.event.type}.")
        try:
            handler()
        except checkout.UnknownPayment as exc:
            # Another application on the same Stripe account: not ours to process.
            return self.ignored(str(exc))
        except payments.UnknownToStripe:
            # E.g. a test-mode event sent to the live endpoint: retrying would change nothing.
            return self.ignored(f"l’objet {self.event.object_id} est inconnu de Stripe.")
        return ""

    def checkout_session_changed(self) -> None:
        checkout.checkout_fulfil(session_id=self.event.object_id)

    def charge_refunded(self) -> None:
        checkout.refund_sync(charge_id=self.event.object_id)

    def dispute_changed(self) -> None:
        checkout.dispute_sync(dispute_id=self.event.object_id)

    def ignored(self, reason: str) -> str:
        logger.info("Événement Stripe %s ignoré : %s", self.event.id, reason)
        return reason


# What is kept of an event's object: enough for staff to follow a payment, no personal data
# (Stripe's objects carry the payer's name, email, address and bank details).
KEPT_FIELDS = {
    "id",
    "object",
    "status",
    "payment_status",
    "amount",
    "amount_total",
    "amount_refunded",
    "currency",
    "refunded",
    "disputed",
    "reason",
    "payment_intent",
    "charge",
    "client_reference_id",
    "metadata",
    "livemode",
    "created",
}


def stored_payload(event: payments.WebhookEvent) -> dict:
    """The event as stored: its envelope, and its object without personal data."""
    payload = {key: value for key, value in event.payload.items() if key != "data"}
    obj = event.payload["data"]["object"]
    payload["data"] = {"object": {key: obj[key] for key in KEPT_FIELDS if key in obj}}
    return payload


class AlreadyProcessed(Exception):
    """This event was processed before: a duplicate delivery."""


def process_event(event: payments.WebhookEvent) -> StripeEvent | None:
    """Store ``event`` once by its id and process it unless that was done; the stored event
    when it is done (its ``outcome`` says whether it was processed or ignored), None on failure.

    On failure the event stays stored, unprocessed, with its error; processing it again later
    (Stripe's retry, or ``manage.py stripe_events --retry``) picks it up.
    """
    with transaction.atomic():
        StripeEvent.objects.get_or_create(
            event_id=event.id, defaults={"type": event.type, "payload": stored_payload(event)}
        )
        # Locked: a second delivery of the same event waits, then finds it processed.
        stored = StripeEvent.objects.select_for_update().get(event_id=event.id)
        if stored.processed_at is not None:
            raise AlreadyProcessed(event.id)
        stored.attempts += 1
        try:
            with transaction.atomic():
                ignored_reason = WebhookHandler(event).handle()
        except Exception as exc:
            logger.exception("Échec du traitement de l’événement Stripe %s", event.id)
            stored.last_error = f"{type(exc).__name__}: {exc}"
            stored.save(update_fields=["attempts", "last_error"])
            return None
        stored.processed_at = timezone.now()
        stored.last_error = ""
        stored.outcome = (
            StripeEventOutcome.IGNORED if ignored_reason else StripeEventOutcome.PROCESSED
        )
        stored.ignored_reason = ignored_reason
        stored.save(
            update_fields=["attempts", "last_error", "processed_at", "outcome", "ignored_reason"]
        )
        return stored


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = payments.construct_webhook_event(
            request.body, request.headers.get("Stripe-Signature")
        )
    except payments.InvalidWebhook as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    try:
        stored = process_event(event)
    except AlreadyProcessed:
        return _text("Événement déjà traité.")
    if stored is None:
        return _text("Échec du traitement ; Stripe renverra l’événement.", status=500)
    if stored.outcome == StripeEventOutcome.IGNORED:
        return _text(f"Événement ignoré : {stored.ignored_reason}")
    return _text("Événement traité.")


def _text(message: str, status: int = 200) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
