"""Recording a payment emails the holder their receipt; staff's lists show the days they entered
and name the holder."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from membership import services
from membership.models import MemberCategory, PaymentMethod
from membership.years import membership_year

from .dues_helpers import member_with_tariff, pdf_text, set_bank_details
from .factories import AttachmentFactory, OrganisationFactory, TariffFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(cotisation, **extra):
    fields = {
        "method": PaymentMethod.TRANSFER,
        "amount": cotisation.amount,
        "reference": "VIR-2026-0042",
        "received_on": timezone.localdate(),
        "recorded_by": UserFactory(is_staff=True),
        **extra,
    }
    return services.offline_payment_record(cotisation=cotisation, **fields)


def test_an_offline_payment_emails_the_member_their_receipt(django_capture_on_commit_callbacks):
    set_bank_details()
    user = member_with_tariff(first_name="Camille", last_name="Martin")
    cotisation = services.cotisation_open(user=user, year=membership_year())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment = record(cotisation)
        assert not mail.outbox  # sent once the payment is committed, in the background

    assert len(callbacks) == 1
    (message,) = mail.outbox
    receipt = payment.receipts.get()
    assert message.to == [user.email]
    assert message.subject == (
        f"[Cap Rural] Votre reçu de cotisation {membership_year()} n° {receipt.display_number}"
    )
    assert "45,00 € (virement)" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"recu-{receipt.display_number}.pdf", "application/pdf")
    text = pdf_text(content)
    assert f"Reçu de cotisation n° {receipt.display_number}" in text and "45,00 €" in text


def test_recording_the_same_payment_twice_sends_one_receipt(django_capture_on_commit_callbacks):
    cotisation = services.cotisation_open(user=member_with_tariff(), year=membership_year())
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        record(cotisation, recorded_by=staff)
        record(cotisation, recorded_by=staff)
    assert len(mail.outbox) == 1


def test_an_organisations_receipt_goes_to_its_billing_email_and_referents(
    django_capture_on_commit_callbacks,
):
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.SMALL_COMMUNE, amount=Decimal("80.00"))
    organisation = OrganisationFactory(billing_email="compta@mairie.fr")
    referent = AttachmentFactory(organisation=organisation, is_referent=True).user
    AttachmentFactory(organisation=organisation)  # a plain member is not written to
    cotisation = services.cotisation_open(organisation=organisation, year=year)

    with django_capture_on_commit_callbacks(execute=True):
        record(cotisation, method=PaymentMethod.MANDATE, reference="MANDAT-17")

    (message,) = mail.outbox
    assert message.to == ["compta@mairie.fr", referent.email]
    assert "(mandat administratif)" in message.body


def test_an_online_payment_emails_the_receipt_once_whoever_reports_it_first(
    stripe_checkout, stripe_fake, django_capture_on_commit_callbacks
):
    payment = stripe_checkout()
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_succeeded(payment=payment, paid_at=timezone.now())
        services.payment_succeeded(payment=payment, paid_at=timezone.now())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "application/pdf"


def test_staff_lists_show_the_day_entered_without_an_invented_time(client):
    cotisation = services.cotisation_open(
        user=member_with_tariff(first_name="Camille", last_name="Durand"), year=membership_year()
    )
    received = timezone.localdate() - dt.timedelta(days=1)
    record(cotisation, received_on=received)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for name in ("membership_cotisation_modeladmin_index", "membership_payment_modeladmin_index"):
        page = client.get(reverse(name)).content.decode()
        assert "12:00" not in page and "midi" not in page
        assert "Camille Durand" in page  # the holder, not the category
        with translation.override("fr"):
            day = date_format(received, "j F Y")
        assert re.search(rf'class="field-paid_on[^"]*">{day}</td>', page)
