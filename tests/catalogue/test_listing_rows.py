"""The API listing read as rows gives, byte for byte, what the cards built from pages gave."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import RequestFactory
from ninja.responses import NinjaJSONEncoder

from catalogue.models import (
    AttendanceMode,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionFormat,
    SessionKind,
    viewable_items,
)
from catalogue.queries import listing_rows, load_items, ordered
from catalogue.schemas import CatalogueListOut, serialize_items, serialize_rows
from tests.catalogue.factories import (
    AudienceFactory,
    CatalogueIndexPageFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    paris,
)
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = paris(2031, 3, 10, 15, 30)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def fixed_clock(settings):
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        yield


def at(days, hour=10):
    return NOW.replace(hour=hour, minute=0) + days * DAY


def varied_catalogue():
    """Items of every type in every registration state, with seats, places and labels apart."""
    index = CatalogueIndexPageFactory(slug="la-coopération")
    themes = [ThemeFactory(name="Énergie"), ThemeFactory(name="agriculture"), ThemeFactory()]
    audiences = [AudienceFactory(name="Élus"), AudienceFactory()]
    sessions = [
        # full: one seat, taken
        {"capacity": 1, "occurrences": [(at(5), at(5, 12))], "themes": themes},
        # pick-one date, seats on each date, some taken
        {
            "capacity": 2,
            "attendance_mode": AttendanceMode.ONE_DATE,
            "occurrences": [(at(9), at(9, 17)), (at(2), at(2, 12)), (at(-1), at(-1, 12))],
            "audiences": audiences,
        },
        # in progress: started yesterday, ends tomorrow; registration closed
        {"occurrences": [(at(-1), at(1, 17))], "format": SessionFormat.HYBRID, "venue_name": ""},
        # past
        {"occurrences": [(at(-30), at(-30, 12))], "format": SessionFormat.ONLINE},
        # undated, no capacity, external link, hybrid with a place
        {
            "occurrences": [],
            "capacity": None,
            "registration_mode": RegistrationMode.EXTERNAL,
            "registration_url": "https://example.org/inscription",
            "format": SessionFormat.HYBRID,
            "kind": SessionKind.WEBCONFERENCE,
        },
        # not open yet, deadline later
        {
            "occurrences": [(at(40), at(41, 17))],
            "registration_opens_at": at(3),
            "registration_deadline": (NOW + 20 * DAY).date(),
            "fee_note": "Repas à la charge des participants",
            "registration_mode": RegistrationMode.ACCOUNT,
        },
        # deadline passed, no registration at all
        {"occurrences": [(at(12), at(12, 12))], "registration_deadline": (NOW - DAY).date()},
        {"occurrences": [(at(14), at(14, 12))], "registration_mode": RegistrationMode.NONE},
        # the same day, one ending before now and one after: labels kept in time order
        {
            "occurrences": [
                {"start": at(0, 9), "end": at(0, 11), "label": "Matin"},
                {"start": at(0, 14), "end": at(0, 18), "label": "Après-midi"},
            ]
        },
    ]
    made = []
    for n, fields in enumerate(sessions):
        made.append(SessionPageFactory(parent=index, title=f"Session {n} à Die", **fields))
    full, pick_one = made[0], made[1]
    for session, count in ((full, 1), (pick_one, 3)):
        for position in range(count):
            Registration.objects.create(
                session=session,
                user=UserFactory(),
                status=RegistrationStatus.CONFIRMED,
                position=position,
            )
    Registration.objects.create(
        session=full, user=UserFactory(), status=RegistrationStatus.WAITING, position=1
    )
    calls = [
        {"themes": themes[1:]},
        {"first_meeting": None, "registration_deadline": None, "meeting_place": "Valence"},
        {"first_meeting": (NOW - 3 * DAY).date(), "registration_deadline": (NOW - 9 * DAY).date()},
        {"first_meeting": (NOW + 3 * DAY).date(), "registration_deadline": (NOW - 2 * DAY).date()},
        {"registration_mode": RegistrationMode.NONE, "fee_note": ""},
    ]
    for n, fields in enumerate(calls):
        WorkingGroupCallPageFactory(parent=index, title=f"Groupe {n}", **fields)
    for n in range(3):
        ResourceArticlePageFactory(
            parent=index,
            title=f"Ressource {n}",
            date=(NOW - n * 40 * DAY).date(),
            audiences=audiences[:1],
        )


def from_pages(queryset, request):
    """The listing as the pages gave it: the cards built from ``load_items``'s pages."""
    return serialize_items(load_items(queryset), request=request)


def rendered(items, count):
    body = CatalogueListOut.model_validate({"count": count, "items": items}).model_dump()
    return json.dumps(body, cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("ordering", ["-date", "date", "title", "-published"])
def test_the_rows_give_the_bytes_the_pages_gave(client, ordering):
    varied_catalogue()
    request = RequestFactory().get("/api/catalogue/")
    items = ordered(viewable_items(None), ordering)
    count = items.count()
    assert count == 17
    expected = rendered(from_pages(items[:50], request), count)
    assert rendered(serialize_rows(listing_rows(items, limit=50), request=request), count) == (
        expected
    )
    response = client.get(f"/api/catalogue/?limit=50&ordering={ordering}")
    assert response.content == expected

    states = {item["registration_state"] for item in json.loads(expected)["items"]}
    assert states == {"past", "none", "external", "not_open", "closed", "full", "open"}


def test_a_page_of_rows_is_the_same_slice_of_the_pages(client):
    varied_catalogue()
    items = ordered(viewable_items(None), "date")
    request = RequestFactory().get("/api/catalogue/")
    for offset in (0, 4, 16):
        rows = serialize_rows(listing_rows(items, offset=offset, limit=4), request=request)
        assert rendered(rows, 0) == rendered(from_pages(items[offset : offset + 4], request), 0)
