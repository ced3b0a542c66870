"""The catalogue's part of a person's data: in their download, and when their account goes.

Receivers of ``membership.signals``, connected in ``CatalogueConfig.ready()``.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from . import services
from .models import Application, Registration


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def registrations_data(sender, *, user, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("session", "occurrence")
        .order_by("created_at", "pk")
    )
    return "registrations", [
        {
            "session": registration.session.title,
            "dates": [
                {"start": _iso(slot.start), "end": _iso(slot.end)} for slot in registration.slots
            ],
            "status": registration.get_status_display(),
            "organisation": registration.organisation,
            "attended": registration.attended,
            "created_at": _iso(registration.created_at),
            "promoted_at": _iso(registration.promoted_at),
            "cancelled_at": _iso(registration.cancelled_at),
        }
        for registration in registrations
    ]


def applications_data(sender, *, user, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    applications = Application.objects.filter(user=user).select_related("call")
    return "applications", [
        {
            "call": application.call.title,
            "answers": [
                {"question": question, "answer": answer}
                for question, answer in application.answer_rows()
            ],
            "status": application.get_status_display(),
            "decision_note": application.decision_note,
            "created_at": _iso(application.created_at),
            "decided_at": _iso(application.decided_at),
        }
        for application in applications.order_by("created_at", "pk")
    ]


def forget(sender, *, user, **kwargs) -> None:
    services.account_forget(user=user)
