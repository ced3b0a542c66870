"""The code a trainer shows during a half-day: an HMAC of the session, the half-day and the
minute, so it changes every minute and cannot be guessed or reused for another half-day."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ..app_settings import app_settings
from ..models import HalfDay

SALT = "catalogue.attendance.signing"
CODE_LENGTH = 12


def _minute(now: dt.datetime) -> int:
    return int(now.timestamp() // 60)


def code_for(session_id: int, half_day: HalfDay, minute: int) -> str:
    value = f"{session_id}:{half_day.key}:{minute}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:CODE_LENGTH]


def current_code(session_id: int, half_day: HalfDay, now: dt.datetime | None = None) -> str:
    return code_for(session_id, half_day, _minute(now or timezone.now()))


def code_is_valid(
    session_id: int, half_day: HalfDay, code: str, now: dt.datetime | None = None
) -> bool:
    """The code of this minute or the previous one (a scan at 9:41:59 posted at 9:42:03)."""
    minute = _minute(now or timezone.now())
    return any(
        constant_time_compare(code, code_for(session_id, half_day, m)) for m in (minute, minute - 1)
    )


def signing_window(half_day: HalfDay) -> tuple[dt.datetime, dt.datetime]:
    """When signing is open: the half-day's hours with ``PORTAIL_SIGNING_GRACE_MINUTES`` on
    each side, for those who arrive early or sign as they leave."""
    grace = dt.timedelta(minutes=app_settings.SIGNING_GRACE_MINUTES)
    return half_day.start - grace, half_day.end + grace


def signing_path(session_id: int, half_day: HalfDay, code: str) -> str:
    return reverse("catalogue:sign", args=[session_id, half_day.key, code])
