"""Receipts: one unbroken sequence per year, never reused, safe when issued concurrently."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from membership import services
from membership.models import AssociationSettings, Receipt, ReceiptKind, ReceiptSequence
from membership.pdf import receipt_pdf

from .factories import PAID_AT, PaymentFactory, ProfileFactory


@pytest.mark.django_db
def test_numbers_follow_each_other_across_receipts_and_credit_notes():
    first = services.payment_succeeded(payment=PaymentFactory(), paid_at=PAID_AT)
    refunded = PaymentFactory()
    second = services.payment_succeeded(payment=refunded, paid_at=PAID_AT)
    services.payment_refunded(payment=refunded, amount_refunded=Decimal("30.00"))
    third = services.payment_succeeded(payment=PaymentFactory(), paid_at=PAID_AT)

    numbers = list(Receipt.objects.order_by("number").values_list("number", "kind"))
    assert numbers == [
        (1, ReceiptKind.RECEIPT),
        (2, ReceiptKind.RECEIPT),
        (3, ReceiptKind.CREDIT_NOTE),
        (4, ReceiptKind.RECEIPT),
    ]
    assert first.display_number == f"{first.series}-000001"
    assert third.number == 4
    assert Receipt.objects.get(number=3).credits == second
    assert ReceiptSequence.objects.get(series=first.series).last_number == 4


@pytest.mark.django_db
def test_the_receipt_keeps_a_snapshot_of_the_holder():
    profile = ProfileFactory(first_name="Inès", last_name="Moreau", address="2 rue Haute")
    receipt = services.payment_succeeded(
        payment=PaymentFactory(cotisation__user=profile.user), paid_at=PAID_AT
    )
    profile.last_name = "Bernard"
    profile.save()
    receipt.refresh_from_db()
    assert receipt.holder_name == "Inès Moreau"
    assert receipt.holder_address == "2 rue Haute"


@pytest.mark.django_db
def test_pdf_carries_the_number_and_the_associations_identity(home_page):
    identity = AssociationSettings.for_site(home_page.get_site())
    identity.name = "Réseau rural du Limousin"
    identity.siret = "73282932000074"
    identity.save()
    receipt = services.payment_succeeded(payment=PaymentFactory(), paid_at=PAID_AT)

    content = receipt_pdf(receipt, identity=identity)

    assert content.startswith(b"%PDF")
    assert receipt.display_number.encode() in content
    assert b"73282932000074" in content
    assert b"30,00" in content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_or_skip_a_number():
    payments = [PaymentFactory() for _ in range(12)]
    barrier = threading.Barrier(len(payments))
    errors = []

    def pay(payment):
        try:
            barrier.wait()
            services.payment_succeeded(payment=payment, paid_at=PAID_AT)
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(payment,)) for payment in payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(payments) + 1))
