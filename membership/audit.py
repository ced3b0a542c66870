"""Staff money actions in Wagtail's audit log: who did what to which cotisation, and when.

Each action is registered in ``wagtail_hooks`` (``register_log_actions``), so the admin's history
of the object and the site history (*Rapports → Journal*) name it in French. The bank import and
invoices reuse these actions: ``MATCHED`` for a bank credit matched to a cotisation, ``INVOICED``
for an invoice issued.
"""

from typing import Any

from django.db import models
from wagtail import log_actions

PAYMENT_RECORDED = "membership.payment_recorded"
REFUNDED = "membership.refunded"
PROVISIONAL_GRANTED = "membership.provisional_granted"
CANCELLED = "membership.cancelled"
MATCHED = "membership.matched"
INVOICED = "membership.invoiced"

ACTIONS: dict[str, tuple[str, str]] = {
    PAYMENT_RECORDED: ("Paiement enregistré", "Paiement enregistré"),
    REFUNDED: ("Remboursement", "Remboursement enregistré"),
    PROVISIONAL_GRANTED: ("Couverture provisoire", "Couverture provisoire accordée"),
    CANCELLED: ("Cotisation annulée", "Cotisation annulée"),
    MATCHED: ("Virement rapproché", "Virement du relevé bancaire rapproché"),
    INVOICED: ("Facture émise", "Facture émise"),
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
