"""Bank reconciliation: credits of a bank statement recorded as transfers for the cotisations
whose payment reference they carry, and the rest kept for staff to match by hand.

A credit is recorded by itself only when its label holds exactly one valid payment reference, of
a holder whose cotisation for that year awaits money (pending, awaiting funds or provisional),
in euros, for that cotisation's amount to the cent. Every entry is known by the bank's account
and entry reference: importing a statement again, or one that overlaps it, records nothing new.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit, services
from .models import (
    BankEntry,
    BankEntryReason,
    Cotisation,
    CotisationStatus,
    MemberOrganisation,
    Payment,
    PaymentMethod,
)
from .references import find_payment_references
from .statements import StatementEntry, statement_read

REFUSED = object()

AWAITING_MONEY = {
    CotisationStatus.PENDING,
    CotisationStatus.AWAITING_FUNDS,
    CotisationStatus.PROVISIONAL,
}


@dataclass
class ImportSummary:
    """What an import did, entry by entry, for the command's and the admin's report."""

    matched: list[Payment] = field(default_factory=list)
    skipped: list[StatementEntry] = field(default_factory=list)  # imported before
    left: list[BankEntry] = field(default_factory=list)  # kept for staff
    ignored: list[StatementEntry] = field(default_factory=list)  # debits, reversals


@dataclass
class _Outcome:
    reason: str = ""
    detail: str = ""
    reference: str = ""
    cotisation: Cotisation | None = None


def bank_statement_import(*, content: bytes, statement_name: str, imported_by) -> ImportSummary:
    """Read a CAMT.053 or OFX statement and reconcile its credits.

    Records each matching credit as a transfer through ``services.offline_payment_record`` (the
    cotisation is paid, its receipt issued and the holder told as every offline payment is), logs
    it in the audit log, and keeps every other credit as a ``BankEntry``. Debits and reversals are
    only counted. A file that cannot be read raises ``ValidationError`` and writes nothing.
    """
    entries = statement_read(content)
    with transaction.atomic():
        return _reconcile(entries, statement_name, imported_by)


def _reconcile(entries: list[StatementEntry], statement_name: str, imported_by) -> ImportSummary:
    summary = ImportSummary()
    for entry in entries:
        if not entry.is_credit or entry.is_reversal:
            summary.ignored.append(entry)
            continue
        if _already_imported(entry):
            summary.skipped.append(entry)
            continue
        outcome = _candidate(entry)
        if not outcome.reason:
            payment = _record(entry, outcome, imported_by)
            if payment is None:
                summary.skipped.append(entry)
                continue
            if payment is not REFUSED:
                summary.matched.append(payment)
                continue
        kept = _keep(entry, outcome, statement_name, imported_by)
        if kept is None:
            summary.skipped.append(entry)
        else:
            summary.left.append(kept)
    return summary


def _already_imported(entry: StatementEntry) -> bool:
    key = {"bank_account": entry.account}
    return (
        Payment.objects.filter(**key, bank_entry_reference=entry.entry_reference).exists()
        or BankEntry.objects.filter(**key, entry_reference=entry.entry_reference).exists()
    )


def _holder(reference) -> dict | None:
    if reference.is_organisation:
        organisation = MemberOrganisation.objects.filter(pk=reference.holder_id).first()
        return {"organisation": organisation} if organisation else None
    user = get_user_model().objects.filter(pk=reference.holder_id, is_active=True).first()
    return {"user": user} if user else None


def _candidate(entry: StatementEntry) -> _Outcome:
    """The cotisation this credit pays, or why there is none."""
    references = find_payment_references(entry.text)
    if not references:
        return _Outcome(BankEntryReason.NO_REFERENCE)
    if len(references) > 1:
        return _Outcome(
            BankEntryReason.SEVERAL_REFERENCES,
            detail=", ".join(str(reference) for reference in references),
        )
    reference = references[0]
    outcome = _Outcome(reference=str(reference))
    holder = _holder(reference)
    if holder is None:
        outcome.reason = BankEntryReason.UNKNOWN_HOLDER
        return outcome
    cotisation = Cotisation.objects.live().filter(year=reference.year, **holder).first()
    if entry.currency != "EUR":
        outcome.reason = BankEntryReason.CURRENCY
        outcome.cotisation = cotisation
        return outcome
    if cotisation is None:
        # The reference exists before the cotisation: open it at the year's tariff, unless
        # the credit cannot pay it (then nothing is opened).
        try:
            with transaction.atomic():
                cotisation = services.cotisation_open(**holder, year=reference.year)
                if entry.amount != cotisation.amount:
                    raise _AmountMismatch(cotisation)
        except ValidationError as exc:
            outcome.reason = BankEntryReason.NO_COTISATION
            outcome.detail = " ".join(exc.messages)
            return outcome
        except _AmountMismatch as mismatch:
            outcome.reason = _amount_reason(entry, mismatch.cotisation)
            outcome.detail = f"Montant dû : {services.euros(mismatch.cotisation.amount)}."
            return outcome
    outcome.cotisation = cotisation
    if cotisation.status not in AWAITING_MONEY:
        outcome.reason = BankEntryReason.ALREADY_PAID
        outcome.detail = f"Cotisation « {cotisation.get_status_display()} »."
    elif entry.amount != cotisation.amount:
        outcome.reason = _amount_reason(entry, cotisation)
        outcome.detail = f"Montant dû : {services.euros(cotisation.amount)}."
    return outcome


class _AmountMismatch(Exception):
    def __init__(self, cotisation: Cotisation):
        self.cotisation = cotisation


def _amount_reason(entry: StatementEntry, cotisation: Cotisation) -> str:
    return BankEntryReason.PARTIAL if entry.amount < cotisation.amount else BankEntryReason.EXCESS


def _record(entry: StatementEntry, outcome: _Outcome, imported_by):
    """Record the credit as a transfer and return its payment; None if another import recorded
    it meanwhile; ``REFUSED`` (and why, in ``outcome``) if the payment is refused, e.g. a date
    outside the membership year's window."""
    try:
        with transaction.atomic():
            # Serialises two imports of the same statement: the second sees the first's payment.
            Cotisation.objects.select_for_update(of=("self",)).get(pk=outcome.cotisation.pk)
            if _already_imported(entry):
                return None
            payment = services.offline_payment_record(
                cotisation=outcome.cotisation,
                method=PaymentMethod.TRANSFER,
                amount=entry.amount,
                reference=entry.entry_reference[:100],
                received_on=entry.booked_on,
                recorded_by=imported_by,
                bank_account=entry.account,
                bank_entry_reference=entry.entry_reference,
            )
            _log(payment, audit.MATCHED, imported_by, entry)
            return payment
    except IntegrityError:
        return None
    except ValidationError as exc:
        outcome.reason = BankEntryReason.REFUSED
        outcome.detail = " ".join(exc.messages)
        return REFUSED


def _keep(entry: StatementEntry, outcome: _Outcome, statement_name: str, imported_by):
    try:
        with transaction.atomic():
            return BankEntry.objects.create(
                bank_account=entry.account,
                entry_reference=entry.entry_reference,
                booked_on=entry.booked_on,
                amount=entry.amount,
                currency=entry.currency or "EUR",
                text=entry.text,
                debtor_name=entry.debtor_name[:200],
                reason=outcome.reason,
                detail=outcome.detail,
                payment_reference=outcome.reference,
                cotisation=outcome.cotisation,
                statement_name=statement_name[:255],
                imported_by=imported_by,
            )
    except IntegrityError:
        return None  # kept by another import meanwhile


def _log(payment: Payment, action: str, user, entry) -> None:
    audit.log_money_action(
        payment.cotisation,
        action,
        user,
        {
            "payment_id": payment.pk,
            "amount": payment.amount,
            "booked_on": payment.received_on.isoformat(),
            "bank_account": entry.bank_account if isinstance(entry, BankEntry) else entry.account,
            "entry_reference": payment.bank_entry_reference,
        },
    )


@transaction.atomic
def bank_entry_match(*, entry: BankEntry, cotisation: Cotisation, matched_by) -> Payment:
    """Staff match a kept credit to a cotisation: it is recorded as a transfer of that amount
    (the cotisation is paid, its receipt issued, the holder told), logged in the audit log.

    Raises ``ValidationError`` if the entry is already matched or the payment is refused (the
    amount differs from the cotisation's: staff correct the cotisation's amount first).
    """
    entry = BankEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.payment_id:
        raise ValidationError(
            f"Cette écriture est déjà rapprochée (cotisation {entry.payment.cotisation}).",
            code="matched",
        )
    if entry.currency != "EUR":
        raise ValidationError(
            f"Cette écriture est en {entry.currency} : seuls les virements en euros règlent une "
            "cotisation.",
            code="currency",
        )
    payment = services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=entry.amount,
        reference=entry.entry_reference[:100],
        received_on=entry.booked_on,
        recorded_by=matched_by,
        bank_account=entry.bank_account,
        bank_entry_reference=entry.entry_reference,
    )
    entry.payment = payment
    entry.cotisation = payment.cotisation
    entry.matched_at = timezone.now()
    entry.matched_by = matched_by
    entry.save(update_fields=["payment", "cotisation", "matched_at", "matched_by"])
    _log(payment, audit.MATCHED_BY_HAND, matched_by, entry)
    return payment


def _entry_line(booked_on, amount, currency: str, who: str, what: str) -> str:
    money = services.euros(amount) if currency in {"EUR", ""} else f"{amount} {currency}"
    return " · ".join(part for part in (f"{booked_on:%d/%m/%Y}", money, who, what) if part)


def summary_sections(summary: ImportSummary) -> list[tuple[str, list[str]]]:
    """The import's report in French, one section per outcome, one line per entry."""
    matched = []
    for payment in summary.matched:
        receipt = payment.receipts.filter(kind="receipt").first()
        cotisation = payment.cotisation
        matched.append(
            _entry_line(
                payment.received_on,
                payment.amount,
                "EUR",
                cotisation.holder_name,
                f"cotisation {cotisation.year} payée"
                + (f", reçu n° {receipt.display_number}" if receipt else ""),
            )
        )
    skipped = [
        _entry_line(
            e.booked_on, e.amount, e.currency, e.debtor_name, f"écriture {e.entry_reference}"
        )
        for e in summary.skipped
    ]
    left = [
        _entry_line(
            e.booked_on,
            e.amount,
            e.currency,
            e.debtor_name,
            " ".join(part for part in (f"{e.get_reason_display()}.", e.detail) if part)
            + (f" Libellé : « {e.text} »" if e.text else ""),
        )
        for e in summary.left
    ]
    ignored = [
        _entry_line(
            e.booked_on,
            e.amount,
            e.currency,
            e.debtor_name,
            ("annulation" if e.is_reversal else "débit") + (f" « {e.text} »" if e.text else ""),
        )
        for e in summary.ignored
    ]
    return [
        ("Virements enregistrés", matched),
        ("Déjà importés (rien de plus enregistré)", skipped),
        ("Laissés à l’équipe, à rapprocher à la main", left),
        ("Ignorés (débits et annulations)", ignored),
    ]
