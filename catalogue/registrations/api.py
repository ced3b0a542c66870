"""The signed-in person's registrations and applications (session cookie + CSRF, or bearer token).

Every refusal answers with ``{"code": ..., "detail": "<French message>"}``; another person's
registration or application answers 404, exactly like one that does not exist.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth

from ..models import (
    Application,
    Registration,
    RegistrationStatus,
    SessionOccurrence,
    SessionPage,
    WorkingGroupCallPage,
)
from ..page_access import refusal_message
from ..schemas import ErrorOut, OccurrenceOut
from . import services

# Browsers: session cookie with CSRF; servers: a bearer token (Wagtail API tokens, as /api/me/).
router = Router(tags=["inscriptions"], auth=[BearerTokenAuth(), SessionAuth()])

# HTTP status of each refusal code.
REFUSAL_STATUS = {
    "restricted": 403,
    "not_covered": 403,
    "closed": 409,
    "already_registered": 409,
    "already_cancelled": 409,
    "cancellation_closed": 409,
    "registration_unavailable": 409,
    "registration_external": 409,
    "date_required": 400,
    "invalid_date": 400,
    "invalid_answers": 422,
    "not_ended": 409,
    "no_attendance": 409,
}


class RefusalOut(Schema):
    code: str = Field(description="not_covered, closed, already_registered, …")
    detail: str = Field(description="La raison, en français.")
    errors: dict[str, str] | None = Field(None, description="Par question, pour les réponses.")
    year: int | None = Field(
        None,
        description="Pour `not_covered` : l'année de cotisation à régler "
        "(`POST /api/me/cotisations/checkout/`), puis recommencer l'inscription.",
    )


class RegistrationIn(Schema):
    occurrence_id: int | None = Field(
        None, description="La date choisie, pour les sessions où l'on choisit une date."
    )
    accessibility_needs: str = Field(
        "",
        max_length=2000,
        description="Besoin d'adaptation (facultatif), transmis au seul référent handicap et "
        "au contact de la session.",
    )


class RegistrationOut(Schema):
    id: int
    session_id: int
    session_title: str
    session_url: str
    status: str = Field(description="confirmed, waiting (liste d'attente).")
    waiting_rank: int | None = Field(description="Rang sur la liste d'attente.")
    occurrence: OccurrenceOut | None = Field(description="La date choisie, le cas échéant.")
    dates: list[OccurrenceOut] = Field(description="Les dates auxquelles la personne participe.")
    created_at: dt.datetime
    cancellable_until: dt.datetime | None = Field(
        description="Annulation en ligne possible jusqu'à cette heure."
    )


class ApplicationIn(Schema):
    answers: dict[str, str] = Field(description="{identifiant de question: réponse}.")


class ApplicationOut(Schema):
    id: int
    call_id: int
    call_title: str
    status: str = Field(description="submitted, selected, reserve, declined.")
    answers: dict[str, str]
    decision_note: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _refusal(error: ValidationError) -> Status:
    if hasattr(error, "error_dict"):
        errors = {key: " ".join(messages) for key, messages in error.message_dict.items()}
        detail = "Certaines réponses sont à corriger : " + " ".join(errors.values())
        return Status(422, {"code": "invalid_answers", "detail": detail, "errors": errors})
    body = {"code": error.code, "detail": error.message}
    if error.code == "not_covered":
        body["year"] = error.params["year"]
    return Status(REFUSAL_STATUS.get(error.code, 400), body)


def _restricted(request: HttpRequest, page) -> Status | None:
    """403 for a person who may not view ``page``, as Wagtail's view restrictions say."""
    detail = refusal_message(page, request)
    return None if detail is None else Status(403, {"code": "restricted", "detail": detail})


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Times answer in Paris time, like the dates of the sessions."""
    return timezone.localtime(moment) if moment else None


def _occurrence(occurrence: SessionOccurrence) -> dict:
    return {
        "id": occurrence.pk,
        "start": timezone.localtime(occurrence.start),
        "end": timezone.localtime(occurrence.end),
        "label": occurrence.label,
    }


def _registration(registration: Registration, *, just_made: bool = False) -> dict:
    session = registration.session
    # Just made: the service counted its rank under the session's lock.
    rank = registration.rank_on_creation if just_made else registration.waiting_rank()
    return {
        "id": registration.pk,
        "session_id": session.pk,
        "session_title": session.title,
        "session_url": session.get_full_url() or "",
        "status": registration.status,
        "waiting_rank": rank,
        "occurrence": _occurrence(registration.occurrence) if registration.occurrence else None,
        "dates": [_occurrence(slot) for slot in registration.slots],
        "created_at": timezone.localtime(registration.created_at),
        "cancellable_until": _local(services.cancellation_deadline(registration)),
    }


def _application(application: Application) -> dict:
    return {
        "id": application.pk,
        "call_id": application.call_id,
        "call_title": application.call.title,
        "status": application.status,
        "answers": application.answers,
        "decision_note": application.decision_note if application.decided_at else "",
        "created_at": timezone.localtime(application.created_at),
        "decided_at": _local(application.decided_at),
    }


@router.post(
    "/catalogue/{int:item_id}/registrations/",
    response={
        201: RegistrationOut,
        400: RefusalOut,
        403: RefusalOut,
        404: ErrorOut,
        409: RefusalOut,
    },
    summary="S'inscrire à une session",
    description="201 avec `status` = `confirmed`, ou `waiting` quand la session est complète "
    "(liste d'attente). Refus : `restricted` (403, page réservée : mot de passe, connexion ou "
    "groupes), `not_covered` (403, cotisation non à jour à la date de la session), `closed`, "
    "`already_registered` (409), `date_required`, `invalid_date` (400).",
)
def create_registration(request: HttpRequest, item_id: int, payload: RegistrationIn):
    session = get_object_or_404(
        SessionPage.objects.live().prefetch_related("occurrences"), pk=item_id
    )
    if refused := _restricted(request, session):
        return refused
    occurrence = None
    if payload.occurrence_id is not None:
        occurrence = SessionOccurrence.objects.filter(pk=payload.occurrence_id).first()
        if occurrence is None:
            return Status(400, {"code": "invalid_date", "detail": "Cette date n'existe pas."})
    try:
        registration = services.registration_create(
            session=session,
            user=request.user,
            occurrence=occurrence,
            accessibility_needs=payload.accessibility_needs,
        )
    except ValidationError as error:
        return _refusal(error)
    return Status(201, _registration(registration, just_made=True))


def _my_registrations(request: HttpRequest):
    return (
        Registration.objects.filter(user=request.user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session", "occurrence")
        .prefetch_related("session__occurrences")
    )


@router.get(
    "/me/registrations/",
    response=list[RegistrationOut],
    summary="Mes inscriptions",
    description="Inscriptions confirmées et en liste d'attente, des plus récentes aux plus "
    "anciennes. Le lien de connexion n'y figure pas : il est envoyé par courriel.",
)
def list_my_registrations(request: HttpRequest):
    return [_registration(r) for r in _my_registrations(request).order_by("-created_at")]


@router.delete(
    "/me/registrations/{int:registration_id}/",
    response={204: None, 404: ErrorOut, 409: RefusalOut},
    summary="Annuler mon inscription",
    description="Possible jusqu'au délai d'annulation (`cancellable_until`) ; la première "
    "personne en liste d'attente prend la place. Refus : `cancellation_closed`, "
    "`already_cancelled` (409).",
)
def cancel_my_registration(request: HttpRequest, registration_id: int):
    # A registration already cancelled answers why (409), not 404.
    registration = get_object_or_404(
        Registration.objects.filter(user=request.user).select_related("session", "occurrence"),
        pk=registration_id,
    )
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        return _refusal(error)
    return Status(204, None)


@router.get(
    "/me/registrations/{int:registration_id}/certificate.pdf",
    url_name="me_registration_certificate",
    response={404: ErrorOut, 409: RefusalOut},
    summary="Télécharger mon certificat de réalisation (PDF)",
    description="Après la dernière demi-journée, pour une inscription dont au moins une "
    "demi-journée est signée. Refus : `not_ended` (409, la session n'est pas finie), "
    "`no_attendance` (409, aucune demi-journée signée) ; 404 pour l'inscription d'une autre "
    "personne.",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le certificat en PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def my_certificate_pdf(request: HttpRequest, registration_id: int):
    from ..attendance import services as attendance
    from ..attendance.views import certificate_response

    registration = get_object_or_404(
        Registration.objects.filter(user=request.user).select_related("session", "occurrence"),
        pk=registration_id,
    )
    try:
        certificate = attendance.certificate_for(registration=registration)
    except ValidationError as error:
        return _refusal(error)
    return certificate_response(certificate)


@router.post(
    "/catalogue/{int:item_id}/applications/",
    response={
        201: ApplicationOut,
        400: RefusalOut,
        403: RefusalOut,
        404: ErrorOut,
        409: RefusalOut,
        422: RefusalOut,
    },
    summary="Candidater à un appel à manifestation d'intérêt",
    description="`answers` : une réponse par question de l'appel (voir `questions` dans le "
    "détail de l'appel). Refus : `restricted` (403, page réservée), `closed`, "
    "`already_registered` (409), `invalid_answers` (422, "
    "avec `errors` par question).",
)
def create_application(request: HttpRequest, item_id: int, payload: ApplicationIn):
    call = get_object_or_404(WorkingGroupCallPage.objects.live(), pk=item_id)
    if refused := _restricted(request, call):
        return refused
    try:
        application = services.application_submit(
            call=call, user=request.user, answers=payload.answers
        )
    except ValidationError as error:
        return _refusal(error)
    return Status(201, _application(application))


@router.get(
    "/me/applications/",
    response=list[ApplicationOut],
    summary="Mes candidatures",
)
def list_my_applications(request: HttpRequest):
    applications = Application.objects.filter(user=request.user).select_related("call")
    return [_application(a) for a in applications.order_by("-created_at")]
