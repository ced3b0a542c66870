"""Writes that touch cotisations, payments and receipts.

Every function is keyword-only, runs in one transaction and raises ``ValidationError`` with a
French message when it cannot act; nothing is half-written. States only move forward, through
the two transition tables below; the payment events (``payment_*``) may arrive twice or late:
an event that is already applied, or overtaken by a later state, does nothing.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import audit, emails, signals
from .app_settings import app_settings
from .dues import amount_due, due_for, holder_category, payment_ways
from .formats import euros as euros
from .identity import association_identity as association_identity
from .identity import email_sender as email_sender
from .identity import email_subject as email_subject
from .invoice_documents import facturx_document
from .models import (
    AttachmentStatus,
    Cotisation,
    CotisationQuerySet,
    CotisationStatus,
    DisputeStatus,
    Invoice,
    InvoiceKind,
    MemberCategory,
    MemberOrganisation,
    MemberProfile,
    OrganisationMembership,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Receipt,
    ReceiptKind,
    ReceiptSequence,
    Reminder,
    RenewalRule,
    parse_reminder_days,
    renewal_rules,
)
from .years import membership_year, year_end, year_label, year_start

C = CotisationStatus
P = PaymentStatus

COTISATION_TRANSITIONS: dict[str, set[str]] = {
    C.PENDING: {C.AWAITING_FUNDS, C.PAID, C.FAILED, C.PROVISIONAL, C.CANCELLED},
    C.AWAITING_FUNDS: {C.PAID, C.FAILED, C.PROVISIONAL},
    C.PROVISIONAL: {C.PAID, C.CANCELLED},
    C.PAID: {C.REFUNDED, C.DISPUTED},
    # A dispute is closed: won gives the money back to us, lost takes it back to the payer.
    C.DISPUTED: {C.PAID, C.REFUNDED},
    C.FAILED: set(),
    C.REFUNDED: set(),
    C.CANCELLED: set(),
}

PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.AWAITING_FUNDS, P.SUCCEEDED, P.FAILED, P.EXPIRED},
    P.AWAITING_FUNDS: {P.SUCCEEDED, P.FAILED},
    P.SUCCEEDED: {P.PARTIALLY_REFUNDED, P.REFUNDED, P.DISPUTED},
    P.PARTIALLY_REFUNDED: {P.REFUNDED, P.DISPUTED},
    P.DISPUTED: {P.SUCCEEDED, P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.FAILED: set(),
    P.EXPIRED: set(),
    P.REFUNDED: set(),
}


def cotisation_move(cotisation: Cotisation, to: str) -> bool:
    """Move a cotisation to the state ``to`` if the table allows it; False if it is already there.

    Saves the status only; raises ``ValidationError`` for a move the table forbids.
    """
    if cotisation.status == to:
        return False
    if to not in COTISATION_TRANSITIONS[cotisation.status]:
        raise ValidationError(
            f"Une cotisation « {C(cotisation.status).label} » ne peut pas devenir "
            f"« {C(to).label} ».",
            code="cotisation_transition",
        )
    cotisation.status = to
    cotisation.save(update_fields=["status"])
    return True


def payment_move(payment: Payment, to: str) -> bool:
    """Move a payment to the state ``to`` if the table allows it; False if it is already there."""
    if payment.status == to:
        return False
    if to not in PAYMENT_TRANSITIONS[payment.status]:
        raise ValidationError(
            f"Un paiement « {P(payment.status).label} » ne peut pas devenir « {P(to).label} ».",
            code="payment_transition",
        )
    payment.status = to
    payment.save(update_fields=["status"])
    return True


def _locked_payment(payment: Payment) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("cotisation")
        .get(pk=payment.pk)
    )


def _locked_cotisation(cotisation_id: int) -> Cotisation:
    return (
        Cotisation.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=cotisation_id)
    )


def _flag(cotisation: Cotisation, note: str) -> None:
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    cotisation.needs_attention = True
    cotisation.staff_note = f"{cotisation.staff_note}\n{stamp} : {note}".strip()
    cotisation.save(update_fields=["needs_attention", "staff_note"])


# --------------------------------------------------------------------------- cotisations


def cotisation_open(
    *, user=None, organisation: MemberOrganisation | None = None, year: int
) -> Cotisation:
    """The holder's live cotisation for ``year``, or a new pending one at the amount due
    (``dues.amount_due``), which a transfer or cheque can then be matched to.

    Creates a ``Cotisation`` row when none is live; sends nothing. Raises ``AmountUnknown``
    (a ``ValidationError``) when the amount cannot be computed yet.
    """
    if (user is None) == (organisation is None):
        raise ValidationError(
            "Une cotisation est payée soit par une personne, soit par une organisation."
        )
    holder = {"user": user} if user is not None else {"organisation": organisation}
    existing = Cotisation.objects.live().filter(year=year, **holder).first()
    if existing:
        return existing
    category = holder_category(user=user, organisation=organisation)
    amount = amount_due(year=year, user=user, organisation=organisation)
    try:
        with transaction.atomic():
            return Cotisation.objects.create(year=year, category=category, amount=amount, **holder)
    except IntegrityError:
        # Opened at the same moment by another request: the constraint kept one.
        return Cotisation.objects.live().get(year=year, **holder)


@transaction.atomic
def provisional_grant(*, cotisation: Cotisation, until: dt.date, granted_by) -> None:
    """Cover the holder until ``until`` before the money arrives (e.g. a purchase order received).

    Moves the cotisation to provisional, or changes the date of a provisional one, and writes it
    to the audit log; sends nothing.
    """
    cotisation = _locked_cotisation(cotisation.pk)
    if until < timezone.localdate():
        raise ValidationError(
            "La date de fin de couverture provisoire est déjà passée.", code="until_past"
        )
    if until > year_end(cotisation.year):
        raise ValidationError(
            f"La couverture provisoire d’une cotisation {year_label(cotisation.year)} ne peut pas "
            f"aller au-delà du {year_end(cotisation.year):%d/%m/%Y}, fin de cette année "
            "d’adhésion.",
            code="until_after_year",
        )
    if cotisation.status not in {C.PENDING, C.AWAITING_FUNDS, C.PROVISIONAL}:
        raise ValidationError(
            f"Une cotisation « {cotisation.get_status_display()} » ne peut pas recevoir de "
            "couverture provisoire.",
            code="cotisation_transition",
        )
    cotisation_move(cotisation, C.PROVISIONAL)
    cotisation.provisional_until = until
    cotisation.provisional_granted_by = granted_by
    cotisation.save(update_fields=["provisional_until", "provisional_granted_by"])
    audit.log_money_action(
        cotisation,
        audit.PROVISIONAL_GRANTED,
        granted_by,
        {"summary": f"jusqu’au {until:%d/%m/%Y}", "until": until.isoformat()},
    )


@transaction.atomic
def cotisation_cancel(*, cotisation: Cotisation, cancelled_by=None) -> None:
    """Cancel a cotisation nobody paid (wrong holder, wrong year); frees the holder's year.
    Written to the audit log. Its invoice, if one was issued, is cancelled by a credit note.
    """
    cotisation = _locked_cotisation(cotisation.pk)
    if cotisation.payments.filter(status__in=[P.AWAITING_FUNDS, P.SUCCEEDED]).exists():
        raise ValidationError(
            "Cette cotisation a un paiement reçu ou en cours : elle ne peut pas être annulée."
        )
    if cotisation_move(cotisation, C.CANCELLED):
        audit.log_money_action(cotisation, audit.CANCELLED, cancelled_by)
        for invoice in cotisation.invoices.uncredited():
            invoice_credit(invoice=invoice, issued_by=cancelled_by)


# --------------------------------------------------------------------------- receipts


def receipt_issue(
    *,
    cotisation: Cotisation,
    payment: Payment,
    amount: Decimal,
    kind: str = ReceiptKind.RECEIPT,
    credits: Receipt | None = None,
    stripe_refund_id: str = "",
) -> Receipt:
    """Number and store a receipt or credit note with a snapshot of the holder's name and address.

    The series is the year of issue; its ``ReceiptSequence`` row is locked until the transaction
    ends, so two concurrent issues never share a number and none is skipped.
    """
    with transaction.atomic():
        series = str(timezone.localdate().year)
        ReceiptSequence.objects.get_or_create(series=series)
        sequence = ReceiptSequence.objects.select_for_update().get(series=series)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        return Receipt.objects.create(
            series=series,
            number=sequence.last_number,
            kind=kind,
            cotisation=cotisation,
            payment=payment,
            credits=credits,
            amount=amount,
            stripe_refund_id=stripe_refund_id,
            holder_name=cotisation.holder_name,
            holder_address=cotisation.holder_address,
        )


# --------------------------------------------------------------------------- invoices


INVOICEABLE = {C.PENDING, C.AWAITING_FUNDS, C.PROVISIONAL, C.PAID}


def _strip_spaces(value: str) -> str:
    return "".join(value.split())


@transaction.atomic
def public_references_record(
    *,
    cotisation: Cotisation,
    purchase_order_number: str = "",
    commitment_number: str = "",
    chorus_service_code: str = "",
    siret: str | None = None,
) -> Cotisation:
    """Record what a public body's invoice must carry: its purchase order, legal commitment
    (on the cotisation), Chorus Pro service code and SIRET (on the organisation). Sends nothing.

    Refused once an invoice is issued: it is never edited, a credit note cancels it first.
    """
    cotisation = _locked_cotisation(cotisation.pk)
    organisation = cotisation.organisation
    if organisation is None:
        raise ValidationError(
            "Les références de commande publique concernent la cotisation d’une organisation.",
            code="not_organisation",
        )
    issued = cotisation.invoices.uncredited().first()
    if issued is not None:
        raise ValidationError(
            f"La facture n° {issued.display_number} est déjà émise avec ces références : "
            "elle ne change plus. Demandez à l’équipe un avoir pour la refaire.",
            code="invoice_issued",
        )
    cotisation.purchase_order_number = purchase_order_number.strip()
    cotisation.commitment_number = commitment_number.strip()
    organisation.chorus_service_code = chorus_service_code.strip()
    if siret is not None:
        organisation.siret = _strip_spaces(siret)
    errors = {}
    for instance, fields in (
        (cotisation, ["purchase_order_number", "commitment_number"]),
        (organisation, ["chorus_service_code", "siret"]),
    ):
        for name in fields:
            field = instance._meta.get_field(name)
            try:
                field.clean(getattr(instance, name), instance)
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    cotisation.save(update_fields=["purchase_order_number", "commitment_number"])
    organisation.save(update_fields=["chorus_service_code", "siret"])
    return cotisation


def _invoice_number(issued_on: dt.date) -> tuple[str, int]:
    """The next number of the year's invoice series; its row stays locked until the
    transaction ends, so a failed issue gives its number back and none is skipped."""
    series = f"F{issued_on.year}"
    ReceiptSequence.objects.get_or_create(series=series)
    sequence = ReceiptSequence.objects.select_for_update().get(series=series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return series, sequence.last_number


def _invoice_store(invoice: Invoice, identity) -> Invoice:
    invoice.document = facturx_document(invoice, identity=identity)
    invoice.save(update_fields=["document"])
    return invoice


@transaction.atomic
def invoice_issue(
    *,
    cotisation: Cotisation,
    issued_by,
    cover_until: dt.date | None = None,
    identity=None,
) -> Invoice:
    """Issue the numbered Factur-X invoice of a cotisation, with the buyer's references as they
    are now, and cover the holder provisionally until ``cover_until`` (by default
    ``PORTAIL_MEMBERSHIP_INVOICE_COVER_DAYS`` from today, within the cotisation's year) unless the
    cotisation is paid. Writes the audit log; sends nothing.
    """
    identity = identity or association_identity()
    cotisation = _locked_cotisation(cotisation.pk)
    if cotisation.status not in INVOICEABLE:
        raise ValidationError(
            f"Une cotisation « {cotisation.get_status_display()} » ne peut pas être facturée.",
            code="cotisation_transition",
        )
    issued = cotisation.invoices.uncredited().first()
    if issued is not None:
        raise ValidationError(
            f"Cette cotisation a déjà la facture n° {issued.display_number} : pour la refaire, "
            "émettez d’abord un avoir.",
            code="invoice_issued",
        )
    if cotisation.amount <= 0:
        raise ValidationError("Une cotisation sans montant ne se facture pas.", code="amount")
    if not identity.siret or not identity.address.strip():
        raise ValidationError(
            "Renseignez le SIRET et l’adresse de l’association (Paramètres → Identité de "
            "l’association) : une facture les porte.",
            code="seller_identity",
        )
    organisation = cotisation.organisation
    buyer_siret = organisation.siret if organisation else ""
    service_code = organisation.chorus_service_code if organisation else ""
    if (service_code or cotisation.commitment_number) and not buyer_siret:
        raise ValidationError(
            f"Renseignez le SIRET de {cotisation.holder_name} : Chorus Pro en a besoin pour "
            "lui adresser la facture.",
            code="buyer_siret",
        )
    today = timezone.localdate()
    covers = cotisation.status != C.PAID
    if covers:
        cover_until = cover_until or min(
            today + dt.timedelta(days=app_settings.INVOICE_COVER_DAYS), year_end(cotisation.year)
        )
    series, number = _invoice_number(today)
    invoice = Invoice.objects.create(
        series=series,
        number=number,
        kind=InvoiceKind.INVOICE,
        cotisation=cotisation,
        amount=cotisation.amount,
        issued_on=today,
        due_on=today + dt.timedelta(days=app_settings.INVOICE_PAYMENT_DAYS),
        issued_by=issued_by,
        buyer_name=cotisation.holder_name,
        buyer_address=cotisation.holder_address,
        buyer_siret=buyer_siret,
        chorus_service_code=service_code,
        commitment_number=cotisation.commitment_number,
        purchase_order_number=cotisation.purchase_order_number,
        payment_reference=cotisation.payment_reference,
    )
    _invoice_store(invoice, identity)
    audit.log_money_action(invoice, audit.INVOICED, issued_by)
    if covers and not (
        cotisation.status == C.PROVISIONAL and cotisation.provisional_until >= cover_until
    ):
        provisional_grant(cotisation=cotisation, until=cover_until, granted_by=issued_by)
        audit.log_money_action(
            cotisation,
            audit.PROVISIONAL_FROM_INVOICE,
            issued_by,
            {"invoice": invoice.display_number, "until": cover_until},
        )
    return invoice


@transaction.atomic
def invoice_credit(*, invoice: Invoice, issued_by, identity=None) -> Invoice:
    """Cancel an invoice by a credit note for its whole amount, numbered in the series of the
    year it is issued in. Crediting it again returns the same note. Writes the audit log."""
    identity = identity or association_identity()
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError("Un avoir ne s’annule pas par un autre avoir.", code="credit_note")
    existing = Invoice.objects.filter(credits=invoice).first()
    if existing:
        return existing
    today = timezone.localdate()
    series, number = _invoice_number(today)
    note = Invoice.objects.create(
        series=series,
        number=number,
        kind=InvoiceKind.CREDIT_NOTE,
        cotisation=invoice.cotisation,
        credits=invoice,
        amount=invoice.amount,
        issued_on=today,
        due_on=today,
        issued_by=issued_by,
        buyer_name=invoice.buyer_name,
        buyer_address=invoice.buyer_address,
        buyer_siret=invoice.buyer_siret,
        chorus_service_code=invoice.chorus_service_code,
        commitment_number=invoice.commitment_number,
        purchase_order_number=invoice.purchase_order_number,
        payment_reference=invoice.payment_reference,
    )
    _invoice_store(note, identity)
    audit.log_money_action(note, audit.CREDITED, issued_by)
    return note


# --------------------------------------------------------------------------- payment events


@transaction.atomic
def payment_awaiting_funds(*, payment: Payment) -> None:
    """The payer chose a delayed method (SEPA debit, bank transfer): the money is on its way.

    Moves a pending payment, and a pending cotisation, to awaiting funds; sends nothing.
    """
    payment = _locked_payment(payment)
    if payment.status != P.PENDING:
        return
    payment_move(payment, P.AWAITING_FUNDS)
    cotisation = _locked_cotisation(payment.cotisation_id)
    if cotisation.status == C.PENDING:
        cotisation_move(cotisation, C.AWAITING_FUNDS)


@transaction.atomic
def payment_succeeded(*, payment: Payment, paid_at: dt.datetime) -> Receipt:
    """The money is ours: the payment succeeds, the cotisation is paid, a receipt is issued once
    and emailed to the holder (in the background, once the transaction commits).

    Calling it again returns the same receipt. Money received on a cotisation that is already
    paid, or no longer live, flags the cotisation for staff instead of changing it.
    """
    payment = _locked_payment(payment)
    cotisation = _locked_cotisation(payment.cotisation_id)
    if payment.status in {P.PENDING, P.AWAITING_FUNDS}:
        payment_move(payment, P.SUCCEEDED)
        payment.succeeded_at = paid_at
        payment.save(update_fields=["succeeded_at"])
        if cotisation.status in {C.PENDING, C.AWAITING_FUNDS, C.PROVISIONAL}:
            cotisation_move(cotisation, C.PAID)
            cotisation.paid_at = paid_at
            cotisation.save(update_fields=["paid_at"])
        elif cotisation.status == C.PAID:
            _flag(cotisation, f"paiement reçu en double ({euros(payment.amount)}) : à rembourser.")
        else:
            _flag(
                cotisation,
                f"paiement de {euros(payment.amount)} reçu sur une cotisation "
                f"« {cotisation.get_status_display()} ».",
            )
    elif payment.status in {P.FAILED, P.EXPIRED}:
        raise ValidationError(
            f"Ce paiement est « {payment.get_status_display()} » : il ne peut plus réussir.",
            code="payment_transition",
        )
    receipt = payment.receipts.filter(kind=ReceiptKind.RECEIPT).first()
    if receipt is not None:
        return receipt
    receipt = receipt_issue(cotisation=cotisation, payment=payment, amount=payment.amount)
    receipt_id = receipt.pk
    transaction.on_commit(lambda: emails.send_receipt_email.enqueue(receipt_id))
    return receipt


@transaction.atomic
def payment_failed(*, payment: Payment) -> None:
    """The money did not come (e.g. a SEPA debit rejected).

    The payment fails; its cotisation fails too when no other payment of it is alive, which
    frees the holder to start again. A provisional cotisation keeps its provisional coverage.
    """
    payment = _locked_payment(payment)
    if payment.status not in {P.PENDING, P.AWAITING_FUNDS}:
        return
    payment_move(payment, P.FAILED)
    cotisation = _locked_cotisation(payment.cotisation_id)
    others_alive = cotisation.payments.exclude(pk=payment.pk).filter(
        status__in=[P.PENDING, P.AWAITING_FUNDS, P.SUCCEEDED]
    )
    if cotisation.status in {C.PENDING, C.AWAITING_FUNDS} and not others_alive.exists():
        cotisation_move(cotisation, C.FAILED)


@transaction.atomic
def payment_expired(*, payment: Payment) -> None:
    """The payer left the payment page without paying; the cotisation stays open for another try."""
    payment = _locked_payment(payment)
    if payment.status == P.PENDING:
        payment_move(payment, P.EXPIRED)


def _credit(
    payment: Payment,
    cotisation: Cotisation,
    amount_refunded: Decimal,
    refunds: Sequence[tuple[str, Decimal]] = (),
) -> None:
    """Issue a credit note for what was refunded and not yet credited: one per Stripe refund not
    yet credited (in the order of ``refunds``), then one for any remainder without a refund id."""
    receipt = payment.receipts.filter(kind=ReceiptKind.RECEIPT).first()
    if receipt is None:
        return
    notes = list(receipt.credit_notes.all())
    credited = sum((note.amount for note in notes), start=Decimal("0"))
    already = {note.stripe_refund_id for note in notes}
    for refund_id, amount in refunds:
        if refund_id in already or credited + amount > amount_refunded:
            continue
        _credit_note(payment, cotisation, receipt, amount, refund_id)
        credited += amount
    if amount_refunded > credited:
        _credit_note(payment, cotisation, receipt, amount_refunded - credited, "")


def _credit_note(
    payment: Payment, cotisation: Cotisation, receipt: Receipt, amount: Decimal, refund_id: str
) -> None:
    note = receipt_issue(
        cotisation=cotisation,
        payment=payment,
        amount=amount,
        kind=ReceiptKind.CREDIT_NOTE,
        credits=receipt,
        stripe_refund_id=refund_id,
    )
    audit.log_money_action(
        cotisation,
        audit.REFUNDED,
        None,
        {
            "summary": f"{euros(amount)} rendus ({PaymentMethod(payment.method).label}) ; avoir "
            f"n° {note.display_number} sur le reçu n° {receipt.display_number}",
            "payment_id": payment.pk,
            "amount": amount,
            "credit_note": note.display_number,
            "stripe_refund_id": refund_id,
        },
    )


def _revoke(payment: Payment, cotisation: Cotisation, reason: str) -> None:
    """The money of ``payment`` went back: the cotisation is revoked unless another payment holds."""
    other_holding = cotisation.payments.exclude(pk=payment.pk).filter(status=P.SUCCEEDED)
    if other_holding.exists():
        _flag(cotisation, f"{reason} ; un autre paiement couvre encore la cotisation.")
    elif cotisation.status in {C.PAID, C.DISPUTED}:
        cotisation_move(cotisation, C.REFUNDED)


@transaction.atomic
def payment_refunded(
    *,
    payment: Payment,
    amount_refunded: Decimal,
    refunds: Sequence[tuple[str, Decimal]] = (),
) -> None:
    """Money was given back; ``amount_refunded`` is the total refunded so far on this payment,
    ``refunds`` the Stripe refunds (id, amount) that make it up, oldest first.

    A full refund revokes the cotisation (no longer covering); a partial one flags it for staff.
    Each Stripe refund gets its own credit note against the payment's receipt, once; any newly
    refunded amount without a refund id gets one. So the credit notes are the same whether the
    refunds are reported one by one or together. A payment that never succeeded raises, so a
    webhook answering 5xx is retried after the success arrives.
    """
    payment = _locked_payment(payment)
    if payment.status in {P.PENDING, P.AWAITING_FUNDS, P.FAILED, P.EXPIRED}:
        raise ValidationError(
            "Ce paiement n’a pas été encaissé : il ne peut pas être remboursé.",
            code="payment_not_succeeded",
        )
    if amount_refunded > payment.amount:
        raise ValidationError(
            f"Le remboursement ({euros(amount_refunded)}) dépasse le paiement "
            f"({euros(payment.amount)}).",
            code="refund_too_large",
        )
    if amount_refunded <= payment.amount_refunded:
        return
    payment.amount_refunded = amount_refunded
    payment.save(update_fields=["amount_refunded"])
    cotisation = _locked_cotisation(payment.cotisation_id)
    _credit(payment, cotisation, amount_refunded, refunds)
    if amount_refunded == payment.amount:
        payment_move(payment, P.REFUNDED)
        _revoke(payment, cotisation, f"remboursement intégral de {euros(amount_refunded)}")
    else:
        if payment.status == P.SUCCEEDED:
            payment_move(payment, P.PARTIALLY_REFUNDED)
        _flag(
            cotisation,
            f"remboursement partiel : {euros(amount_refunded)} sur {euros(payment.amount)}.",
        )


@transaction.atomic
def payment_disputed(*, payment: Payment) -> None:
    """The payer's bank contests the payment: the cotisation stops covering until it is closed.

    Flags the cotisation for staff. Does nothing for a dispute already opened or closed; raises
    for a payment that never succeeded (so a webhook is retried after the success arrives).
    """
    payment = _locked_payment(payment)
    if payment.dispute_status:
        return
    _dispute_open(payment)


def _dispute_open(payment: Payment) -> Cotisation:
    cotisation = _locked_cotisation(payment.cotisation_id)
    if payment.status in {P.SUCCEEDED, P.PARTIALLY_REFUNDED}:
        payment_move(payment, P.DISPUTED)
        if cotisation.status == C.PAID:
            cotisation_move(cotisation, C.DISPUTED)
    elif payment.status != P.REFUNDED:  # a refunded payment keeps its state; staff see the flag
        raise ValidationError(
            "Ce paiement n’a pas été encaissé : il ne peut pas être contesté.",
            code="payment_not_succeeded",
        )
    payment.dispute_status = DisputeStatus.OPEN
    payment.save(update_fields=["dispute_status"])
    _flag(cotisation, f"paiement de {euros(payment.amount)} contesté par la banque du payeur.")
    return cotisation


@transaction.atomic
def dispute_closed(*, payment: Payment, won: bool) -> None:
    """The bank closed the dispute. Won: the payment and cotisation are paid again. Lost: the
    money went back to the payer, as for a full refund (credit note, cotisation revoked).

    Does nothing for a dispute already closed; a closing that arrives before the opening opens
    the dispute first, so both orders end in the same state.
    """
    payment = _locked_payment(payment)
    if payment.dispute_status in {DisputeStatus.WON, DisputeStatus.LOST}:
        return
    if payment.dispute_status == DisputeStatus.OPEN:
        cotisation = _locked_cotisation(payment.cotisation_id)
    else:
        cotisation = _dispute_open(payment)
    if payment.status == P.REFUNDED:
        payment.dispute_status = DisputeStatus.WON if won else DisputeStatus.LOST
        payment.save(update_fields=["dispute_status"])
        _flag(cotisation, f"litige sur un paiement remboursé clos ({'gagné' if won else 'perdu'}).")
    elif won:
        payment_move(payment, P.PARTIALLY_REFUNDED if payment.amount_refunded else P.SUCCEEDED)
        payment.dispute_status = DisputeStatus.WON
        payment.save(update_fields=["dispute_status"])
        if cotisation.status == C.DISPUTED:
            cotisation_move(cotisation, C.PAID)
        _flag(cotisation, "litige clos en notre faveur.")
    else:
        payment.amount_refunded = payment.amount
        payment.dispute_status = DisputeStatus.LOST
        payment.save(update_fields=["amount_refunded", "dispute_status"])
        payment_move(payment, P.REFUNDED)
        _credit(payment, cotisation, payment.amount)
        _revoke(payment, cotisation, "litige perdu")


# --------------------------------------------------------------------------- offline payments


@transaction.atomic
def offline_payment_record(
    *,
    cotisation: Cotisation,
    method: str,
    amount: Decimal,
    reference: str,
    received_on: dt.date,
    recorded_by,
    bank_account: str = "",
    bank_entry_reference: str = "",
) -> Payment:
    """Record a cheque, transfer or administrative mandate received by staff (or matched from a
    bank statement), in one step.

    Creates a succeeded ``Payment``, marks the cotisation paid, issues its receipt, emails it to
    the holder and writes the action to the audit log (``audit.PAYMENT_RECORDED``). Recording
    the same payment twice (method, reference, amount and date) returns the first one. A transfer
    read from a bank statement gives its account and entry reference: one payment per entry.
    """
    if method not in PaymentMethod.offline():
        raise ValidationError(
            "Choisissez un paiement par chèque, virement ou mandat administratif.", code="method"
        )
    reference = reference.strip()
    if method == PaymentMethod.CHEQUE and not reference:
        raise ValidationError("Indiquez le numéro du chèque.", code="reference")
    if received_on > timezone.localdate():
        raise ValidationError("La date de réception ne peut pas être dans le futur.", code="date")
    cotisation = _locked_cotisation(cotisation.pk)
    # Money for year N may come once reminders are out, in year N - 1; earlier is a typing error.
    if received_on < year_start(cotisation.year - 1):
        raise ValidationError(
            f"La date de réception ({received_on:%d/%m/%Y}) est trop ancienne pour une cotisation "
            f"{year_label(cotisation.year)} : vérifiez-la.",
            code="date",
        )
    if reference:
        already = cotisation.payments.filter(
            method=method,
            reference=reference,
            amount=amount,
            received_on=received_on,
            status=P.SUCCEEDED,
        ).first()
        if already:
            return already
    if cotisation.status not in {C.PENDING, C.AWAITING_FUNDS, C.PROVISIONAL}:
        raise ValidationError(
            f"Cette cotisation est « {cotisation.get_status_display()} » : "
            "elle ne peut plus recevoir de paiement.",
            code="cotisation_transition",
        )
    if amount != cotisation.amount:
        raise ValidationError(
            f"Le montant reçu ({euros(amount)}) ne correspond pas au montant de la cotisation "
            f"({euros(cotisation.amount)}) : corrigez d’abord le montant de la cotisation.",
            code="amount",
        )
    payment = Payment.objects.create(
        cotisation=cotisation,
        method=method,
        amount=amount,
        reference=reference,
        received_on=received_on,
        recorded_by=recorded_by,
        bank_account=bank_account,
        bank_entry_reference=bank_entry_reference,
    )
    # Staff enter a day; noon keeps that day whatever the time zone. Lists show the day only.
    paid_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(12)))
    receipt = payment_succeeded(payment=payment, paid_at=paid_at)
    audit.log_money_action(
        cotisation,
        audit.PAYMENT_RECORDED,
        recorded_by,
        {
            "summary": f"{PaymentMethod(method).label} de {euros(amount)} reçu le "
            f"{received_on:%d/%m/%Y}"
            + (f", référence {reference}" if reference else "")
            + f" ; reçu n° {receipt.display_number}",
            "payment_id": payment.pk,
            "method": method,
            "amount": amount,
            "reference": reference,
            "received_on": received_on.isoformat(),
            "receipt": receipt.display_number,
        },
    )
    payment.refresh_from_db()
    return payment


# --------------------------------------------------------------------------- attachments


def _is_referent(user, organisation: MemberOrganisation) -> bool:
    return OrganisationMembership.objects.filter(
        user=user, organisation=organisation, status=AttachmentStatus.CONFIRMED, is_referent=True
    ).exists()


def can_decide_attachment(user, organisation: MemberOrganisation) -> bool:
    """Staff, and the confirmed referents of the organisation, confirm its attachments."""
    return bool(user.is_authenticated and (user.is_staff or _is_referent(user, organisation)))


@transaction.atomic
def attachment_request(*, user, organisation: MemberOrganisation) -> OrganisationMembership:
    """Ask to be attached to ``organisation`` (again, after a refusal).

    Emails the organisation's referents, if it has any, that a request awaits them.
    """
    attachment, created = OrganisationMembership.objects.select_for_update().get_or_create(
        user=user, organisation=organisation
    )
    if attachment.status == AttachmentStatus.CONFIRMED:
        raise ValidationError(f"Vous êtes déjà rattaché(e) à {organisation.name}.")
    if not created and attachment.status == AttachmentStatus.REQUESTED:
        return attachment
    attachment.status = AttachmentStatus.REQUESTED
    attachment.requested_at = timezone.now()
    attachment.decided_at = attachment.decided_by = None
    attachment.save()
    referents = organisation.memberships.filter(
        status=AttachmentStatus.CONFIRMED, is_referent=True
    ).select_related("user")
    recipients = [referent.user.email for referent in referents if referent.user.email]
    if recipients:
        _send(
            "membership/emails/attachment_requested",
            {"attachment": attachment, "organisation": organisation},
            recipients,
        )
    return attachment


@transaction.atomic
def organisation_propose(*, user, **fields) -> OrganisationMembership:
    """Create an organisation that is not listed yet and ask to be attached to it.

    ``fields`` are ``MemberOrganisation`` fields; they are validated as in the admin.
    """
    organisation = MemberOrganisation(**fields)
    organisation.full_clean()
    if organisation.siret and MemberOrganisation.objects.filter(siret=organisation.siret).exists():
        raise ValidationError(
            {"siret": "Une organisation avec ce SIRET existe déjà : choisissez-la dans la liste."}
        )
    organisation.save()
    return attachment_request(user=user, organisation=organisation)


@transaction.atomic
def attachment_decide(*, attachment: OrganisationMembership, confirm: bool, decided_by) -> None:
    """Confirm or refuse an attachment; a confirmed person is covered by the organisation's
    cotisation from now on. Emails the person the decision."""
    attachment = OrganisationMembership.objects.select_for_update().get(pk=attachment.pk)
    if not can_decide_attachment(decided_by, attachment.organisation):
        raise ValidationError(
            "Seuls l’équipe et les référents de l’organisation peuvent décider des rattachements."
        )
    status = AttachmentStatus.CONFIRMED if confirm else AttachmentStatus.REJECTED
    if attachment.status == status:
        return
    attachment.status = status
    attachment.decided_at = timezone.now()
    attachment.decided_by = decided_by
    if not confirm:
        attachment.is_referent = False
    attachment.save()
    if attachment.user.email and attachment.user.is_active:
        _send(
            "membership/emails/attachment_decided",
            {"attachment": attachment, "confirmed": confirm},
            [attachment.user.email],
        )


# --------------------------------------------------------------------------- accounts


DELETED_HOLDER_NAME = "Adhérent (compte supprimé)"


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete a person's account while keeping the records the association must keep.

    The profile, email addresses, attachments, API tokens and reminders are deleted; the user
    row stays, anonymised and unable to log in, so that cotisations, payments and receipts keep
    their holder. The person's own receipts keep their number, date and amounts, without their
    name and address (an organisation's receipts are the organisation's, and stay whole).
    Other apps remove or anonymise their own data through the ``account_deleting`` signal.
    """
    from allauth.account.models import EmailAddress
    from wagtail.models import APIToken

    if user.is_superuser:
        raise ValidationError("Un compte d’administration ne peut pas être supprimé ici.")
    signals.account_deleting.send(sender=type(user), user=user)
    MemberProfile.objects.filter(user=user).delete()
    OrganisationMembership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    APIToken.objects.filter(user=user).delete()
    Reminder.objects.filter(user=user).delete()
    Receipt.objects.filter(cotisation__user=user).update(
        holder_name=DELETED_HOLDER_NAME, holder_address=""
    )
    placeholder = f"compte-supprime-{user.pk}"
    user.email = f"{placeholder}@invalid"
    if hasattr(user, "username"):
        user.username = placeholder
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = False
    user.set_unusable_password()
    user.save()


# --------------------------------------------------------------------------- reminders


def _reminder_recipients(*, user=None, organisation: MemberOrganisation | None = None) -> list[str]:
    if user is not None:
        return [user.email] if user.email else []
    referents = organisation.memberships.filter(
        status=AttachmentStatus.CONFIRMED, is_referent=True, user__is_active=True
    ).values_list("user__email", flat=True)
    emails = [organisation.billing_email, *referents]
    return list(dict.fromkeys(email for email in emails if email))


MANUAL_STEP = ""


def reminder_steps(*, year: int, rule: RenewalRule | None) -> list[tuple[str, dt.date]]:
    """The reminder schedule of ``year`` for a category: (step name, day), e.g. (« J-30 »,
    1 December). Without a rule, or with no days in it, the site's
    ``PORTAIL_MEMBERSHIP_REMINDER_DAYS``."""
    days = parse_reminder_days(rule.reminder_days) if rule and rule.reminder_days else []
    days = days or sorted(set(app_settings.REMINDER_DAYS))
    steps = [(f"J{day:+d}", year_start(year) + dt.timedelta(days=day)) for day in days]
    if rule and rule.remind_at_grace_end and rule.grace_end(year):
        steps.append(("fin du délai", rule.grace_end(year)))
    return steps


def reminder_holders(
    *, year: int, step: str | None = None, today: dt.date | None = None
) -> tuple[list, list[MemberOrganisation]]:
    """Who should be reminded to pay ``year``: last year's members and those who opened ``year``
    without paying, unless paid, provisional, money in flight, covered by a cotisation paid late
    last year, or already reminded (at ``step``; at any step when it is None).
    An individual covered by an organisation for ``year`` is left alone."""
    settled = Cotisation.objects.settling(year)
    candidates = Cotisation.objects.filter(
        Q(year=year - 1, status=C.PAID) | Q(year=year, status=C.PENDING)
    )
    reminded = Reminder.objects.filter(year=year)
    if step is not None:
        reminded = reminded.filter(step=step)
    organisations = (
        MemberOrganisation.objects.filter(pk__in=candidates.values("organisation_id"))
        .exclude(pk__in=settled.exclude(organisation=None).values("organisation_id"))
        .exclude(pk__in=reminded.exclude(organisation=None).values("organisation_id"))
        .order_by("pk")
    )
    User = get_user_model()
    users = (
        User.objects.filter(pk__in=candidates.values("user_id"), is_active=True)
        .exclude(pk__in=settled.exclude(user=None).values("user_id"))
        .exclude(pk__in=reminded.exclude(user=None).values("user_id"))
        .order_by("pk")
    )
    on = max(today or timezone.localdate(), year_start(year))
    # Covered for ``year`` itself, not merely during last year's grace period.
    for_year = Q(year=year) | CotisationQuerySet.carried_over_q(year)
    users = [
        user
        for user in users
        if not Cotisation.objects.covering(user, on=on).filter(for_year).exists()
    ]
    return users, list(organisations)


def _ways_to_pay(reference: str) -> list[str]:
    """The ways to pay as lines of a plain-text email: « Virement : IBAN …, BIC … »."""
    lines = []
    for way in payment_ways(association_identity(), reference=reference):
        details = ", ".join(
            f"{label} {value}" for label, value in way.details if value != reference
        )
        lines.append(f"{way.label} : {details or way.summary}")
    return lines


def reminder_send(
    *,
    year: int,
    user=None,
    organisation: MemberOrganisation | None = None,
    step: str = "",
    today: dt.date | None = None,
) -> bool:
    """Email one holder a reminder to pay ``year``, once per ``step`` of the schedule (a
    ``Reminder`` row records it), with the amount, the payment reference and the ways to pay.

    Returns False when there is nobody to write to or the reminder was already sent. The row and
    the email share one transaction: a failed email leaves nothing, so the next run tries again.
    """
    recipients = _reminder_recipients(user=user, organisation=organisation)
    if not recipients:
        return False
    holder = {"user": user} if user is not None else {"organisation": organisation}
    try:
        with transaction.atomic():
            Reminder.objects.create(
                year=year, step=step, recipients=", ".join(recipients), **holder
            )
            due = due_for(year=year, **holder)
            rule = RenewalRule.objects.filter(category=due.category).first()
            grace_end = rule.grace_end(year) if rule else None
            today = today or timezone.localdate()
            _send(
                "membership/emails/reminder",
                {
                    "year": year,
                    "year_label": year_label(year),
                    "holder_name": organisation.name if organisation else _user_name(user),
                    "organisation": organisation,
                    "amount": euros(due.amount) if due.amount is not None else "",
                    "payment_reference": due.reference,
                    "ways_to_pay": _ways_to_pay(due.reference),
                    "grace_end": grace_end if grace_end and today <= grace_end else None,
                    "account_url": app_settings.SITE_URL + reverse("membership:account"),
                },
                recipients,
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: dt.date | None = None, year: int | None = None) -> int:
    """Send the reminders due ``today`` by each category's schedule (``RenewalRule``, or the
    site's ``PORTAIL_MEMBERSHIP_REMINDER_DAYS``), or, when ``year`` is given, remind now every
    holder of that year not reminded yet. Returns how many were sent."""
    today = today or timezone.localdate()
    if year is not None:
        users, organisations = reminder_holders(year=year)
        return sum(reminder_send(year=year, user=user) for user in users) + sum(
            reminder_send(year=year, organisation=organisation) for organisation in organisations
        )
    rules = renewal_rules()
    current = membership_year(today)
    sent = 0
    for target in (current, current + 1):
        due = {
            category: [
                name
                for name, day in reminder_steps(year=target, rule=rules.get(category))
                if day == today
            ]
            for category in MemberCategory.values
        }
        for step in sorted({name for names in due.values() for name in names}):
            users, organisations = reminder_holders(year=target, step=step, today=today)
            holders = [{"user": user} for user in users if step in due[holder_category(user=user)]]
            holders += [
                {"organisation": organisation}
                for organisation in organisations
                if step in due[organisation.category]
            ]
            for holder in holders:
                sent += reminder_send(year=target, step=step, today=today, **holder)
    return sent


# --------------------------------------------------------------------------- email


def _user_name(user) -> str:
    profile = MemberProfile.objects.filter(user=user).first()
    return (profile and profile.full_name) or user.email


def _send(template: str, context: dict, recipients: list[str]) -> None:
    """Send a plain-text email rendered from ``<template>_subject.txt`` and ``<template>.txt``."""
    identity = association_identity()
    context = {**context, "association": identity, "site_url": app_settings.SITE_URL}
    with translation.override("fr"):  # dates and amounts in French, as the text around them
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    send_mail(email_subject(subject), body, email_sender(), recipients)
