"""Bank reconciliation: credits carrying a cotisation's reference and amount are recorded as
transfers, once; everything else is kept for staff, who match it by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from membership import services
from membership.audit import MATCHED, MATCHED_BY_HAND
from membership.models import (
    BankEntry,
    BankEntryReason,
    Cotisation,
    CotisationStatus,
    MemberCategory,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from membership.reconciliation import bank_entry_match, bank_statement_import
from membership.references import payment_reference
from membership.years import membership_year, year_end

from .bank_files import ACCOUNT, Credit, camt053, ofx_sgml, ofx_xml
from .factories import OrganisationFactory, ProfileFactory, TariffFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = Decimal("45.00")


@pytest.fixture
def year():
    year = membership_year()
    TariffFactory(year=year, amount=DUE)
    return year


@pytest.fixture
def cotisation(year):
    return services.cotisation_open(user=ProfileFactory().user, year=year)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def booked(days_ago: int = 1) -> dt.date:
    # Never before this membership year's window nor in the future, whatever today is.
    return max(timezone.localdate() - dt.timedelta(days=days_ago), dt.date(membership_year(), 1, 1))


def credit(amount, text, reference, **kwargs) -> Credit:
    return Credit(Decimal(amount), text, reference, booked_on=kwargs.pop("on", booked()), **kwargs)


def run(content: bytes, staff=None):
    return bank_statement_import(content=content, statement_name="releve.xml", imported_by=staff)


@pytest.mark.parametrize("version", ["001.02", "001.04", "001.06", "001.08", "001.10"])
def test_an_exact_credit_is_recorded_as_a_transfer_with_its_bank_entry_reference(
    cotisation, staff, version
):
    label = f"VIR SEPA COTISATION {cotisation.payment_reference} MARTIN"
    summary = run(camt053([credit("45.00", label, "AC-2026-0001")], version=version), staff)

    payment = Payment.objects.get(cotisation=cotisation)
    assert summary.matched == [payment]
    assert payment.method == PaymentMethod.TRANSFER
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == DUE
    assert payment.received_on == booked()
    assert (payment.bank_account, payment.bank_entry_reference) == (ACCOUNT, "AC-2026-0001")
    assert payment.recorded_by == staff
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID
    assert payment.receipts.filter(kind="receipt").count() == 1
    assert not BankEntry.objects.exists()


@pytest.mark.parametrize("build", [ofx_sgml, ofx_xml], ids=["ofx-1-sgml", "ofx-2-xml"])
def test_ofx_statements_are_reconciled_as_camt_ones(cotisation, build):
    summary = run(build([credit("45.00", f"REF {cotisation.payment_reference}", "FIT-77")]))

    assert [payment.bank_entry_reference for payment in summary.matched] == ["FIT-77"]
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID


def test_a_reference_written_with_spaces_and_lower_case_still_matches(cotisation):
    reference = cotisation.payment_reference
    spaced = f"adh {reference[3:7]} {reference[7]} {reference[8:14]}-{reference[14:]}".lower()
    summary = run(camt053([credit("45.00", f"cotis {spaced}", "AC-1")]))
    assert len(summary.matched) == 1


def test_importing_the_same_statement_again_records_nothing_and_sends_nothing(
    cotisation, django_capture_on_commit_callbacks
):
    reference = cotisation.payment_reference
    statement = camt053(
        [
            credit("45.00", reference, "AC-1"),
            credit("20.00", "DON LIBRE", "AC-2", debtor="Jeanne Roux"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(statement)
    sent = len(mail.outbox)
    logged = ModelLogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = run(statement)

    assert again.matched == [] and again.left == []
    assert [entry.entry_reference for entry in again.skipped] == ["AC-1", "AC-2"]
    assert Payment.objects.count() == 1
    assert BankEntry.objects.count() == 1
    assert len(mail.outbox) == sent
    assert ModelLogEntry.objects.count() == logged


def test_the_same_entry_in_an_ofx_export_of_the_same_account_is_not_recorded_twice(cotisation):
    entry = credit("45.00", cotisation.payment_reference, "FIT-9")
    run(ofx_xml([entry]))
    again = run(ofx_sgml([entry]))
    assert len(again.skipped) == 1
    assert Payment.objects.count() == 1


def test_partial_excess_unmatched_and_debits_are_listed_and_only_credits_kept(year, cotisation):
    organisation = OrganisationFactory(category=MemberCategory.SMALL_COMMUNE)
    paid = services.cotisation_open(user=ProfileFactory().user, year=year)
    services.offline_payment_record(
        cotisation=paid,
        method=PaymentMethod.CHEQUE,
        amount=DUE,
        reference="0001",
        received_on=booked(),
        recorded_by=None,
    )
    unknown = payment_reference(year=year, user=UserFactory.build(pk=999_999))
    reference = cotisation.payment_reference
    statement = camt053(
        [
            credit("30.00", reference, "PARTIAL"),
            credit("60.00", reference, "EXCESS"),
            credit("45.00", "VIREMENT SANS LIBELLE", "NOREF"),
            credit("45.00", unknown, "UNKNOWN"),
            credit("45.00", paid.payment_reference, "PAID"),
            credit("80.00", payment_reference(year=year, organisation=organisation), "NOTARIFF"),
            credit("45.00", reference, "DEBIT", credit=False, debtor="EDF"),
            credit("45.00", reference, "PENDING", status="PDNG"),
        ]
    )

    summary = run(statement)

    reasons = {entry.entry_reference: entry.reason for entry in summary.left}
    assert reasons == {
        "PARTIAL": BankEntryReason.PARTIAL,
        "EXCESS": BankEntryReason.EXCESS,
        "NOREF": BankEntryReason.NO_REFERENCE,
        "UNKNOWN": BankEntryReason.UNKNOWN_HOLDER,
        "PAID": BankEntryReason.ALREADY_PAID,
        "NOTARIFF": BankEntryReason.NO_COTISATION,
    }
    assert [entry.entry_reference for entry in summary.ignored] == ["DEBIT"]  # PDNG not booked
    assert summary.matched == []
    assert set(BankEntry.objects.values_list("entry_reference", flat=True)) == set(reasons)
    assert BankEntry.objects.get(entry_reference="PARTIAL").cotisation == cotisation
    assert "45,00 €" in BankEntry.objects.get(entry_reference="PARTIAL").detail
    # No cotisation was opened for the organisation that has no tariff.
    assert not Cotisation.objects.filter(organisation=organisation).exists()
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING


def test_a_mistyped_reference_is_not_matched(cotisation):
    reference = cotisation.payment_reference
    wrong_check = reference[:-2] + f"{(int(reference[-2:]) + 1) % 100:02d}"
    # One digit of the holder mistyped: it may be another holder's number, never credited.
    typo = reference[:13] + str((int(reference[13]) + 1) % 10) + reference[14:]
    summary = run(camt053([credit("45.00", wrong_check, "AC-1"), credit("45.00", typo, "AC-2")]))

    assert summary.matched == []
    assert {entry.reason for entry in summary.left} == {BankEntryReason.NO_REFERENCE}
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING


def test_two_credits_for_the_same_cotisation_record_one_and_keep_the_other(cotisation):
    reference = cotisation.payment_reference
    summary = run(camt053([credit("45.00", reference, "AC-1"), credit("45.00", reference, "AC-2")]))

    assert [payment.bank_entry_reference for payment in summary.matched] == ["AC-1"]
    assert [(entry.entry_reference, entry.reason) for entry in summary.left] == [
        ("AC-2", BankEntryReason.ALREADY_PAID)
    ]


def test_a_holder_with_a_tariff_and_no_cotisation_yet_is_opened_and_paid(year):
    user = ProfileFactory().user
    summary = run(camt053([credit("45.00", payment_reference(year=year, user=user), "AC-1")]))

    assert len(summary.matched) == 1
    assert Cotisation.objects.get(user=user, year=year).status == CotisationStatus.PAID


def test_a_credit_that_cannot_pay_an_unopened_cotisation_opens_nothing(year):
    user = ProfileFactory().user
    summary = run(camt053([credit("10.00", payment_reference(year=year, user=user), "AC-1")]))

    assert summary.left[0].reason == BankEntryReason.PARTIAL
    assert not Cotisation.objects.filter(user=user).exists()


def test_a_provisional_cotisation_is_paid_by_its_transfer(cotisation, staff):
    until = min(timezone.localdate() + dt.timedelta(days=1), year_end(cotisation.year))
    services.provisional_grant(cotisation=cotisation, until=until, granted_by=staff)
    summary = run(camt053([credit("45.00", cotisation.payment_reference, "AC-1")]))
    assert len(summary.matched) == 1


def test_a_credit_in_another_currency_is_left_for_staff(cotisation):
    summary = run(camt053([credit("45.00", cotisation.payment_reference, "AC-1", currency="CHF")]))
    assert summary.left[0].reason == BankEntryReason.CURRENCY


def test_a_credit_booked_long_before_the_year_is_refused_and_kept(cotisation):
    old = dt.date(cotisation.year - 2, 6, 1)
    summary = run(camt053([credit("45.00", cotisation.payment_reference, "AC-1", on=old)]))

    entry = summary.left[0]
    assert entry.reason == BankEntryReason.REFUSED
    assert "trop ancienne" in entry.detail
    assert not Payment.objects.exists()


def test_each_automatic_match_is_in_the_audit_log_with_who_and_the_entry(cotisation, staff):
    run(camt053([credit("45.00", cotisation.payment_reference, "AC-1")]), staff)

    entry = ModelLogEntry.objects.get(action=MATCHED)
    assert entry.user == staff
    assert int(entry.object_id) == cotisation.pk
    assert entry.data["entry_reference"] == "AC-1"
    assert entry.data["amount"] == "45.00"
    assert entry.timestamp is not None
    assert entry.message == "Virement d’un relevé bancaire enregistré pour cette cotisation"


def test_staff_match_a_kept_credit_by_hand(cotisation, staff):
    summary = run(camt053([credit("45.00", "VIREMENT MME MARTIN", "AC-1")]))
    kept = summary.left[0]

    payment = bank_entry_match(entry=kept, cotisation=cotisation, matched_by=staff)

    kept.refresh_from_db()
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID
    assert kept.payment == payment and kept.matched_by == staff and kept.matched_at
    assert (payment.bank_account, payment.bank_entry_reference) == (ACCOUNT, "AC-1")
    assert payment.recorded_by == staff
    log = ModelLogEntry.objects.get(action=MATCHED_BY_HAND)
    assert log.user == staff and int(log.object_id) == cotisation.pk
    assert not BankEntry.objects.unmatched().exists()
    # Imported again, the hand-matched entry is neither recorded nor kept a second time.
    again = run(camt053([credit("45.00", "VIREMENT MME MARTIN", "AC-1")]))
    assert len(again.skipped) == 1
    assert Payment.objects.count() == BankEntry.objects.count() == 1


def test_matching_by_hand_twice_or_for_another_amount_is_refused(year, cotisation, staff):
    summary = run(camt053([credit("45.00", "VIR", "AC-1"), credit("30.00", "VIR", "AC-2")]))
    first, partial = summary.left
    bank_entry_match(entry=first, cotisation=cotisation, matched_by=staff)

    with pytest.raises(ValidationError, match="déjà rapprochée"):
        bank_entry_match(entry=first, cotisation=cotisation, matched_by=staff)
    other = services.cotisation_open(user=ProfileFactory().user, year=year)
    with pytest.raises(ValidationError, match="ne correspond pas"):
        bank_entry_match(entry=partial, cotisation=other, matched_by=staff)
    partial.refresh_from_db()
    assert partial.payment is None
    assert Payment.objects.count() == 1


def test_a_bad_file_writes_nothing(cotisation):
    good = camt053([credit("45.00", cotisation.payment_reference, "AC-1")])
    broken = good.replace(b"<Amt Ccy", b"<Amt broken Ccy")  # truncated in the middle of an entry
    with pytest.raises(ValidationError):
        run(broken)
    assert not Payment.objects.exists() and not BankEntry.objects.exists()
