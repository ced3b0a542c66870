"""Writes that touch cotisations, payments and receipts.

Every function is keyword-only, runs in one transaction and raises ``ValidationError`` with a
French message when it cannot act; nothing is half-written. States only move forward, through
the two transition tables below; the payment events (``payment_*``) may arrive twice or late:
an event that is already applied, or overtaken by a later state, does nothing.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from wagtail.models import Site

from . import signals
from .app_settings import app_settings
from .models import (
    AssociationSettings,
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    DisputeStatus,
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
    Tariff,
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


def euros(amount: Decimal) -> str:
    """« 1 234,50 € », whatever language the host has active."""
    with translation.override("fr"):
        return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


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


def holder_category(*, user=None, organisation: MemberOrganisation | None = None) -> str:
    if organisation is not None:
        return organisation.category
    profile = MemberProfile.objects.filter(user=user).first()
    return profile.category if profile else MemberProfile._meta.get_field("category").default


# --------------------------------------------------------------------------- cotisations


def cotisation_open(
    *, user=None, organisation: MemberOrganisation | None = None, year: int
) -> Cotisation:
    """The holder's live cotisation for ``year``, or a new pending one at that year's tariff.

    Creates a ``Cotisation`` row when none is live; sends nothing.
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
    tariff = Tariff.objects.filter(year=year, category=category).first()
    if tariff is None:
        raise ValidationError(
            f"Le tarif {year} de la catégorie « {Tariff(category=category).get_category_display()} » "
            "n’est pas encore fixé : contactez l’équipe.",
            code="no_tariff",
        )
    try:
        with transaction.atomic():
            return Cotisation.objects.create(
                year=year, category=category, amount=tariff.amount, **holder
            )
    except IntegrityError:
        # Opened at the same moment by another request: the constraint kept one.
        return Cotisation.objects.live().get(year=year, **holder)


@transaction.atomic
def provisional_grant(*, cotisation: Cotisation, until: dt.date, granted_by) -> None:
    """Cover the holder until ``until`` before the money arrives (e.g. a purchase order received).

    Moves the cotisation to provisional, or changes the date of a provisional one; sends nothing.
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


@transaction.atomic
def cotisation_cancel(*, cotisation: Cotisation) -> None:
    """Cancel a cotisation nobody paid (wrong holder, wrong year); frees the holder's year."""
    cotisation = _locked_cotisation(cotisation.pk)
    if cotisation.payments.filter(status__in=[P.AWAITING_FUNDS, P.SUCCEEDED]).exists():
        raise ValidationError(
            "Cette cotisation a un paiement reçu ou en cours : elle ne peut pas être annulée."
        )
    cotisation_move(cotisation, C.CANCELLED)


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
    """The money is ours: the payment succeeds, the cotisation is paid, a receipt is issued once.

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
    return receipt or receipt_issue(cotisation=cotisation, payment=payment, amount=payment.amount)


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
        receipt_issue(
            cotisation=cotisation,
            payment=payment,
            amount=amount,
            kind=ReceiptKind.CREDIT_NOTE,
            credits=receipt,
            stripe_refund_id=refund_id,
        )
        credited += amount
    if amount_refunded > credited:
        receipt_issue(
            cotisation=cotisation,
            payment=payment,
            amount=amount_refunded - credited,
            kind=ReceiptKind.CREDIT_NOTE,
            credits=receipt,
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
    """Record a cheque, transfer or administrative mandate received by staff, in one step.

    Creates a succeeded ``Payment``, marks the cotisation paid and issues its receipt. Recording
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
    paid_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(12)))
    payment_succeeded(payment=payment, paid_at=paid_at)
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


def reminder_holders(*, year: int) -> tuple[list, list[MemberOrganisation]]:
    """Who should be reminded to pay ``year``: last year's members and those who opened ``year``
    without paying, unless paid, provisional, money in flight, or already reminded.
    An individual covered by an organisation for ``year`` is left alone."""
    settled = Cotisation.objects.filter(year=year).exclude(
        status__in=[C.PENDING, C.FAILED, C.CANCELLED]
    )
    candidates = Cotisation.objects.filter(
        Q(year=year - 1, status=C.PAID) | Q(year=year, status=C.PENDING)
    )
    organisations = (
        MemberOrganisation.objects.filter(pk__in=candidates.values("organisation_id"))
        .exclude(pk__in=settled.exclude(organisation=None).values("organisation_id"))
        .exclude(reminders__year=year)
        .order_by("pk")
    )
    User = get_user_model()
    users = (
        User.objects.filter(pk__in=candidates.values("user_id"), is_active=True)
        .exclude(pk__in=settled.exclude(user=None).values("user_id"))
        .exclude(cotisation_reminders__year=year)
        .order_by("pk")
    )
    on = max(timezone.localdate(), year_start(year))
    users = [user for user in users if not Cotisation.objects.covering(user, on=on).exists()]
    return users, list(organisations)


def reminder_send(*, year: int, user=None, organisation: MemberOrganisation | None = None) -> bool:
    """Email one holder a reminder to pay ``year``, at most once (a ``Reminder`` row records it).

    Returns False when there is nobody to write to or the reminder was already sent. The row and
    the email share one transaction: a failed email leaves nothing, so the next run tries again.
    """
    recipients = _reminder_recipients(user=user, organisation=organisation)
    if not recipients:
        return False
    holder = {"user": user} if user is not None else {"organisation": organisation}
    try:
        with transaction.atomic():
            Reminder.objects.create(year=year, recipients=", ".join(recipients), **holder)
            category = holder_category(**holder)
            tariff = Tariff.objects.filter(year=year, category=category).first()
            _send(
                "membership/emails/reminder",
                {
                    "year": year,
                    "year_label": year_label(year),
                    "holder_name": organisation.name if organisation else _user_name(user),
                    "organisation": organisation,
                    "amount": euros(tariff.amount) if tariff else "",
                    "account_url": app_settings.SITE_URL + reverse("membership:account"),
                },
                recipients,
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: dt.date | None = None, year: int | None = None) -> int:
    """Send the reminders due ``today`` (a date in ``PORTAIL_MEMBERSHIP_REMINDER_DAYS``), or, when
    ``year`` is given, the reminders for that year now. Returns how many were sent."""
    today = today or timezone.localdate()
    if year is not None:
        years = [year]
    else:
        current = membership_year(today)
        years = [
            candidate
            for candidate in (current, current + 1)
            for offset in app_settings.REMINDER_DAYS
            if year_start(candidate) + dt.timedelta(days=offset) == today
        ]
    sent = 0
    for target in dict.fromkeys(years):
        users, organisations = reminder_holders(year=target)
        sent += sum(reminder_send(year=target, user=user) for user in users)
        sent += sum(
            reminder_send(year=target, organisation=organisation) for organisation in organisations
        )
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


def email_subject(subject: str, request=None) -> str:
    """A subject prefixed with the association's name, « [Cap Rural] … », as every email's is."""
    return f"[{association_identity(request).name}] {subject}"


def email_sender(request=None) -> str:
    """``DEFAULT_FROM_EMAIL``'s address under the association's name (staff edit it, not settings)."""
    address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    return formataddr((association_identity(request).name, address))


def association_identity(request=None):
    """The association's identity (site settings) for the request's site, or the default site."""
    if request is not None:
        return AssociationSettings.for_request(request)
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return AssociationSettings.for_site(site)
