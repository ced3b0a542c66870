"""Reminders to pay the coming year: on the configured days, never twice per holder and year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from membership import services
from membership.models import CotisationStatus, MemberCategory, Reminder

from .factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    ProfileFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db

REMINDER_DAY = dt.date(2026, 12, 2)  # 30 days before 2027 starts


@pytest.fixture(autouse=True)
def reminder_days(settings):
    settings.PORTAIL_MEMBERSHIP_REMINDER_DAYS = [-30]


def member_of_2026(**kwargs):
    return CotisationFactory(year=2026, status=CotisationStatus.PAID, **kwargs)


def test_last_years_members_are_reminded_once_on_the_day():
    TariffFactory(year=2027, amount=Decimal("32.00"))
    member = member_of_2026(user=ProfileFactory(first_name="Lou").user).user

    assert services.reminders_send(today=REMINDER_DAY - dt.timedelta(days=1)) == 0
    assert services.reminders_send(today=REMINDER_DAY) == 1
    assert services.reminders_send(today=REMINDER_DAY) == 0
    assert services.reminders_send(year=2027) == 0

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Cotisation 2027" in message.subject
    assert "32,00" in message.body
    assert "/adhesion/" in message.body
    assert Reminder.objects.get().user == member


def test_organisations_are_reminded_at_their_billing_address_and_referents():
    organisation = OrganisationFactory(billing_email="compta@mairie.fr")
    referent = AttachmentFactory(organisation=organisation, is_referent=True).user
    AttachmentFactory(organisation=organisation)  # a plain member is not written to
    member_of_2026(user=None, organisation=organisation)

    assert services.reminders_send(today=REMINDER_DAY) == 1
    assert mail.outbox[0].to == ["compta@mairie.fr", referent.email]
    assert organisation.name in mail.outbox[0].body


def test_holders_who_paid_or_are_provisionally_covered_are_left_alone():
    paid = member_of_2026()
    CotisationFactory(user=paid.user, year=2027, status=CotisationStatus.PAID)
    provisional = member_of_2026(user=None, organisation=OrganisationFactory())
    CotisationFactory(
        user=None,
        organisation=provisional.organisation,
        year=2027,
        status=CotisationStatus.PROVISIONAL,
        provisional_until=dt.date(2027, 3, 1),
    )
    assert services.reminders_send(today=REMINDER_DAY) == 0


def test_a_person_covered_by_their_organisation_is_not_reminded_individually():
    TariffFactory(year=2027, category=MemberCategory.SMALL_COMMUNE)
    organisation_2027 = CotisationFactory(
        user=None, organisation=OrganisationFactory(), year=2027, status=CotisationStatus.PAID
    )
    person = member_of_2026().user
    AttachmentFactory(user=person, organisation=organisation_2027.organisation)
    assert services.reminders_send(today=REMINDER_DAY) == 0


def test_an_open_unpaid_cotisation_of_the_year_is_reminded():
    CotisationFactory(year=2027, status=CotisationStatus.PENDING)
    assert services.reminders_send(today=REMINDER_DAY) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP indisponible")


def test_a_failed_email_is_not_recorded_so_the_next_run_sends_it(settings):
    member_of_2026()
    settings.EMAIL_BACKEND = "tests.membership.test_reminders.FailingBackend"
    with pytest.raises(ConnectionError):
        services.reminders_send(today=REMINDER_DAY)
    assert not Reminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.reminders_send(today=REMINDER_DAY) == 1


def test_the_command_sends_through_the_task(capsys):
    member_of_2026()
    call_command("send_cotisation_reminders", "--date", REMINDER_DAY.isoformat())
    call_command("send_cotisation_reminders", "--date", REMINDER_DAY.isoformat(), "--enqueue")
    assert "1 relance(s) envoyée(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("send_cotisation_reminders", "--date", "02/12/2026")


@pytest.mark.parametrize("year", ["-5", "1900", "deux-mille", "²⁰²⁶"])
def test_the_command_refuses_an_impossible_year_in_french_and_sends_nothing(year):
    from django.core.management.base import CommandError

    member_of_2026()
    with pytest.raises(
        CommandError, match="Année invalide : indiquez une année entre 2000 et 2100."
    ):
        call_command("send_cotisation_reminders", "--year", year)
    assert not mail.outbox
    assert not Reminder.objects.exists()


def test_the_command_reminds_for_a_given_year_now():
    member_of_2026()
    call_command("send_cotisation_reminders", "--year", "2027")
    assert len(mail.outbox) == 1
