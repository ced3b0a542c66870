"""The participant's side of attendance: signing a half-day (QR code or online) and their
certificate of completion. Writes go through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from membership.services import association_identity
from membership.views import pdf_response

from ..models import Registration, SessionPage
from . import services
from .pdf import certificate_pdf


@login_required
def sign(request, session_id: int, key: str, code: str):
    """The page a QR code opens: one button that signs the half-day (a scan alone signs
    nothing, so a link preview cannot sign for the person)."""
    session = get_object_or_404(SessionPage.objects.live(), pk=session_id)
    half_day = session.half_day(key)
    if half_day is None:
        raise Http404("Cette demi-journée n'existe pas pour cette session.")
    context = {"session": session, "half_day": half_day, "signature": None, "error": None}
    if request.method == "POST":
        try:
            context["signature"] = services.attendance_sign_by_code(
                session=session, key=key, code=code, user=request.user
            )
        except ValidationError as error:
            context["error"] = error.message
    status = 409 if context["error"] else 200
    return render(request, "catalogue/attendance/sign.html", context, status=status)


def _own(request, pk: int) -> Registration:
    """Another person's registration answers 404, like one that does not exist."""
    return get_object_or_404(
        Registration.objects.select_related("session", "occurrence", "user"),
        pk=pk,
        user=request.user,
    )


@login_required
@require_POST
def sign_online(request, pk: int, key: str):
    registration = _own(request, pk)
    try:
        signature = services.attendance_sign_online(
            registration=registration, key=key, user=request.user
        )
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        label = key_label(registration, key)
        messages.success(request, f"Présence signée : {signature.session.title}, {label}.")
    return redirect("catalogue:my_registrations")


def key_label(registration: Registration, key: str) -> str:
    half_day = registration.session.half_day(key)
    return half_day.label if half_day else key


@login_required
def certificate(request, pk: int):
    registration = _own(request, pk)
    try:
        issued = services.certificate_for(registration=registration)
    except ValidationError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    return certificate_response(issued)


def certificate_response(issued) -> HttpResponse:
    pdf = certificate_pdf(issued, identity=association_identity())
    return pdf_response(pdf, f"certificat-{issued.display_number}.pdf")
