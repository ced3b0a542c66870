"""The portal's only door to Stripe: every call to its API and webhook signatures go through here.

The rest of the app sees plain dataclasses and two French-speaking exceptions, never a
``StripeObject``: Stripe's library stays an implementation detail of this module.

Settings (``PORTAIL_STRIPE_SECRET_KEY``, ``PORTAIL_STRIPE_WEBHOOK_SECRET``,
``PORTAIL_STRIPE_API_BASE``) are read through ``membership.app_settings``.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import stripe

from .app_settings import app_settings

logger = logging.getLogger(__name__)

CURRENCY = "eur"
# Card, SEPA direct debit and bank transfer (Stripe's customer balance, French IBAN).
PAYMENT_METHOD_TYPES = ["card", "sepa_debit", "customer_balance"]
CENT = Decimal("0.01")


class PaymentProviderError(Exception):
    """Stripe refused a request or could not be reached; the message is safe to show."""


class UnknownToStripe(PaymentProviderError):
    """Stripe knows no object with this id (on this account)."""


class InvalidWebhook(Exception):
    """A webhook request whose signature or body cannot be trusted."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    amount_total: int | None
    payment_intent_id: str | None = None
    payment_intent_status: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Charge:
    id: str
    amount: int
    amount_refunded: int
    refunded: bool
    payment_intent_id: str | None
    payment_intent_metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: str  # pending, requires_action, succeeded, failed, canceled

    @property
    def is_void(self) -> bool:
        """A failed or canceled refund gave nothing back."""
        return self.status in {"failed", "canceled"}


@dataclass(frozen=True)
class Dispute:
    id: str
    status: str
    charge_id: str | None
    payment_intent_id: str | None
    payment_intent_metadata: dict[str, str] = field(default_factory=dict)

    @property
    def is_closed(self) -> bool:
        return self.status in {"won", "lost", "warning_closed", "prevented"}

    @property
    def won(self) -> bool:
        """A closed inquiry (``warning_closed``) or a prevented dispute cost the association nothing."""
        return self.status in {"won", "warning_closed", "prevented"}


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object_id: str
    payload: dict[str, Any]


def online_payment_enabled() -> bool:
    """Online payment needs both keys: without the webhook, SEPA and transfers would never settle."""
    return bool(app_settings.STRIPE_SECRET_KEY and app_settings.STRIPE_WEBHOOK_SECRET)


def to_cents(amount: Decimal) -> int:
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


@functools.lru_cache(maxsize=8)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        http_client=stripe.RequestsClient(timeout=30),
        # Retries resend the same Idempotency-Key, so nothing is created twice.
        max_network_retries=2,
    )


def _client() -> stripe.StripeClient:
    if not online_payment_enabled():
        raise PaymentProviderError("Le paiement en ligne n’est pas configuré sur ce portail.")
    return _client_for(app_settings.STRIPE_SECRET_KEY, app_settings.STRIPE_API_BASE)


def _call(description: str, request, *args: Any, **kwargs: Any) -> Any:
    try:
        return request(*args, **kwargs)
    except stripe.StripeError as exc:
        logger.warning("Stripe: %s a échoué : %s", description, exc)
        if isinstance(exc, stripe.InvalidRequestError) and exc.code == "resource_missing":
            raise UnknownToStripe("Ce paiement est inconnu du service de paiement.") from exc
        raise PaymentProviderError(
            "Le service de paiement est momentanément indisponible. Veuillez réessayer dans "
            "quelques minutes."
        ) from exc


def _id_of(value: Any) -> str | None:
    """An expandable field is an id, an expanded object, or nothing."""
    if value is None or isinstance(value, str):
        return value
    return value.id


def _metadata(obj: Any) -> dict[str, str]:
    metadata = getattr(obj, "metadata", None) if obj is not None else None
    return dict(metadata.to_dict()) if metadata else {}


def create_customer(
    *, email: str, name: str, metadata: dict[str, str], idempotency_key: str
) -> str:
    """Create a Stripe Customer (needed for bank transfers) and return its id."""
    customer = _call(
        "la création du client",
        _client().v1.customers.create,
        params={"email": email, "name": name, "metadata": metadata, "preferred_locales": ["fr"]},
        options={"idempotency_key": idempotency_key},
    )
    return customer.id


def create_checkout_session(
    *,
    customer_id: str,
    amount: Decimal,
    label: str,
    client_reference_id: str,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> CheckoutSession:
    """Create a hosted Checkout Session (mode payment, EUR) for one amount."""
    session = _call(
        "la création de la session de paiement",
        _client().v1.checkout.sessions.create,
        params={
            "mode": "payment",
            "customer": customer_id,
            "client_reference_id": client_reference_id,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": CURRENCY,
                        "unit_amount": to_cents(amount),
                        "product_data": {"name": label},
                    },
                }
            ],
            "payment_method_types": PAYMENT_METHOD_TYPES,
            "payment_method_options": {
                "customer_balance": {
                    "funding_type": "bank_transfer",
                    "bank_transfer": {
                        "type": "eu_bank_transfer",
                        "eu_bank_transfer": {"country": "FR"},
                    },
                }
            },
            "payment_intent_data": {"description": label, "metadata": metadata},
            "metadata": metadata,
            "locale": "fr",
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
        options={"idempotency_key": idempotency_key},
    )
    return _checkout_session(session)


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    """Read a Checkout Session as Stripe sees it now, with its PaymentIntent's status."""
    session = _call(
        "la lecture de la session de paiement",
        _client().v1.checkout.sessions.retrieve,
        session_id,
        params={"expand": ["payment_intent"]},
    )
    return _checkout_session(session)


def expire_checkout_session(session_id: str) -> CheckoutSession:
    """Close an open payment page so nobody can pay it any more; Stripe refuses once it is paid."""
    session = _call(
        "la fermeture de la session de paiement",
        _client().v1.checkout.sessions.expire,
        session_id,
        options={"idempotency_key": f"portail-expire-{session_id}"},
    )
    return _checkout_session(session)


def _checkout_session(session: Any) -> CheckoutSession:
    intent = session.payment_intent
    return CheckoutSession(
        id=session.id,
        url=session.url,
        status=session.status,
        payment_status=session.payment_status,
        amount_total=session.amount_total,
        payment_intent_id=_id_of(intent),
        payment_intent_status=None if intent is None or isinstance(intent, str) else intent.status,
        metadata=_metadata(session),
    )


def retrieve_charge(charge_id: str) -> Charge:
    """Read a charge as Stripe sees it now: how much of it has been refunded."""
    charge = _call(
        "la lecture du paiement",
        _client().v1.charges.retrieve,
        charge_id,
        params={"expand": ["payment_intent"]},
    )
    intent = charge.payment_intent
    return Charge(
        id=charge.id,
        amount=charge.amount,
        amount_refunded=charge.amount_refunded,
        refunded=charge.refunded,
        payment_intent_id=_id_of(intent),
        payment_intent_metadata=_metadata(None if isinstance(intent, str) else intent),
    )


def list_refunds(charge_id: str) -> list[Refund]:
    """Every refund of a charge as Stripe sees it now, oldest first (Stripe lists newest first)."""

    def every_page() -> list[Any]:
        params = {"charge": charge_id, "limit": 100}
        return list(_client().v1.refunds.list(params=params).auto_paging_iter())

    refunds = _call("la lecture des remboursements", every_page)
    return [
        Refund(id=refund.id, amount=refund.amount, status=refund.status)
        for refund in reversed(refunds)
    ]


def retrieve_dispute(dispute_id: str) -> Dispute:
    """Read a dispute as Stripe sees it now: open, won or lost."""
    dispute = _call(
        "la lecture du litige",
        _client().v1.disputes.retrieve,
        dispute_id,
        params={"expand": ["payment_intent"]},
    )
    intent = dispute.payment_intent
    return Dispute(
        id=dispute.id,
        status=dispute.status,
        charge_id=_id_of(dispute.charge),
        payment_intent_id=_id_of(intent),
        payment_intent_metadata=_metadata(None if isinstance(intent, str) else intent),
    )


def construct_webhook_event(payload: bytes, signature: str | None) -> WebhookEvent:
    """Check a webhook's signature (and that it is less than 5 minutes old) and read its event."""
    secret = app_settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidWebhook("Le paiement en ligne n’est pas configuré : aucun secret de webhook.")
    if not signature:
        raise InvalidWebhook("En-tête Stripe-Signature manquant.")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
        body = json.loads(payload)
    except stripe.SignatureVerificationError as exc:
        if "tolerance" in str(exc):
            raise InvalidWebhook("Signature Stripe périmée (plus de 5 minutes).") from exc
        raise InvalidWebhook("Signature Stripe invalide : la requête est refusée.") from exc
    except ValueError as exc:  # not UTF-8 or not JSON
        raise InvalidWebhook("Le corps de la requête n’est pas un événement JSON valide.") from exc
    return webhook_event_from_payload(body)


def webhook_event_from_payload(body: Any) -> WebhookEvent:
    """The event in a webhook body already checked (just now, or when it was first received)."""
    try:
        return WebhookEvent(
            id=str(body["id"]),
            type=str(body["type"]),
            object_id=str(body["data"]["object"]["id"]),
            payload=body,
        )
    except (KeyError, TypeError) as exc:
        raise InvalidWebhook("Le corps de la requête n’est pas un événement Stripe.") from exc
