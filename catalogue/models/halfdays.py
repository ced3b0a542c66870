"""Half-days of a session: the unit attendance is signed for (article R6332-26 of the Code du
travail). Computed from the occurrences' hours and the programme's half-days, never stored."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

PERIODS = {"matin": "matin", "apres-midi": "après-midi", "soiree": "soirée"}
# Without a programme saying otherwise, the morning ends and the afternoon starts at 13:00.
SPLIT_AT = dt.time(13, 0)


def _hours(moment: dt.datetime) -> str:
    """« 9 h », « 17 h 30 », Paris time."""
    moment = timezone.localtime(moment)
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


@dataclass(frozen=True)
class HalfDay:
    """One half-day of one occurrence, its hours in Europe/Paris."""

    occurrence_id: int | None
    day: dt.date
    period: str
    start: dt.datetime
    end: dt.datetime

    @property
    def key(self) -> str:
        """Its name in URLs and records: ``2026-11-27-matin``."""
        return f"{self.day.isoformat()}-{self.period}"

    @property
    def period_label(self) -> str:
        return PERIODS[self.period]

    @property
    def hours(self) -> Decimal:
        return (Decimal((self.end - self.start).total_seconds()) / 3600).quantize(Decimal("0.01"))

    @property
    def hours_label(self) -> str:
        return f"{_hours(self.start)} – {_hours(self.end)}"

    @property
    def label(self) -> str:
        """« Vendredi 27 novembre 2026, matin (9 h – 13 h) »."""
        with override("fr"):
            day = date_format(self.day, "l j F Y")
        return f"{day[:1].upper()}{day[1:]}, {self.period_label} ({self.hours_label})"

    def is_current(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.start <= now < self.end


def split_key(key: str) -> tuple[dt.date, str] | None:
    """``(day, period)`` from a key, None when it is not one."""
    try:
        day = dt.date.fromisoformat(key[:10])
    except ValueError:
        return None
    period = key[11:]
    return (day, period) if key[10:11] == "-" and period in PERIODS else None


def _programme_days(programme, dates: list[dt.date]) -> dict[dt.date, list]:
    """The programme's timed half-days by date: a day block with a date goes to that date, the
    undated ones to the occurrences' dates in order."""
    by_date: dict[dt.date, list] = {}
    undated = []
    for block in programme or []:
        if block.block_type != "day":
            continue
        timed = [
            half
            for half in block.value["half_days"]
            if half["start_time"] and half["end_time"] and half["end_time"] > half["start_time"]
        ]
        if block.value["date"]:
            by_date.setdefault(block.value["date"], timed)
        else:
            undated.append(timed)
    for day, timed in zip([d for d in dates if d not in by_date], undated, strict=False):
        by_date[day] = timed
    return by_date


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_default_timezone())


def occurrence_half_days(occurrence, programme_halves: list | None = None) -> list[HalfDay]:
    """The half-days of one occurrence: the programme's (clipped to the occurrence's hours), or
    the parts before and after 13:00 of each day it covers."""
    start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
    half_days = []
    day = start.date()
    while _at(day, dt.time(0)) < end:
        day_start = max(start, _at(day, dt.time(0)))
        day_end = min(end, _at(day + dt.timedelta(days=1), dt.time(0)))
        if programme_halves and day == start.date():
            parts = [
                (half["period"], _at(day, half["start_time"]), _at(day, half["end_time"]))
                for half in programme_halves
            ]
        else:
            split = _at(day, SPLIT_AT)
            parts = [("matin", day_start, split), ("apres-midi", split, day_end)]
        for period, part_start, part_end in parts:
            part_start, part_end = max(part_start, day_start), min(part_end, day_end)
            if part_end > part_start and period not in {
                h.period for h in half_days if h.day == day
            }:
                half_days.append(HalfDay(occurrence.pk, day, period, part_start, part_end))
        day += dt.timedelta(days=1)
    return half_days


def session_half_days(session, occurrences=None) -> list[HalfDay]:
    """Every half-day of ``occurrences`` (by default all of the session's), in time order."""
    occurrences = session.sorted_occurrences if occurrences is None else occurrences
    dates = sorted({timezone.localtime(o.start).date() for o in session.sorted_occurrences})
    programme = _programme_days(session.programme, dates)
    by_key: dict[str, HalfDay] = {}
    for occurrence in occurrences:
        day = timezone.localtime(occurrence.start).date()
        for half_day in occurrence_half_days(occurrence, programme.get(day)):
            same = by_key.get(half_day.key)
            if same is not None:  # two dates in one morning: one half-day, one signature
                half_day = HalfDay(
                    same.occurrence_id,
                    half_day.day,
                    half_day.period,
                    min(same.start, half_day.start),
                    max(same.end, half_day.end),
                )
            by_key[half_day.key] = half_day
    return sorted(by_key.values(), key=lambda h: h.start)
