"""coverage_for(): is this person covered on this date, and by which cotisation?"""

import datetime as dt

import pytest
from django.test import override_settings

from membership.coverage import coverage_for
from membership.models import AttachmentStatus, Cotisation, CotisationStatus
from membership.years import membership_year, year_end, year_start

from .factories import AttachmentFactory, CotisationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_2026 = dt.date(2026, 6, 15)


def organisation_cotisation(status=CotisationStatus.PAID, **kwargs):
    return CotisationFactory(user=None, organisation=OrganisationFactory(), status=status, **kwargs)


def test_an_individual_member_is_covered_by_their_own_paid_cotisation():
    cotisation = CotisationFactory(status=CotisationStatus.PAID)
    coverage = coverage_for(cotisation.user, on=IN_2026)
    assert coverage.cotisation == cotisation
    assert coverage.organisation is None
    assert coverage.description == "par votre cotisation individuelle"


@pytest.mark.parametrize(
    "status",
    [
        CotisationStatus.PENDING,
        CotisationStatus.AWAITING_FUNDS,
        CotisationStatus.FAILED,
        CotisationStatus.REFUNDED,
        CotisationStatus.DISPUTED,
        CotisationStatus.CANCELLED,
    ],
)
def test_an_unpaid_cotisation_covers_nobody(status):
    cotisation = CotisationFactory(status=status)
    assert coverage_for(cotisation.user, on=IN_2026) is None


def test_a_cotisation_covers_its_year_only():
    cotisation = CotisationFactory(status=CotisationStatus.PAID, year=2025)
    assert coverage_for(cotisation.user, on=dt.date(2025, 12, 31))
    assert coverage_for(cotisation.user, on=dt.date(2026, 1, 1)) is None


def test_a_confirmed_attachment_is_covered_by_the_organisations_cotisation():
    cotisation = organisation_cotisation()
    attachment = AttachmentFactory(organisation=cotisation.organisation)

    coverage = coverage_for(attachment.user, on=IN_2026)

    assert coverage.cotisation == cotisation
    assert coverage.organisation == cotisation.organisation
    assert cotisation.organisation.name in coverage.description
    assert list(Cotisation.objects.covering(attachment.user, on=IN_2026)) == [cotisation]


@pytest.mark.parametrize("status", [AttachmentStatus.REQUESTED, AttachmentStatus.REJECTED])
def test_an_unconfirmed_attachment_is_not_covered(status):
    cotisation = organisation_cotisation()
    attachment = AttachmentFactory(organisation=cotisation.organisation, status=status)
    assert coverage_for(attachment.user, on=IN_2026) is None


def test_a_person_of_another_organisation_is_not_covered():
    organisation_cotisation()
    assert coverage_for(AttachmentFactory().user, on=IN_2026) is None


def test_provisional_coverage_runs_until_its_date():
    cotisation = organisation_cotisation(
        status=CotisationStatus.PROVISIONAL, provisional_until=dt.date(2026, 3, 31)
    )
    user = AttachmentFactory(organisation=cotisation.organisation).user

    coverage = coverage_for(user, on=dt.date(2026, 3, 31))
    assert coverage.is_provisional
    assert coverage.until == dt.date(2026, 3, 31)
    assert "jusqu’au 31/03/2026" in coverage.description
    assert coverage_for(user, on=dt.date(2026, 4, 1)) is None


def test_own_paid_cotisation_is_preferred_to_a_provisional_one():
    provisional = organisation_cotisation(
        status=CotisationStatus.PROVISIONAL, provisional_until=dt.date(2026, 12, 31)
    )
    own = CotisationFactory(status=CotisationStatus.PAID)
    AttachmentFactory(user=own.user, organisation=provisional.organisation)
    assert coverage_for(own.user, on=IN_2026).cotisation == own


def test_anonymous_visitors_are_not_covered():
    from django.contrib.auth.models import AnonymousUser

    assert coverage_for(AnonymousUser(), on=IN_2026) is None
    assert coverage_for(UserFactory(), on=IN_2026) is None


@override_settings(PORTAIL_MEMBERSHIP_YEAR_START_MONTH=9)
def test_a_membership_year_can_start_in_september():
    assert membership_year(dt.date(2026, 8, 31)) == 2025
    assert membership_year(dt.date(2026, 9, 1)) == 2026
    assert year_start(2026) == dt.date(2026, 9, 1)
    assert year_end(2026) == dt.date(2027, 8, 31)
    cotisation = CotisationFactory(status=CotisationStatus.PAID, year=2026)
    assert coverage_for(cotisation.user, on=dt.date(2027, 5, 1))
    assert coverage_for(cotisation.user, on=dt.date(2026, 5, 1)) is None
