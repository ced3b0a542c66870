"""A participant's calendar file (.ics) for their registration: one event per date they attend."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from ..app_settings import app_settings
from ..ical import absolute_url, uid_domain
from ..models import Registration

PRODID = "-//Portail//Inscriptions//FR"


def registration_calendar(registration: Registration, *, with_meeting_url: bool) -> bytes:
    """The .ics of ``registration`` (METHOD:PUBLISH, times in Europe/Paris).

    ``with_meeting_url`` is only for the emails sent to a confirmed participant: the meeting link
    never leaves in a file someone else could download.
    """
    session = registration.session
    paris = ZoneInfo(settings.TIME_ZONE)
    page_url = absolute_url(session) or app_settings.SITE_URL
    location = session.place_label
    description = [session.lead, "", f"Programme et informations : {page_url}"]
    if session.is_online:
        if with_meeting_url and session.meeting_url:
            description.append(f"Lien de connexion : {session.meeting_url}")
        else:
            description.append("Le lien de connexion vous est envoyé par courriel.")
    calendar = Calendar.new(method="PUBLISH", prodid=PRODID, name=session.title)
    now = dt.datetime.now(dt.UTC)
    for occurrence in registration.slots:
        # A pick-one registration is one event whatever its date, so the invitation sent when
        # staff move the person updates it in their calendar rather than adding a second one;
        # SEQUENCE (seconds since the registration) grows with every invitation.
        uid = f"portail-registration-{registration.pk}"
        if not registration.occurrence_id:
            uid += f"-{occurrence.pk}"
        event = Event.new(
            uid=f"{uid}@{uid_domain()}",
            sequence=max(int((now - registration.created_at).total_seconds()), 0),
            summary=session.title,
            start=timezone.localtime(occurrence.start, paris),
            end=timezone.localtime(occurrence.end, paris),
            stamp=now,
            location=location or None,
            description="\n".join(description),
            url=page_url,
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
