"""iCalendar feeds: people add sessions to their agendas at the right local time."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from catalogue.models import SessionFormat
from tests.catalogue.factories import (
    CatalogueIndexPageFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
    paris,
)

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://visio.example.org/salle-secrete-42"


def calendar_at(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content), response.content.decode()


def events(calendar):
    return calendar.walk("VEVENT")


def test_session_calendar_has_one_event_per_date_at_paris_local_time(client):
    index = CatalogueIndexPageFactory(slug="catalogue")
    session = SessionPageFactory(
        parent=index,
        slug="webconferences",
        title="Webconférences",
        lead="Deux webconférences sur la coopération.",
        format=SessionFormat.ONLINE,
        meeting_url=SECRET_LINK,
        occurrences=[
            {
                "start": paris(2031, 1, 14, 9, 30),
                "end": paris(2031, 1, 14, 11),
                "label": "1re partie",
            },
            {"start": paris(2031, 7, 3, 14), "end": paris(2031, 7, 3, 16, 30), "label": ""},
        ],
    )

    calendar, text = calendar_at(client, f"/api/catalogue/{session.pk}/calendar.ics")

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    winter, summer = events(calendar)
    assert "DTSTART;TZID=Europe/Paris:20310114T093000" in text
    assert "DTEND;TZID=Europe/Paris:20310703T163000" in text
    assert winter.decoded("DTSTART") == dt.datetime(
        2031, 1, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris")
    )
    assert summer.decoded("DTSTART").astimezone(dt.UTC).hour == 12  # 14 h in Paris, summer time
    assert str(winter["SUMMARY"]) == "Webconférences — 1re partie"
    assert str(summer["SUMMARY"]) == "Webconférences"
    assert str(winter["DESCRIPTION"]) == "Deux webconférences sur la coopération."
    assert str(winter["LOCATION"]) == "En ligne"
    assert str(winter["URL"]) == "http://testserver/catalogue/webconferences/"
    assert winter["UID"] != summer["UID"]
    assert "salle-secrete" not in text

    again, _ = calendar_at(client, f"/api/catalogue/{session.pk}/calendar.ics")
    assert [e["UID"] for e in events(again)] == [winter["UID"], summer["UID"]]


def test_in_person_session_gives_its_place(client):
    session = SessionPageFactory(venue_name="Salle des fêtes", venue_town="Die")

    calendar, _ = calendar_at(client, f"/api/catalogue/{session.pk}/calendar.ics")

    assert str(events(calendar)[0]["LOCATION"]) == "Salle des fêtes, Die"


def test_upcoming_calendar_lists_future_dates_of_published_sessions(client):
    upcoming = SessionPageFactory(
        title="À venir",
        occurrences=[(in_weeks(-1), in_weeks(-1, 12)), (in_weeks(3), in_weeks(3, 12))],
    )
    SessionPageFactory(title="Passée", occurrences=[(in_weeks(-2), in_weeks(-2, 12))])
    draft = SessionPageFactory(title="Brouillon")
    draft.live = False
    draft.save(update_fields=["live"])
    SessionPageFactory(title="Autre", occurrences=[(in_weeks(1), in_weeks(1, 12))])

    calendar, _ = calendar_at(client, "/api/calendar.ics")

    assert [str(e["SUMMARY"]) for e in events(calendar)] == ["Autre", "À venir"]
    assert events(calendar)[1].decoded("DTSTART") == in_weeks(3)
    uid = str(events(calendar)[1]["UID"])
    single, _ = calendar_at(client, f"/api/catalogue/{upcoming.pk}/calendar.ics")
    # The same date keeps the same UID in both feeds, so agendas do not duplicate it.
    assert uid in [str(e["UID"]) for e in events(single)]


def test_upcoming_calendar_is_valid_even_when_empty(client):
    calendar, _ = calendar_at(client, "/api/calendar.ics")

    assert events(calendar) == []
    assert calendar["VERSION"] == "2.0"


def test_call_calendar_gives_the_first_meeting_as_an_all_day_event(client):
    call = WorkingGroupCallPageFactory(first_meeting=dt.date(2031, 3, 10), meeting_place="Valence")

    calendar, _ = calendar_at(client, f"/api/catalogue/{call.pk}/calendar.ics")

    (event,) = events(calendar)
    assert event.decoded("DTSTART") == dt.date(2031, 3, 10)
    assert str(event["LOCATION"]) == "Valence"


def test_items_without_dates_have_no_calendar(client):
    article = ResourceArticlePageFactory()
    draft = SessionPageFactory()
    draft.live = False
    draft.save(update_fields=["live"])

    for page in (article, draft):
        response = client.get(f"/api/catalogue/{page.pk}/calendar.ics")
        assert response.status_code == 404
        assert response.json()["detail"].startswith(("Cet élément", "Aucun élément"))


def test_dtstamp_is_utc(client):
    session = SessionPageFactory()

    calendar, _ = calendar_at(client, f"/api/catalogue/{session.pk}/calendar.ics")

    stamp = events(calendar)[0].decoded("DTSTAMP")
    assert stamp.utcoffset() == dt.timedelta(0)
    assert abs(stamp - timezone.now()) < dt.timedelta(minutes=5)


def test_calendars_use_the_sites_time_zone_not_paris(client, settings):
    # A host in Réunion (UTC+4, no daylight saving time) whose visitors browse in Paris time.
    settings.TIME_ZONE = "Indian/Reunion"
    session = SessionPageFactory(
        occurrences=[(paris(2031, 1, 14, 9, 30), paris(2031, 1, 14, 11))],
    )

    with timezone.override(ZoneInfo("Europe/Paris")):
        calendar, text = calendar_at(client, f"/api/catalogue/{session.pk}/calendar.ics")

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Indian/Reunion"]
    assert "DTSTART;TZID=Indian/Reunion:20310114T123000" in text
