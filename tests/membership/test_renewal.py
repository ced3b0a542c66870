"""Renewal, per member category: a cotisation paid late in the year also covers the next one, a
grace period keeps last year's members covered « en renouvellement », reminders per step."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Site

from membership import services
from membership.coverage import coverage_for
from membership.models import (
    AssociationSettings,
    Cotisation,
    CotisationStatus,
    MemberCategory,
    Reminder,
    RenewalRule,
)
from membership.references import payment_reference
from membership.wagtail_hooks import renewal_counts
from membership.years import membership_year

from .factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def site_reminder_days(settings, db):
    settings.PORTAIL_MEMBERSHIP_REMINDER_DAYS = [-30]
    identity = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    identity.iban, identity.bic = "FR7630006000011234567890189", "AGRIFRPP"
    identity.save()


def paid_2026(at: dt.datetime, **kwargs) -> Cotisation:
    return CotisationFactory(year=2026, status=CotisationStatus.PAID, paid_at=at, **kwargs)


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


# --------------------------------------------------------------------------- next year


def test_paid_from_the_rules_date_also_covers_the_next_year():
    RenewalRule.objects.create(category=MemberCategory.INDIVIDUAL, next_year_from="01/10")
    late = paid_2026(paris(2026, 10, 1, 0, 0))
    early = paid_2026(paris(2026, 9, 30, 23, 59))

    assert Cotisation.objects.covering(late.user, on=dt.date(2027, 1, 15)).get() == late
    assert Cotisation.objects.covering(late.user, on=dt.date(2027, 12, 31)).exists()
    assert not Cotisation.objects.covering(late.user, on=dt.date(2028, 1, 1)).exists()
    assert not Cotisation.objects.covering(early.user, on=dt.date(2027, 1, 1)).exists()
    coverage = coverage_for(late.user, on=dt.date(2027, 6, 1))
    assert coverage.cotisation == late and not coverage.is_renewing


def test_without_a_rule_a_late_payment_covers_its_own_year_only():
    late = paid_2026(paris(2026, 12, 20, 10, 0))
    assert Cotisation.objects.covering(late.user, on=dt.date(2026, 12, 31)).exists()
    assert not Cotisation.objects.covering(late.user, on=dt.date(2027, 1, 1)).exists()


def test_the_rule_is_per_category():
    RenewalRule.objects.create(category=MemberCategory.SMALL_COMMUNE, next_year_from="01/09")
    person = paid_2026(paris(2026, 11, 2, 9, 0))
    organisation = OrganisationFactory()
    member = AttachmentFactory(organisation=organisation).user
    paid_2026(
        paris(2026, 11, 2, 9, 0),
        user=None,
        organisation=organisation,
        category=MemberCategory.SMALL_COMMUNE,
    )
    assert not Cotisation.objects.covering(person.user, on=dt.date(2027, 2, 1)).exists()
    assert Cotisation.objects.covering(member, on=dt.date(2027, 2, 1)).exists()


def test_a_refunded_late_cotisation_covers_nothing():
    RenewalRule.objects.create(category=MemberCategory.INDIVIDUAL, next_year_from="01/10")
    refunded = paid_2026(paris(2026, 10, 5, 9, 0))
    refunded.status = CotisationStatus.REFUNDED
    refunded.save()
    assert not Cotisation.objects.covering(refunded.user, on=dt.date(2027, 1, 15)).exists()


def test_a_year_starting_in_september_places_the_date_in_its_second_calendar_year(settings):
    settings.PORTAIL_MEMBERSHIP_YEAR_START_MONTH = 9
    rule = RenewalRule.objects.create(
        category=MemberCategory.INDIVIDUAL, next_year_from="01/06", grace_until="31/10"
    )
    assert rule.next_year_from_date(2026) == dt.date(2027, 6, 1)
    assert rule.grace_end(2027) == dt.date(2027, 10, 31)


# --------------------------------------------------------------------------- grace period


def test_last_years_members_stay_covered_until_the_end_of_the_grace_period():
    RenewalRule.objects.create(category=MemberCategory.INDIVIDUAL, grace_until="31/03")
    member = paid_2026(paris(2026, 2, 1, 10, 0)).user

    coverage = coverage_for(member, on=dt.date(2027, 3, 31))
    assert coverage.is_renewing
    assert coverage.until == dt.date(2027, 3, 31)
    assert "en renouvellement jusqu’au 31/03/2027" in coverage.description
    assert coverage_for(member, on=dt.date(2027, 4, 1)) is None

    this_year = CotisationFactory(user=member, year=2027, status=CotisationStatus.PAID)
    coverage = coverage_for(member, on=dt.date(2027, 3, 1))
    assert coverage.cotisation == this_year and not coverage.is_renewing


def test_renewal_shows_in_the_members_area_the_api_and_the_admin(client, settings):
    RenewalRule.objects.create(category=MemberCategory.INDIVIDUAL, grace_until="31/12")
    profile = ProfileFactory()
    CotisationFactory(user=profile.user, year=membership_year() - 1, status=CotisationStatus.PAID)
    # The grace period runs all year: whatever the day, this year is « en renouvellement ».
    client.force_login(profile.user)

    page = client.get(reverse("membership:account")).content.decode()
    assert "En renouvellement" in page

    me = client.get("/api/me/").json()
    assert me["coverage"]["renewing"] is True
    assert me["coverage"]["covered"] is True
    assert me["coverage"]["provisional_until"] is None

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("membership_memberprofile_modeladmin_index"))
    assert "En renouvellement" in listing.content.decode()


def test_staff_edit_rules_with_french_errors():
    for value in ["31/02", "29/02", "1er octobre", "10"]:
        with pytest.raises(ValidationError, match="JJ/MM"):
            RenewalRule(category=MemberCategory.INDIVIDUAL, next_year_from=value).full_clean()
    with pytest.raises(ValidationError, match="-30, 0"):
        RenewalRule(category=MemberCategory.INDIVIDUAL, reminder_days="un mois").full_clean()
    with pytest.raises(ValidationError, match="fin du délai"):
        RenewalRule(category=MemberCategory.INDIVIDUAL, remind_at_grace_end=True).full_clean()
    RenewalRule(
        category=MemberCategory.INDIVIDUAL,
        next_year_from="1/10",
        grace_until="31/03",
        reminder_days="-30; 0",
        remind_at_grace_end=True,
    ).full_clean()


# --------------------------------------------------------------------------- reminders


@pytest.fixture
def schedule():
    TariffFactory(year=2027, amount=Decimal("35.00"))
    return RenewalRule.objects.create(
        category=MemberCategory.INDIVIDUAL,
        grace_until="31/03",
        reminder_days="-30, 0",
        remind_at_grace_end=True,
    )


def test_each_step_is_sent_once_to_holders_not_yet_paid(schedule):
    member = paid_2026(paris(2026, 3, 1, 10, 0), user=ProfileFactory().user).user

    days = [dt.date(2026, 12, 2), dt.date(2027, 1, 1), dt.date(2027, 3, 31)]
    for day in days:
        assert services.reminders_send(today=day) == 1
        assert services.reminders_send(today=day) == 0
    assert services.reminders_send(today=dt.date(2027, 1, 2)) == 0

    steps = list(Reminder.objects.filter(user=member).order_by("sent_at").values_list("step"))
    assert steps == [("J-30",), ("J+0",), ("fin du délai",)]
    first = mail.outbox[0].body
    assert "35,00" in first
    assert payment_reference(year=2027, user=member) in first
    assert "FR76 3000 6000 0112 3456 7890 189" in first
    assert "Chèque : À l’ordre de Portail" in first and "Mandat administratif" in first
    assert "en renouvellement, jusqu’au 31 mars 2027" in mail.outbox[1].body


def test_a_holder_who_pays_gets_no_further_step(schedule):
    member = paid_2026(paris(2026, 3, 1, 10, 0)).user
    assert services.reminders_send(today=dt.date(2026, 12, 2)) == 1
    CotisationFactory(user=member, year=2027, status=CotisationStatus.PAID)
    assert services.reminders_send(today=dt.date(2027, 1, 1)) == 0
    assert services.reminders_send(today=dt.date(2027, 3, 31)) == 0


def test_a_late_payment_that_covers_next_year_is_not_reminded(schedule):
    schedule.next_year_from = "01/10"
    schedule.save()
    paid_2026(paris(2026, 10, 15, 10, 0))
    assert services.reminders_send(today=dt.date(2026, 12, 2)) == 0


def test_categories_without_a_rule_keep_the_sites_days(schedule):
    organisation = OrganisationFactory()
    paid_2026(
        paris(2026, 3, 1, 10, 0),
        user=None,
        organisation=organisation,
        category=MemberCategory.SMALL_COMMUNE,
    )
    assert services.reminders_send(today=dt.date(2027, 1, 1)) == 0
    assert services.reminders_send(today=dt.date(2026, 12, 2)) == 1
    assert Reminder.objects.get().organisation == organisation


def test_reminders_go_through_the_background_task(schedule):
    from membership.tasks import send_cotisation_reminders

    paid_2026(paris(2026, 3, 1, 10, 0))
    assert send_cotisation_reminders.call(day="2027-01-01") == 1


# --------------------------------------------------------------------------- dashboard


def test_the_dashboard_counts_who_renewed():
    RenewalRule.objects.create(category=MemberCategory.INDIVIDUAL, next_year_from="01/10")
    renewed = paid_2026(paris(2026, 3, 1, 10, 0))
    CotisationFactory(user=renewed.user, year=2027, status=CotisationStatus.PAID)
    paid_2026(paris(2026, 10, 20, 10, 0))  # paid late: 2027 too
    paid_2026(paris(2026, 3, 1, 10, 0))  # not yet
    CotisationFactory(year=2027, status=CotisationStatus.PAID)  # new member, not a renewal

    assert renewal_counts(2027) == {"members": 3, "renewed": 2}
