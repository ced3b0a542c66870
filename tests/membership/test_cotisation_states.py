"""A cotisation's states only move forward; payment events applied twice or late change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from membership import services
from membership.models import (
    Cotisation,
    CotisationStatus,
    MemberCategory,
    PaymentStatus,
    Receipt,
    ReceiptKind,
)
from membership.years import membership_year, year_end

from .factories import (
    PAID_AT,
    CotisationFactory,
    OrganisationFactory,
    PaymentFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_open_creates_a_pending_cotisation_at_the_tariff_of_the_holders_category():
    TariffFactory(year=2026, category=MemberCategory.REDUCED, amount=Decimal("15.00"))
    profile = ProfileFactory(category=MemberCategory.REDUCED)

    cotisation = services.cotisation_open(user=profile.user, year=2026)

    assert cotisation.status == CotisationStatus.PENDING
    assert cotisation.amount == Decimal("15.00")
    assert cotisation.category == MemberCategory.REDUCED
    assert services.cotisation_open(user=profile.user, year=2026) == cotisation


def test_open_without_a_tariff_says_so_in_french():
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError, match="tarif 2027"):
        services.cotisation_open(organisation=organisation, year=2027)
    assert not Cotisation.objects.exists()


def test_the_database_keeps_one_live_cotisation_per_holder_and_year():
    first = CotisationFactory(status=CotisationStatus.FAILED)
    CotisationFactory(user=first.user)  # a failed one does not hold the year
    with pytest.raises(IntegrityError), transaction.atomic():
        CotisationFactory(user=first.user)
    organisation = OrganisationFactory()
    CotisationFactory(user=None, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        CotisationFactory(user=None, organisation=organisation)


def test_a_cotisation_has_exactly_one_holder():
    with pytest.raises(IntegrityError), transaction.atomic():
        CotisationFactory(organisation=OrganisationFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        CotisationFactory(user=None)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (CotisationStatus.PAID, CotisationStatus.PENDING),
        (CotisationStatus.PAID, CotisationStatus.AWAITING_FUNDS),
        (CotisationStatus.FAILED, CotisationStatus.PAID),
        (CotisationStatus.REFUNDED, CotisationStatus.PAID),
        (CotisationStatus.AWAITING_FUNDS, CotisationStatus.PENDING),
        (CotisationStatus.CANCELLED, CotisationStatus.PENDING),
    ],
)
def test_states_never_move_backwards(start, to):
    cotisation = CotisationFactory(status=start)
    with pytest.raises(ValidationError, match="ne peut pas devenir"):
        services.cotisation_move(cotisation, to)
    cotisation.refresh_from_db()
    assert cotisation.status == start


def test_card_payment_pays_the_cotisation_and_issues_one_receipt_even_if_repeated():
    payment = PaymentFactory()

    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    again = services.payment_succeeded(payment=payment, paid_at=PAID_AT)

    payment.refresh_from_db()
    payment.cotisation.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.cotisation.status == CotisationStatus.PAID
    assert payment.cotisation.paid_at == PAID_AT
    assert again == receipt
    assert Receipt.objects.count() == 1
    assert receipt.amount == Decimal("30.00")


def test_delayed_payment_waits_for_funds_then_succeeds_in_either_order():
    in_order, late = PaymentFactory(), PaymentFactory()

    services.payment_awaiting_funds(payment=in_order)
    in_order.cotisation.refresh_from_db()
    assert in_order.cotisation.status == CotisationStatus.AWAITING_FUNDS
    services.payment_succeeded(payment=in_order, paid_at=PAID_AT)

    services.payment_succeeded(payment=late, paid_at=PAID_AT)
    services.payment_awaiting_funds(payment=late)  # arrives after the success: ignored

    for payment in (in_order, late):
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SUCCEEDED
        assert payment.cotisation.status == CotisationStatus.PAID


def test_failed_debit_fails_the_cotisation_and_frees_the_year():
    payment = PaymentFactory()
    services.payment_awaiting_funds(payment=payment)
    services.payment_failed(payment=payment)
    services.payment_failed(payment=payment)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.cotisation.status == CotisationStatus.FAILED
    TariffFactory()
    fresh = services.cotisation_open(user=payment.cotisation.user, year=2026)
    assert fresh.pk != payment.cotisation.pk


def test_expired_checkout_leaves_the_cotisation_open():
    payment = PaymentFactory()
    services.payment_expired(payment=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert payment.cotisation.status == CotisationStatus.PENDING
    with pytest.raises(ValidationError):
        services.payment_succeeded(payment=payment, paid_at=PAID_AT)


def test_full_refund_revokes_and_issues_a_credit_note_once():
    payment = PaymentFactory()
    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)

    services.payment_refunded(payment=payment, amount_refunded=Decimal("30.00"))
    services.payment_refunded(payment=payment, amount_refunded=Decimal("30.00"))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.cotisation.status == CotisationStatus.REFUNDED
    (note,) = receipt.credit_notes.all()
    assert note.kind == ReceiptKind.CREDIT_NOTE
    assert note.amount == Decimal("30.00")
    assert note.number == receipt.number + 1


def test_partial_refund_keeps_the_cotisation_paid_and_flags_it():
    payment = PaymentFactory()
    services.payment_succeeded(payment=payment, paid_at=PAID_AT)

    services.payment_refunded(payment=payment, amount_refunded=Decimal("10.00"))

    payment.refresh_from_db()
    cotisation = payment.cotisation
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.amount_refunded == Decimal("10.00")
    assert cotisation.status == CotisationStatus.PAID
    assert cotisation.needs_attention
    assert "remboursement partiel" in cotisation.staff_note


def test_refund_of_a_payment_never_received_is_refused_so_it_can_be_retried():
    payment = PaymentFactory()
    with pytest.raises(ValidationError, match="pas été encaissé"):
        services.payment_refunded(payment=payment, amount_refunded=Decimal("30.00"))


def test_dispute_suspends_coverage_until_won():
    payment = PaymentFactory()
    services.payment_succeeded(payment=payment, paid_at=PAID_AT)

    services.payment_disputed(payment=payment)
    payment.refresh_from_db()
    assert payment.cotisation.status == CotisationStatus.DISPUTED

    services.dispute_closed(payment=payment, won=True)
    services.dispute_closed(payment=payment, won=True)
    services.payment_disputed(payment=payment)  # a late copy of the opening changes nothing
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.cotisation.status == CotisationStatus.PAID


def test_lost_dispute_revokes_whatever_the_order_of_events():
    in_order, reversed_order = PaymentFactory(), PaymentFactory()
    for payment in (in_order, reversed_order):
        services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    services.payment_disputed(payment=in_order)
    services.dispute_closed(payment=in_order, won=False)
    services.dispute_closed(payment=reversed_order, won=False)
    services.payment_disputed(payment=reversed_order)

    for payment in (in_order, reversed_order):
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REFUNDED
        assert payment.cotisation.status == CotisationStatus.REFUNDED
        assert payment.receipts.filter(kind=ReceiptKind.CREDIT_NOTE).count() == 1


def test_second_payment_on_a_paid_cotisation_is_flagged_and_refunding_it_keeps_the_coverage():
    first = PaymentFactory()
    second = PaymentFactory(cotisation=first.cotisation)
    services.payment_succeeded(payment=first, paid_at=PAID_AT)
    services.payment_succeeded(payment=second, paid_at=PAID_AT)

    services.payment_refunded(payment=second, amount_refunded=Decimal("30.00"))

    cotisation = Cotisation.objects.get(pk=first.cotisation.pk)
    assert cotisation.status == CotisationStatus.PAID
    assert "double" in cotisation.staff_note


def test_provisional_coverage_then_payment():
    year = membership_year()
    cotisation = CotisationFactory(user=None, organisation=OrganisationFactory(), year=year)
    staff = UserFactory(is_staff=True)

    services.provisional_grant(cotisation=cotisation, until=year_end(year), granted_by=staff)
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PROVISIONAL
    assert cotisation.provisional_granted_by == staff

    payment = PaymentFactory(cotisation=cotisation)
    services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID
    with pytest.raises(ValidationError, match="provisoire"):
        services.provisional_grant(cotisation=cotisation, until=year_end(year), granted_by=staff)


def test_provisional_coverage_must_end_in_the_future():
    cotisation = CotisationFactory()
    with pytest.raises(ValidationError, match="déjà passée"):
        services.provisional_grant(
            cotisation=cotisation, until=dt.date(2000, 1, 1), granted_by=UserFactory()
        )


def test_provisional_coverage_ends_with_its_membership_year():
    year = membership_year()
    cotisation = CotisationFactory(year=year)
    with pytest.raises(ValidationError, match=f"au-delà du 31/12/{year}"):
        services.provisional_grant(
            cotisation=cotisation, until=dt.date(year + 1, 3, 31), granted_by=UserFactory()
        )
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING
