"""Paying a cotisation online with Stripe Checkout, and keeping payments in step with Stripe.

Every function re-reads the Stripe object concerned (session, charge, dispute) instead of
trusting what an event said, and only moves a payment forward: run in any order, any number of
times, they reach the same final state. State changes themselves go through
``membership.services``.
"""

from __future__ import annotations

import contextlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import payments, services
from .models import (
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    OrganisationMembership,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from .years import year_label

logger = logging.getLogger(__name__)

# Cotisations that may still be paid online: unpaid, or covered provisionally until the money comes.
PAYABLE = {CotisationStatus.PENDING, CotisationStatus.PROVISIONAL}
# Where a Stripe payment may go from each state; anything else would move it backwards.
FORWARD = {
    PaymentStatus.PENDING: {
        PaymentStatus.AWAITING_FUNDS,
        PaymentStatus.SUCCEEDED,
        PaymentStatus.FAILED,
        PaymentStatus.EXPIRED,
    },
    PaymentStatus.AWAITING_FUNDS: {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED},
}


class UnknownPayment(Exception):
    """A Stripe object that belongs to none of the portal's payments."""


def can_pay(user, cotisation: Cotisation) -> bool:
    """The holder pays their own cotisation; anyone confirmed in an organisation may pay for it."""
    if cotisation.user_id is not None:
        return cotisation.user_id == user.pk
    return OrganisationMembership.objects.filter(
        user=user, organisation_id=cotisation.organisation_id, status=AttachmentStatus.CONFIRMED
    ).exists()


def checkout_start(*, cotisation: Cotisation, user, success_url: str, cancel_url: str) -> str:
    """Open Stripe's payment page for a cotisation and return its address.

    Creates a pending Stripe payment, a Stripe Customer and a Checkout Session (card, SEPA
    debit, bank transfer), with idempotency keys taken from the payment: a retry or a double
    click creates nothing twice, and an open session of the same payment is reused.
    ``success_url`` should carry ``{CHECKOUT_SESSION_ID}`` so the success page can fulfil.
    Raises ValidationError (French) when this cotisation cannot be paid online by ``user``, and
    payments.PaymentProviderError when Stripe cannot be reached.
    """
    if not payments.online_payment_enabled():
        raise ValidationError(
            "Le paiement en ligne n’est pas disponible : vous pouvez régler par chèque, virement "
            "ou mandat administratif avec le bulletin d’adhésion."
        )
    if not can_pay(user, cotisation):
        raise ValidationError("Vous ne pouvez pas régler cette cotisation.")
    _retire_outdated_payments(Cotisation.objects.get(pk=cotisation.pk))
    with transaction.atomic():
        cotisation = (
            Cotisation.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=cotisation.pk)
        )
        _check_payable(cotisation)
        payment = (
            cotisation.payments.filter(
                method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING, amount=cotisation.amount
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if payment is None:
            payment = Payment.objects.create(
                cotisation=cotisation, method=PaymentMethod.STRIPE, amount=cotisation.amount
            )

    # Stripe is called outside the transaction: no row stays locked while the network answers.
    if payment.stripe_checkout_session_id:
        session = payments.retrieve_checkout_session(payment.stripe_checkout_session_id)
        if session.status == "open" and session.url:
            return session.url
        # Completed or expired meanwhile: record it, then start again with a new payment.
        if checkout_fulfil(session_id=session.id).status == PaymentStatus.PENDING:
            raise ValidationError("Ce paiement est en cours de traitement, veuillez patienter.")
        return checkout_start(
            cotisation=cotisation, user=user, success_url=success_url, cancel_url=cancel_url
        )

    metadata = {"cotisation_id": str(cotisation.pk), "payment_id": str(payment.pk)}
    customer_id = payments.create_customer(
        email=_billing_email(cotisation, user),
        name=cotisation.holder_name,
        metadata=metadata,
        idempotency_key=f"portail-customer-{payment.pk}",
    )
    session = payments.create_checkout_session(
        customer_id=customer_id,
        amount=payment.amount,
        label=f"Cotisation {year_label(cotisation.year)} – {cotisation.holder_name}",
        client_reference_id=f"payment-{payment.pk}",
        metadata=metadata,
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=f"portail-checkout-{payment.pk}",
    )
    Payment.objects.filter(pk=payment.pk).update(
        stripe_checkout_session_id=session.id, checkout_url=session.url or ""
    )
    return session.url or ""


def _retire_outdated_payments(cotisation: Cotisation) -> None:
    """Close the payment pages opened before staff changed the amount, so the old one is not paid."""
    outdated = cotisation.payments.filter(
        method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING
    ).exclude(amount=cotisation.amount)
    for payment in outdated:
        if not payment.stripe_checkout_session_id:
            services.payment_expired(payment=payment)
            continue
        # Refused when already paid or expired: the re-read below tells which.
        with contextlib.suppress(payments.PaymentProviderError):
            payments.expire_checkout_session(payment.stripe_checkout_session_id)
        if checkout_fulfil(session_id=payment.stripe_checkout_session_id).status == (
            PaymentStatus.PENDING
        ):
            raise payments.PaymentProviderError(
                "Le service de paiement est momentanément indisponible. Veuillez réessayer dans "
                "quelques minutes."
            )


def _check_payable(cotisation: Cotisation) -> None:
    if cotisation.status == CotisationStatus.PAID:
        raise ValidationError("Cette cotisation est déjà réglée.")
    awaited = cotisation.payments.filter(status=PaymentStatus.AWAITING_FUNDS).exists()
    if cotisation.status == CotisationStatus.AWAITING_FUNDS or awaited:
        raise ValidationError(
            "Un paiement de cette cotisation est en cours de réception (prélèvement ou virement)."
        )
    if cotisation.status not in PAYABLE:
        raise ValidationError(
            f"Une cotisation « {cotisation.get_status_display()} » ne peut pas être réglée en ligne."
        )
    if cotisation.amount <= 0:
        raise ValidationError("Cette cotisation n’a pas de montant à régler.")


def _billing_email(cotisation: Cotisation, user) -> str:
    if cotisation.organisation_id and cotisation.organisation.billing_email:
        return cotisation.organisation.billing_email
    return user.email


def checkout_fulfil(*, session_id: str) -> Payment:
    """Bring a Stripe payment in line with its Checkout Session as Stripe sees it now.

    Paid: the payment succeeds (the services issue the receipt); completed but unpaid: funds are
    awaited (SEPA, transfer), or the payment failed when Stripe says the debit was rejected;
    expired: the payment expires. Called by the webhook and the success page, in any order,
    any number of times. Raises UnknownPayment for a session the portal did not create.
    """
    session = payments.retrieve_checkout_session(session_id)
    target = _session_outcome(session)
    with transaction.atomic():
        payment = _locked_payment_for_session(session)
        changed = []
        if payment.stripe_checkout_session_id != session.id:
            payment.stripe_checkout_session_id = session.id
            changed.append("stripe_checkout_session_id")
        if (
            session.payment_intent_id
            and payment.stripe_payment_intent_id != session.payment_intent_id
        ):
            payment.stripe_payment_intent_id = session.payment_intent_id
            changed.append("stripe_payment_intent_id")
        if changed:
            payment.save(update_fields=changed)
        if target is not None and target in FORWARD.get(payment.status, set()):
            _move(payment, target)
        elif target is not None and target != payment.status:
            logger.info(
                "Paiement %s : Stripe dit %s, le portail garde %s.",
                payment.pk,
                target,
                payment.status,
            )
    payment.refresh_from_db()
    return payment


def _session_outcome(session: payments.CheckoutSession) -> PaymentStatus | None:
    if session.status == "expired":
        return PaymentStatus.EXPIRED
    if session.status != "complete":
        return None
    if session.payment_status in {"paid", "no_payment_required"}:
        return PaymentStatus.SUCCEEDED
    # Completed but unpaid: a SEPA debit or transfer is on its way, unless it was rejected.
    if session.payment_intent_status in {"requires_payment_method", "canceled"}:
        return PaymentStatus.FAILED
    return PaymentStatus.AWAITING_FUNDS


def _move(payment: Payment, target: PaymentStatus) -> None:
    if target == PaymentStatus.SUCCEEDED:
        services.payment_succeeded(payment=payment, paid_at=timezone.now())
    elif target == PaymentStatus.AWAITING_FUNDS:
        services.payment_awaiting_funds(payment=payment)
    elif target == PaymentStatus.FAILED:
        services.payment_failed(payment=payment)
    elif target == PaymentStatus.EXPIRED:
        services.payment_expired(payment=payment)


def _locked_payment_for_session(session: payments.CheckoutSession) -> Payment:
    stripe_payments = Payment.objects.select_for_update().filter(method=PaymentMethod.STRIPE)
    payment = stripe_payments.filter(stripe_checkout_session_id=session.id).first()
    if payment is not None:
        return payment
    # The session id may not have been saved yet (the process stopped right after Stripe answered).
    payment = _by_metadata(
        stripe_payments.filter(stripe_checkout_session_id__isnull=True), session.metadata
    )
    if payment is None:
        raise UnknownPayment(f"Aucun paiement du portail pour la session Stripe {session.id}.")
    return payment


def _by_metadata(candidates, metadata: dict[str, str]) -> Payment | None:
    """The payment named by the metadata the portal put on a Stripe object; both ids must match,
    so another application's ``payment_id`` on the same Stripe account is not taken for ours."""
    payment_id = metadata.get("payment_id", "")
    cotisation_id = metadata.get("cotisation_id", "")
    if not (payment_id.isdecimal() and cotisation_id.isdecimal()):
        return None
    return candidates.filter(pk=payment_id, cotisation_id=cotisation_id).first()


def _payment_for_intent(intent_id: str | None, intent_metadata: dict[str, str]) -> Payment:
    stripe_payments = Payment.objects.filter(method=PaymentMethod.STRIPE)
    payment = (
        stripe_payments.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    )
    if payment is None:
        payment = _by_metadata(stripe_payments, intent_metadata)
    if payment is None:
        raise UnknownPayment(f"Aucun paiement du portail pour le PaymentIntent {intent_id}.")
    if payment.status in FORWARD and payment.stripe_checkout_session_id:
        # A refund or dispute overtook the checkout events: record the payment first.
        payment = checkout_fulfil(session_id=payment.stripe_checkout_session_id)
    return payment


def refund_sync(*, charge_id: str) -> Payment:
    """Record the refunds Stripe lists now on a charge (failed or canceled ones gave nothing back).

    A full refund revokes the cotisation, a partial one flags it for staff, with one credit note
    per Stripe refund (see ``services.payment_refunded``): two partial refunds give two credit
    notes, whether their events are processed one by one or after both. Raises UnknownPayment
    for a charge the portal did not create.
    """
    charge = payments.retrieve_charge(charge_id)
    payment = _payment_for_intent(charge.payment_intent_id, charge.payment_intent_metadata)
    refunds = [
        (refund.id, payments.from_cents(refund.amount))
        for refund in payments.list_refunds(charge.id)
        if not refund.is_void
    ]
    refunded = sum((amount for _, amount in refunds), start=payments.from_cents(0))
    if refunded > payment.amount_refunded:
        services.payment_refunded(payment=payment, amount_refunded=refunded, refunds=refunds)
    payment.refresh_from_db()
    return payment


def dispute_sync(*, dispute_id: str) -> Payment:
    """Record a dispute (chargeback) as Stripe sees it now: open, won or lost.

    An open dispute suspends the coverage; won restores it, lost revokes it (see
    ``services.payment_disputed`` and ``services.dispute_closed``, which ignore what is already
    recorded). Raises UnknownPayment for a dispute on a charge the portal did not create.
    """
    dispute = payments.retrieve_dispute(dispute_id)
    payment = _payment_for_intent(dispute.payment_intent_id, dispute.payment_intent_metadata)
    if dispute.is_closed:
        services.dispute_closed(payment=payment, won=dispute.won)
    else:
        services.payment_disputed(payment=payment)
    payment.refresh_from_db()
    return payment
