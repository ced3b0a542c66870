"""Staff money actions in Wagtail's audit log: who did what to which cotisation, and when.

Each action is registered in ``wagtail_hooks`` (``register_log_actions``), so the admin's history
of the object and the site history (*Rapports → Journal*) name it in French: payments recorded,
refunds, provisional cover, cancellations, bank credits matched (by the import or by hand),
invoices and credit notes issued.
"""

from typing import Any

from django.db import models
from wagtail import log_actions

PAYMENT_RECORDED = "membership.payment_recorded"
REFUNDED = "membership.refunded"
PROVISIONAL_GRANTED = "membership.provisional_granted"
CANCELLED = "membership.cancelled"
MATCHED = "membership.payment.matched"
MATCHED_BY_HAND = "membership.payment.matched_by_hand"
INVOICED = "membership.invoice.issued"
CREDITED = "membership.invoice.credited"
PROVISIONAL_FROM_INVOICE = "membership.cotisation.provisional_from_invoice"

ACTIONS: dict[str, tuple[str, str]] = {
    PAYMENT_RECORDED: ("Paiement enregistré", "Paiement enregistré"),
    REFUNDED: ("Remboursement", "Remboursement enregistré"),
    PROVISIONAL_GRANTED: ("Couverture provisoire", "Couverture provisoire accordée"),
    CANCELLED: ("Cotisation annulée", "Cotisation annulée"),
    MATCHED: (
        "Virement rapproché",
        "Virement d’un relevé bancaire enregistré pour cette cotisation",
    ),
    MATCHED_BY_HAND: (
        "Virement rapproché à la main",
        "Virement d’un relevé bancaire rapproché à la main de cette cotisation",
    ),
    INVOICED: ("Facture émise", "Facture émise"),
    CREDITED: ("Avoir émis", "Avoir émis"),
    PROVISIONAL_FROM_INVOICE: (
        "Couverture provisoire sur facture",
        "Couverture provisoire accordée à l’émission de la facture",
    ),
}


def log_money_action(
    instance: models.Model, action: str, user=None, data: dict[str, Any] | None = None
) -> None:
    """Add ``action`` (one of ``ACTIONS``) on ``instance`` to the audit log, by ``user`` (None for
    the portal itself: a Stripe event, an import run by the scheduler), with ``data`` kept as
    JSON (amounts as text). Written in the caller's transaction: rolled back with it."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown money action: {action}")
    log_actions.log(
        instance=instance,
        action=action,
        user=user,
        data={key: _json(value) for key, value in (data or {}).items()},
    )


def _json(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
