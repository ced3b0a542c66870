"""What the registration box needs to know about the visitor and a session."""

from django import template
from django.utils import timezone

from catalogue.models import Application, AttendanceMode, Registration, RegistrationStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def my_registration(context, session):
    """The signed-in person's live registration for ``session``, or None."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated or session.pk is None:
        return None
    return (
        Registration.objects.active()
        .filter(session=session, user=user)
        .select_related("occurrence")
        .first()
    )


@register.simple_tag(takes_context=True)
def my_application(context, call):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated or call.pk is None:
        return None
    return Application.objects.filter(call=call, user=user).first()


@register.simple_tag
def seats_by_date(session):
    """For pick-one sessions: [(occurrence, seats left or None)] in date order, for the dates
    not started yet (the only ones open to registration)."""
    if session.attendance_mode != AttendanceMode.ONE_DATE:
        return []
    now = timezone.now()
    counts = {}
    for occurrence_id in session.registrations.filter(
        status=RegistrationStatus.CONFIRMED
    ).values_list("occurrence_id", flat=True):
        counts[occurrence_id] = counts.get(occurrence_id, 0) + 1
    return [
        (
            occurrence,
            None
            if session.capacity is None
            else max(session.capacity - counts.get(occurrence.pk, 0), 0),
        )
        for occurrence in session.sorted_occurrences
        if occurrence.start > now
    ]
