"""Registration and application pages for signed-in people; the writes go through services."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from membership.payments import online_payment_enabled
from membership.years import year_label

from ..models import (
    Application,
    AttendanceMode,
    QuestionKind,
    Registration,
    RegistrationStatus,
    SessionPage,
    WorkingGroupCallPage,
)
from ..page_access import person_refusal_message, refusal_message
from . import services
from .invitations import registration_calendar


def payment_url(*, year: int, next_url: str) -> str | None:
    """Where a person who is not covered pays for ``year``, coming back to ``next_url`` after."""
    query = urlencode({"annee": year, "next": next_url})
    for name in ("membership_checkout:checkout_start", "membership:account"):
        try:
            return f"{reverse(name)}?{query}"
        except NoReverseMatch:
            continue
    return None


class RegistrationForm(forms.Form):
    occurrence = forms.ModelChoiceField(
        label="Date choisie",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choisissez une date.",
            "invalid_choice": "Cette date n'est pas proposée pour cette session.",
        },
    )

    accessibility_needs = forms.CharField(
        label="Besoin d'adaptation (facultatif)",
        required=False,
        max_length=services.ACCESSIBILITY_NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Situation de handicap, besoin particulier : dites-nous ce qui vous aiderait. "
        "Seuls le référent handicap et le contact de la session le lisent.",
    )

    def __init__(self, *args, session: SessionPage, **kwargs):
        super().__init__(*args, **kwargs)
        if session.attendance_mode == AttendanceMode.ONE_DATE:
            from ..templatetags.registration_tags import seats_by_date

            seats = dict(seats_by_date(session))
            field = self.fields["occurrence"]
            field.queryset = session.occurrences.filter(start__gt=timezone.now()).order_by("start")
            field.label_from_instance = lambda occurrence: _occurrence_label(
                occurrence, seats.get(occurrence)
            )
        else:
            del self.fields["occurrence"]


def _occurrence_label(occurrence, seats_left: int | None = None) -> str:
    """The date, its precision, and whether seats are left on it (as the session page says)."""
    from ..templatetags.catalogue_tags import occurrence_label, seats_label

    label = occurrence_label(occurrence)
    if occurrence.label:
        label += f" ({occurrence.label})"
    if seats_left is not None:
        label += f" — {seats_label(seats_left) if seats_left else 'complet, liste d’attente'}"
    return label


def _live_session(session_id: int) -> SessionPage:
    return get_object_or_404(SessionPage.objects.live().specific(), pk=session_id)


def _restricted(request, error: str) -> HttpResponse:
    """The 403 for a person who may not view a page: it says why, not which page."""
    return render(request, "catalogue/registration/restricted.html", {"error": error}, status=403)


@login_required
def register(request, session_id: int):
    """GET: a page to confirm (and pick a date); POST: the registration itself."""
    session = _live_session(session_id)
    if error := refusal_message(session, request):
        return _restricted(request, error)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RegistrationForm(data, session=session)
    existing = Registration.objects.active().filter(session=session, user=request.user).first()
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                session=session,
                user=request.user,
                occurrence=form.cleaned_data.get("occurrence"),
                accessibility_needs=form.cleaned_data["accessibility_needs"],
            )
        except ValidationError as error:
            if error.code == "not_covered":
                year = error.params["year"]
                # After paying, the person comes back here to finish this registration.
                next_url = reverse("catalogue:register", args=[session.pk])
                if form.cleaned_data.get("occurrence"):
                    next_url += "?" + urlencode({"occurrence": form.cleaned_data["occurrence"].pk})
                return render(
                    request,
                    "catalogue/registration/not_covered.html",
                    {
                        "session": session,
                        "error": error.message,
                        "year": year_label(year),
                        "pay_url": payment_url(year=year, next_url=next_url),
                        "pay_online": online_payment_enabled(),
                    },
                    status=403,
                )
            messages.error(request, error.message)
            return redirect(session.url)
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(
                request, "Votre inscription est confirmée : un courriel avec l'invitation suit."
            )
        else:
            messages.warning(
                request,
                f"La session est complète : vous êtes sur la liste d'attente "
                f"(position {registration.waiting_rank()}). Nous vous écrirons si une place se libère.",
            )
        return redirect("catalogue:my_registrations")
    return render(
        request,
        "catalogue/registration/register.html",
        {
            "session": session,
            "form": form,
            "existing": existing,
            "refusal": services.registration_opening_error(session),
        },
    )


def online_signing(registration: Registration, now) -> list:
    """The half-days the person can sign now from this page: the session is held online, the
    half-day is under way and staff opened its signing. Each with ``signed`` set."""
    from ..attendance import services as attendance
    from ..attendance.signing import signing_window

    if not (registration.is_confirmed and registration.session.is_online):
        return []
    current = [
        h for h in registration.half_days if signing_window(h)[0] <= now <= signing_window(h)[1]
    ]
    if not current:
        return []
    signed = attendance.signatures_by_registration(registration.session).get(registration.pk, {})
    return [
        {"half_day": h, "signed": h.key in signed}
        for h in current
        if attendance.is_open_online(registration.session, h)
    ]


def registrations_overview(user) -> dict:
    """The person's upcoming and past registrations and their applications, for their pages."""
    now = timezone.now()
    registrations = list(
        Registration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session", "occurrence")
        .prefetch_related("session__occurrences")
    )
    for registration in registrations:
        registration.can_cancel = services.can_cancel(registration, now)
        registration.cancel_until = services.cancellation_deadline(registration)
        registration.online_signing = online_signing(registration, now)
    upcoming = [r for r in registrations if r.ends_at and r.ends_at >= now]
    past = [r for r in registrations if not (r.ends_at and r.ends_at >= now)]
    upcoming.sort(key=lambda r: r.starts_at)
    past.sort(key=lambda r: r.starts_at or now, reverse=True)
    applications = Application.objects.filter(user=user).select_related("call")
    return {"upcoming": upcoming, "past": past, "applications": applications}


@login_required
def my_registrations(request):
    return render(
        request,
        "catalogue/registration/my_registrations.html",
        registrations_overview(request.user),
    )


def _own_registration(request, pk: int) -> Registration:
    """Another person's registration answers 404, like one that does not exist."""
    return get_object_or_404(
        Registration.objects.select_related("session", "occurrence"), pk=pk, user=request.user
    )


@login_required
@require_POST
def cancel(request, pk: int):
    registration = _own_registration(request, pk)
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Votre inscription à « {registration.session.title} » est annulée."
        )
    return redirect("catalogue:my_registrations")


@login_required
def registration_ics(request, pk: int):
    """The participant's calendar file; the meeting link stays in their emails only."""
    registration = _own_registration(request, pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return HttpResponse("Cette inscription est annulée.", status=404)
    if error := person_refusal_message(registration.session, request.user):
        return _restricted(request, error)
    response = HttpResponse(
        registration_calendar(registration, with_meeting_url=False),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="inscription-{registration.pk}.ics"'
    return response


class ApplicationForm(forms.Form):
    """One field per question of the call, named by the question's id."""

    def __init__(self, *args, call: WorkingGroupCallPage, **kwargs):
        super().__init__(*args, **kwargs)
        for question in call.questions.all():
            common = {
                "label": question.label,
                "help_text": question.help_text,
                "required": question.required,
                "error_messages": {"required": f"Répondez à la question « {question.label} »."},
            }
            key = str(question.pk)
            if question.kind == QuestionKind.CHOICE:
                choices = [(choice, choice) for choice in question.choice_list]
                if not question.required:
                    choices = [("", "—"), *choices]
                self.fields[key] = forms.ChoiceField(choices=choices, **common)
            elif question.kind == QuestionKind.SHORT_TEXT:
                self.fields[key] = forms.CharField(max_length=services.SHORT_TEXT_MAX, **common)
            else:
                self.fields[key] = forms.CharField(
                    max_length=services.LONG_TEXT_MAX, widget=forms.Textarea, **common
                )


@login_required
def apply(request, call_id: int):
    call = get_object_or_404(WorkingGroupCallPage.objects.live().specific(), pk=call_id)
    if error := refusal_message(call, request):
        return _restricted(request, error)
    existing = Application.objects.filter(call=call, user=request.user).first()
    form = ApplicationForm(request.POST or None, call=call)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.application_submit(call=call, user=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, errors in error.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                messages.error(request, error.message)
                return redirect(call.url)
        else:
            messages.success(
                request, "Votre candidature est envoyée : un accusé de réception suit."
            )
            return redirect("catalogue:my_registrations")
    return render(
        request,
        "catalogue/registration/apply.html",
        {
            "call": call,
            "form": form,
            "existing": existing,
            "refusal": services.application_opening_error(call),
        },
    )
