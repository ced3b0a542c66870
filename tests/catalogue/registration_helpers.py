"""Shared set-up for the registration and application tests: people, cotisations, emails."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from membership.models import CotisationStatus, MemberCategory
from tests.membership.factories import AttachmentFactory, CotisationFactory, UserFactory


def member(year: int, **user_fields):
    """A person with their own paid cotisation for ``year``."""
    user = UserFactory(**user_fields)
    CotisationFactory(user=user, year=year, status=CotisationStatus.PAID)
    return user


def session_member(session):
    """A person paid up for every year the session's dates fall in (a session may straddle
    New Year, as two dates some weeks from now do in December)."""
    years = sorted({timezone.localdate(o.start).year for o in session.sorted_occurrences})
    user = member(years[0])
    for year in years[1:]:
        CotisationFactory(user=user, year=year, status=CotisationStatus.PAID)
    return user


def organisation_member(year: int):
    """A person covered through the paid cotisation of the organisation they are attached to."""
    attachment = AttachmentFactory()
    CotisationFactory(
        user=None,
        organisation=attachment.organisation,
        year=year,
        category=MemberCategory.SMALL_COMMUNE,
        status=CotisationStatus.PAID,
    )
    return attachment.user


def provisional_member(year: int, until: dt.date):
    user = UserFactory()
    CotisationFactory(
        user=user, year=year, status=CotisationStatus.PROVISIONAL, provisional_until=until
    )
    return user


def emails_to(user):
    return [message for message in mail.outbox if user.email in message.to]
