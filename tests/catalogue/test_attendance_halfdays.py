"""Every date of a session divides into half-days, the unit attendance is signed for."""

import datetime as dt
from decimal import Decimal

import pytest
from wagtail.blocks import StreamValue

from catalogue.models import AttendanceMode, Registration, RegistrationStatus
from tests.catalogue.factories import SessionPageFactory, paris
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


def summary(half_days):
    return [(h.key, f"{h.start:%H:%M}", f"{h.end:%H:%M}", h.hours) for h in half_days]


def test_a_day_from_nine_to_half_past_five_has_a_morning_and_an_afternoon():
    session = SessionPageFactory(
        occurrences=[(paris(2026, 11, 27, 9), paris(2026, 11, 27, 17, 30))]
    )
    assert summary(session.half_days) == [
        ("2026-11-27-matin", "09:00", "13:00", Decimal("4.00")),
        ("2026-11-27-apres-midi", "13:00", "17:30", Decimal("4.50")),
    ]
    assert session.half_days[0].label == "Vendredi 27 novembre 2026, matin (9 h – 13 h)"


def test_a_two_hour_webconference_has_one_half_day():
    session = SessionPageFactory(occurrences=[(paris(2026, 11, 27, 10), paris(2026, 11, 27, 12))])
    assert summary(session.half_days) == [("2026-11-27-matin", "10:00", "12:00", Decimal("2.00"))]


def test_the_programme_half_days_give_the_hours_breaks_excluded():
    session = SessionPageFactory(
        occurrences=[
            (paris(2026, 11, 26, 9), paris(2026, 11, 26, 17, 30)),
            (paris(2026, 11, 27, 9), paris(2026, 11, 27, 16)),
        ]
    )
    half = {"sections": []}
    session.programme = StreamValue(
        session.programme.stream_block,
        [
            (
                "day",
                {
                    "title": "Jour 1",
                    "date": None,
                    "half_days": [
                        {
                            **half,
                            "period": "matin",
                            "start_time": dt.time(9, 30),
                            "end_time": dt.time(12, 30),
                        },
                        {
                            **half,
                            "period": "apres-midi",
                            "start_time": dt.time(14),
                            "end_time": dt.time(17, 30),
                        },
                    ],
                },
            ),
            (
                "day",
                {
                    "title": "Jour 2",
                    "date": dt.date(2026, 11, 27),
                    "half_days": [
                        {
                            **half,
                            "period": "matin",
                            "start_time": dt.time(9),
                            "end_time": dt.time(12),
                        },
                    ],
                },
            ),
        ],
    )
    session.save()
    session.refresh_from_db()
    assert summary(session.half_days) == [
        ("2026-11-26-matin", "09:30", "12:30", Decimal("3.00")),
        ("2026-11-26-apres-midi", "14:00", "17:30", Decimal("3.50")),
        ("2026-11-27-matin", "09:00", "12:00", Decimal("3.00")),
    ]


def test_a_pick_one_registration_expects_only_its_date():
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[
            (paris(2026, 11, 26, 9), paris(2026, 11, 26, 17)),
            (paris(2026, 12, 3, 14), paris(2026, 12, 3, 17)),
        ],
    )
    second = session.sorted_occurrences[1]
    registration = Registration.objects.create(
        session=session, user=UserFactory(), occurrence=second, position=1,
        status=RegistrationStatus.CONFIRMED,
    )  # fmt: skip
    assert [h.key for h in registration.half_days] == ["2026-12-03-apres-midi"]
    assert len(session.half_days) == 3
    assert session.ends_at == paris(2026, 12, 3, 17)


def test_a_half_day_is_current_during_its_hours_only():
    session = SessionPageFactory(occurrences=[(paris(2026, 11, 27, 9), paris(2026, 11, 27, 12))])
    (morning,) = session.half_days
    assert morning.is_current(paris(2026, 11, 27, 9))
    assert not morning.is_current(paris(2026, 11, 27, 12))
    assert session.half_day("2026-11-27-matin") == morning
    assert session.half_day("2026-11-27-apres-midi") is None
