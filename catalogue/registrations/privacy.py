"""The catalogue's part of a person's data: in their download, and when their account goes.

Receivers of ``membership.signals``, connected in ``CatalogueConfig.ready()``.
"""

from typing import Any

from membership.privacy import iso

from ..attendance import services as attendance
from ..models import Application, Registration
from . import services


def registrations_data(sender, *, user, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("session", "occurrence", "certificate")
        .prefetch_related("signatures")
        .order_by("created_at", "pk")
    )
    return "registrations", [
        {
            "session": registration.session.title,
            "dates": [
                {"start": iso(slot.start), "end": iso(slot.end)} for slot in registration.slots
            ],
            "status": registration.get_status_display(),
            "organisation": registration.organisation,
            "attended": registration.attended,
            "signatures": [
                {
                    "day": signature.day.isoformat(),
                    "half_day": signature.get_period_display(),
                    "method": signature.get_method_display(),
                    "signed_at": iso(signature.signed_at),
                    "cancels": signature.cancels_id,
                    "id": signature.pk,
                }
                for signature in registration.signatures.all()
            ],
            "certificate": (
                registration.certificate.display_number
                if hasattr(registration, "certificate")
                else None
            ),
            "accessibility_needs": registration.accessibility_needs,
            "created_at": iso(registration.created_at),
            "promoted_at": iso(registration.promoted_at),
            "cancelled_at": iso(registration.cancelled_at),
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
            "created_at": iso(application.created_at),
            "decided_at": iso(application.decided_at),
        }
        for application in applications.order_by("created_at", "pk")
    ]


def forget(sender, *, user, **kwargs) -> None:
    from ..surveys.services import survey_forget

    services.account_forget(user=user)
    attendance.attendance_forget(user=user)
    survey_forget(user=user)
