"""Shared set-up for the attendance and certificate tests: a two-day training on fixed dates."""

import itertools

from catalogue.models import Registration, RegistrationStatus, SessionFormat, SpeakerRole
from tests.catalogue.factories import PersonFactory, SessionPageFactory, paris
from tests.membership.factories import ProfileFactory

# Thursday 26 November 2026, 9:00–17:30 (two half-days), Friday 27, 9:00–12:30 (one).
DAY_1 = (paris(2026, 11, 26, 9), paris(2026, 11, 26, 17, 30))
DAY_2 = (paris(2026, 11, 27, 9), paris(2026, 11, 27, 12, 30))
MORNING_1, AFTERNOON_1, MORNING_2 = "2026-11-26-matin", "2026-11-26-apres-midi", "2026-11-27-matin"
DURING_MORNING_1 = paris(2026, 11, 26, 9, 40)
DURING_AFTERNOON_1 = paris(2026, 11, 26, 14, 10)
DURING_MORNING_2 = paris(2026, 11, 27, 10)
AFTER = paris(2026, 11, 27, 18)

_positions = itertools.count(1)


def training(**fields):
    trainer = PersonFactory(first_name="Dominique", last_name="Formatrice")
    fields.setdefault("occurrences", [DAY_1, DAY_2])
    fields.setdefault("speakers", [(trainer, SpeakerRole.ANIMATION)])
    fields.setdefault("format", SessionFormat.IN_PERSON)
    return SessionPageFactory(title="Animer une démarche participative", **fields)


def participant(session, *, first_name="Alex", status=RegistrationStatus.CONFIRMED, **fields):
    profile = ProfileFactory(first_name=first_name)
    return Registration.objects.create(
        session=session,
        user=profile.user,
        status=status,
        position=next(_positions),
        organisation=fields.pop("organisation", "Mairie de Die"),
        **fields,
    )
