"""Membership years: the calendar year by default, or starting on another month.

A membership year is named after the calendar year in which it starts: with a start in
September, year 2026 runs from 1 September 2026 to 31 August 2027.
"""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from .app_settings import app_settings

# The years a tariff or a cotisation may be for: beyond them, a typing mistake.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_VALIDATORS = [
    MinValueValidator(FIRST_YEAR, f"Indiquez une année entre {FIRST_YEAR} et {LAST_YEAR}."),
    MaxValueValidator(LAST_YEAR, f"Indiquez une année entre {FIRST_YEAR} et {LAST_YEAR}."),
]


def membership_year(on: dt.date | None = None) -> int:
    """The membership year that contains the date ``on`` (today in Europe/Paris by default)."""
    on = on or timezone.localdate()
    return on.year if on.month >= app_settings.YEAR_START_MONTH else on.year - 1


def year_start(year: int) -> dt.date:
    return dt.date(year, app_settings.YEAR_START_MONTH, 1)


def year_end(year: int) -> dt.date:
    return year_start(year + 1) - dt.timedelta(days=1)


def year_label(year: int) -> str:
    """« 2026 » for calendar years, « 2026-2027 » otherwise."""
    return str(year) if app_settings.YEAR_START_MONTH == 1 else f"{year}-{year + 1}"


def date_in_year(year: int, day: int, month: int) -> dt.date:
    """The date of ``day``/``month`` that falls inside membership year ``year``."""
    calendar_year = year if month >= app_settings.YEAR_START_MONTH else year + 1
    return dt.date(calendar_year, month, day)
