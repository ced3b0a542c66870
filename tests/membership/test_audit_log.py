"""Every staff money action is in Wagtail's audit log, with who and when, and shows in the admin's
history of the cotisation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail import log_actions
from wagtail.models import ModelLogEntry

from membership import audit, services
from membership.models import PaymentMethod
from membership.years import membership_year

from .dues_helpers import member_with_tariff
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True, first_name="Sacha", last_name="Trésorier")


@pytest.fixture
def cotisation():
    return services.cotisation_open(user=member_with_tariff(), year=membership_year())


def entries(instance):
    return list(log_actions.registry.get_logs_for_instance(instance).order_by("timestamp", "pk"))


def test_recording_an_offline_payment_is_logged_with_who_and_what(cotisation, staff):
    services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.CHEQUE,
        amount=Decimal("45.00"),
        reference="0001234",
        received_on=timezone.localdate(),
        recorded_by=staff,
    )

    (entry,) = entries(cotisation)
    assert entry.action == audit.PAYMENT_RECORDED
    assert entry.user == staff
    assert entry.data["amount"] == "45.00" and entry.data["reference"] == "0001234"
    assert entry.message.startswith("Paiement enregistré : Chèque de 45,00 € reçu le")


def test_provisional_cover_and_cancelling_are_logged(cotisation, staff):
    until = timezone.localdate() + dt.timedelta(days=1)
    if until.year != timezone.localdate().year:  # the last day of a year: cover that day only
        until = timezone.localdate()
    services.provisional_grant(cotisation=cotisation, until=until, granted_by=staff)
    services.cotisation_cancel(cotisation=cotisation, cancelled_by=staff)

    actions = [(e.action, e.user) for e in entries(cotisation)]
    assert actions == [(audit.PROVISIONAL_GRANTED, staff), (audit.CANCELLED, staff)]
    assert (
        entries(cotisation)[0].message
        == f"Couverture provisoire accordée : jusqu’au {until:%d/%m/%Y}"
    )


def test_a_refund_is_logged_with_its_credit_note(cotisation, staff):
    payment = services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=Decimal("45.00"),
        reference="VIR-1",
        received_on=timezone.localdate(),
        recorded_by=staff,
    )
    services.payment_refunded(payment=payment, amount_refunded=Decimal("45.00"))

    refund = entries(cotisation)[-1]
    assert refund.action == audit.REFUNDED
    assert refund.data["amount"] == "45.00"
    assert refund.data["credit_note"] == payment.receipts.get(kind="credit_note").display_number


def test_a_failed_action_leaves_no_log(cotisation, staff):
    with pytest.raises(Exception, match="montant"):
        services.offline_payment_record(
            cotisation=cotisation,
            method=PaymentMethod.CHEQUE,
            amount=Decimal("1.00"),
            reference="0001",
            received_on=timezone.localdate(),
            recorded_by=staff,
        )
    assert not ModelLogEntry.objects.exists()


def test_the_actions_are_registered_for_the_bank_import_and_invoices_to_reuse():
    for action in (audit.MATCHED, audit.INVOICED, audit.PAYMENT_RECORDED, audit.REFUNDED):
        assert log_actions.registry.action_exists(action)
    assert log_actions.registry.get_action_label(audit.MATCHED) == "Virement rapproché"
    with pytest.raises(ValueError):
        audit.log_money_action(UserFactory(), "membership.unknown")


def test_the_admin_history_of_the_cotisation_shows_the_action(client, cotisation, staff):
    services.offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.CHEQUE,
        amount=Decimal("45.00"),
        reference="0001234",
        received_on=timezone.localdate(),
        recorded_by=staff,
    )
    client.force_login(staff)

    page = client.get(
        reverse("membership_cotisation_modeladmin_history", args=[cotisation.pk])
    ).content.decode()

    assert "Paiement enregistré : Chèque de 45,00 €" in page
    assert "Sacha Trésorier" in page
