"""iCalendar (RFC 5545) feeds of the catalogue: one event per session date, in the site's time zone
(``TIME_ZONE``).

Public feeds: meeting links are never written.
"""

import datetime as dt
import functools
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .app_settings import app_settings
from .models import CatalogueItemPage, SessionOccurrence, SessionPage, WorkingGroupCallPage

PRODID = "-//Portail//Catalogue//FR"


def site_zone() -> ZoneInfo:
    """The site's time zone: a calendar's times are the ones its pages show."""
    return ZoneInfo(settings.TIME_ZONE)


@functools.lru_cache(maxsize=16)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    # Building the transitions is slow; a feed spans a few years at most.
    return icalendar.Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )


def uid_domain() -> str:
    return urlsplit(app_settings.SITE_URL).hostname or "portail"


def absolute_url(page: CatalogueItemPage, request: HttpRequest | None = None) -> str | None:
    """The page's address for calendars and emails: on the request's host, else on SITE_URL."""
    url = page.get_url(request)
    if url is None:
        return None
    if url.startswith(("http://", "https://")):
        return url
    return request.build_absolute_uri(url) if request else app_settings.SITE_URL + url


def new_calendar(name: str, years: Iterable[int]) -> icalendar.Calendar:
    """An empty calendar whose VTIMEZONE (the site's) covers ``years``."""
    years = list(years) or [timezone.localdate().year]
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(_vtimezone(settings.TIME_ZONE, min(years), max(years)))
    return calendar


def occurrence_event(
    occurrence: SessionOccurrence, *, request: HttpRequest | None = None
) -> icalendar.Event:
    """One date of a session; its UID stays the same as long as the date exists."""
    session: SessionPage = occurrence.session
    event = icalendar.Event()
    event.add("uid", f"session-occurrence-{occurrence.pk}@{uid_domain()}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", timezone.localtime(occurrence.start, site_zone()))
    event.add("dtend", timezone.localtime(occurrence.end, site_zone()))
    summary = f"{session.title} — {occurrence.label}" if occurrence.label else session.title
    event.add("summary", summary)
    event.add("description", session.lead)
    location = session.place_label or ("En ligne" if session.is_online else "")
    if location:
        event.add("location", location)
    url = absolute_url(session, request)
    if url:
        event.add("url", url)
    return event


def occurrences_calendar(
    occurrences: list[SessionOccurrence],
    *,
    request: HttpRequest | None = None,
    name: str = "Sessions",
) -> icalendar.Calendar:
    """A calendar with one event per occurrence (``occurrence.session`` already loaded)."""
    years = {timezone.localtime(o.start, site_zone()).year for o in occurrences}
    years |= {timezone.localtime(o.end, site_zone()).year for o in occurrences}
    calendar = new_calendar(name, years)
    for occurrence in occurrences:
        calendar.add_component(occurrence_event(occurrence, request=request))
    return calendar


def _first_meeting_event(
    call: WorkingGroupCallPage, *, request: HttpRequest | None
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"call-first-meeting-{call.pk}@{uid_domain()}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", call.first_meeting)
    event.add("dtend", call.first_meeting + dt.timedelta(days=1))
    event.add("summary", f"{call.title} — première réunion")
    event.add("description", call.lead)
    if call.meeting_place:
        event.add("location", call.meeting_place)
    url = absolute_url(call, request)
    if url:
        event.add("url", url)
    return event


def item_calendar(
    page: CatalogueItemPage, *, request: HttpRequest | None = None
) -> icalendar.Calendar | None:
    """A session's dates, or a call's first meeting (all day); None when there is no date."""
    if isinstance(page, SessionPage):
        occurrences = page.sorted_occurrences
        if not occurrences:
            return None
        for occurrence in occurrences:
            occurrence.session = page
        return occurrences_calendar(occurrences, request=request, name=page.title)
    if isinstance(page, WorkingGroupCallPage) and page.first_meeting:
        calendar = new_calendar(page.title, [page.first_meeting.year])
        calendar.add_component(_first_meeting_event(page, request=request))
        return calendar
    return None
