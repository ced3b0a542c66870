"""Background work of the membership app (django-tasks).

``send_cotisation_reminders`` runs the day's reminders; a scheduler (cron, a systemd timer, the
platform's scheduled jobs) runs ``manage.py send_cotisation_reminders --enqueue`` once a day, and
the worker sends them. Dates are set per category by ``RenewalRule`` (« Renouvellement » in the
admin), by default by ``PORTAIL_MEMBERSHIP_REMINDER_DAYS``.
"""

import datetime as dt

from django_tasks import task

from . import services


@task()
def send_cotisation_reminders(day: str | None = None, year: int | None = None) -> int:
    """Send the reminders due on ``day`` (ISO date, today by default), or all of ``year`` now.
    Each holder is reminded at most once per step of the schedule. Returns how many emails left."""
    today = dt.date.fromisoformat(day) if day else None
    return services.reminders_send(today=today, year=year)
