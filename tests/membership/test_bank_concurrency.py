"""The same statement imported twice at the same moment on PostgreSQL records everything once."""

from decimal import Decimal

import pytest

from membership import services
from membership.models import BankEntry, Payment, Receipt
from membership.reconciliation import bank_statement_import
from membership.years import membership_year

from .bank_files import Credit, camt053
from .factories import ProfileFactory, TariffFactory
from .test_bank_reconciliation import booked
from .test_webhook_concurrency import in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_imports_of_one_statement_at_once_record_and_keep_each_entry_once():
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    cotisations = [
        services.cotisation_open(user=ProfileFactory().user, year=membership_year())
        for _ in range(3)
    ]
    statement = camt053(
        [
            Credit(Decimal("45.00"), cotisation.payment_reference, f"AC-{n}", booked())
            for n, cotisation in enumerate(cotisations)
        ]
        + [Credit(Decimal("12.00"), "DON", "AC-DON", booked())]
    )

    def run():
        return bank_statement_import(content=statement, statement_name="r.xml", imported_by=None)

    first, second = in_parallel(run, run)

    assert len(first.matched) + len(second.matched) == 3
    assert len(first.left) + len(second.left) == 1
    assert len(first.skipped) + len(second.skipped) == 4
    assert Payment.objects.count() == Receipt.objects.count() == 3
    assert BankEntry.objects.count() == 1
