"""Writes of the satisfaction surveys: inviting, answering, erasing.

Keyword-only functions, each in one transaction; a refused answer raises a ``ValidationError``
with a French message and writes nothing. Emails leave through background tasks once the
transaction has committed.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from ..app_settings import app_settings
from ..models import (
    Registration,
    RegistrationStatus,
    SessionPage,
    SurveyAnswer,
    SurveyInvitation,
    SurveyMoment,
    SurveyQuestionKind,
    SurveyResponse,
    SurveyTemplate,
)
from ..models.pages import COLD_SURVEY_DEFAULT_DAYS
from . import emails

TOKEN_SALT = "catalogue.surveys.invitation"
TEXT_MAX = 5000


# --------------------------------------------------------------------------- links


def invitation_token(invitation: SurveyInvitation) -> str:
    """The signed token of an invitation's link: it names the invitation by a random key."""
    return signing.dumps(str(invitation.nonce), salt=TOKEN_SALT, compress=False)


class InvalidLink(Exception):
    """A survey link that cannot be used; ``reason`` is invalid, expired or used."""

    def __init__(self, reason: str, invitation: SurveyInvitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> SurveyInvitation:
    """The invitation a link names, still usable; raises ``InvalidLink`` otherwise."""
    try:
        nonce = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvalidLink("invalid") from None
    invitation = (
        SurveyInvitation.objects.select_related("session", "template").filter(nonce=nonce).first()
    )
    if invitation is None:
        raise InvalidLink("invalid")
    if invitation.answered_at is not None:
        raise InvalidLink("used", invitation)
    if (now or timezone.now()) > invitation.expires_at:
        raise InvalidLink("expired", invitation)
    return invitation


# --------------------------------------------------------------------------- sending


@dataclass
class SendReport:
    invited: int = 0
    reminded: int = 0
    by_moment: dict[str, int] = field(default_factory=dict)


def _participant_moment_due(
    registration: Registration, moment: str, now: dt.datetime
) -> dt.datetime | None:
    """When a participant's survey of ``moment`` is due: the end of their dates, plus the cold
    survey's delay. None while their dates have not ended."""
    ends_at = registration.ends_at
    if ends_at is None:
        return None
    if moment == SurveyMoment.COLD:
        delay = registration.session.cold_survey_delay_days or COLD_SURVEY_DEFAULT_DAYS
        ends_at += dt.timedelta(days=delay)
    return ends_at


def _invite(
    *,
    session: SessionPage,
    template: SurveyTemplate,
    moment: str,
    email: str,
    now: dt.datetime,
    registration: Registration | None = None,
    person=None,
) -> SurveyInvitation | None:
    lookup = {"session": session, "moment": moment}
    lookup["registration" if registration else "person"] = registration or person
    if SurveyInvitation.objects.filter(**lookup).exists():
        return None
    invitation = SurveyInvitation.objects.create(
        **lookup,
        template=template,
        email=email,
        sent_at=now,
        expires_at=now + dt.timedelta(days=app_settings.SURVEY_LINK_DAYS),
    )
    pk = invitation.pk
    transaction.on_commit(lambda: emails.send_survey_email.enqueue(pk, "invitation"))
    return invitation


def surveys_send(*, now: dt.datetime | None = None) -> SendReport:
    """Invite whoever a survey is due for, and remind once who has not answered.

    À chaud: each confirmed participant marked present, once their dates have ended; à froid:
    ``cold_survey_delay_days`` later; intervenants with an email: the trainers' survey when the
    session ends. A survey is only sent while its link would still be valid had it left on
    time (``PORTAIL_SURVEY_LINK_DAYS``), so attaching a survey to an old session sends nothing.
    Running it twice sends nothing twice. Emails through the background tasks.
    """
    now = now or timezone.now()
    window = dt.timedelta(days=app_settings.SURVEY_LINK_DAYS)
    report = SendReport()
    sessions = (
        SessionPage.objects.live()
        .filter(
            Q(hot_survey__isnull=False)
            | Q(cold_survey__isnull=False)
            | Q(trainer_survey__isnull=False)
        )
        .annotate(dates_start=Min("occurrences__start"))
        .filter(dates_start__lte=now)
        .select_related("hot_survey", "cold_survey", "trainer_survey")
        .prefetch_related("occurrences", "speakers__person")
    )
    with transaction.atomic():
        for session in sessions:
            participants = (
                Registration.objects.filter(
                    session=session, status=RegistrationStatus.CONFIRMED, attended=True
                )
                .select_related("user", "occurrence")
                .order_by("pk")
            )
            for moment, template in (
                (SurveyMoment.HOT, session.hot_survey),
                (SurveyMoment.COLD, session.cold_survey),
            ):
                if template is None:
                    continue
                for registration in participants:
                    registration.session = session
                    due = _participant_moment_due(registration, moment, now)
                    if due is None or not (due <= now < due + window):
                        continue
                    if not registration.user.email:
                        continue
                    if _invite(
                        session=session,
                        template=template,
                        moment=moment,
                        email=registration.user.email,
                        registration=registration,
                        now=now,
                    ):
                        report.invited += 1
                        report.by_moment[moment] = report.by_moment.get(moment, 0) + 1
            ends_at = session.ends_at
            if session.trainer_survey and ends_at and ends_at <= now < ends_at + window:
                trainers = {s.person_id: s.person for s in session.speakers.all()}
                for person in trainers.values():
                    if person.email and _invite(
                        session=session,
                        template=session.trainer_survey,
                        moment=SurveyMoment.TRAINER,
                        email=person.email,
                        person=person,
                        now=now,
                    ):
                        report.invited += 1
                        key = SurveyMoment.TRAINER
                        report.by_moment[key] = report.by_moment.get(key, 0) + 1

        reminder_due = now - dt.timedelta(days=app_settings.SURVEY_REMINDER_DAYS)
        to_remind = SurveyInvitation.objects.unanswered().filter(
            reminded_at__isnull=True, sent_at__lte=reminder_due, expires_at__gt=now
        )
        for invitation in to_remind.select_for_update():
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at"])
            pk = invitation.pk
            transaction.on_commit(lambda pk=pk: emails.send_survey_email.enqueue(pk, "reminder"))
            report.reminded += 1
    return report


# --------------------------------------------------------------------------- answering


def clean_survey_answers(template: SurveyTemplate, data: dict[str, Any]) -> dict[int, Any]:
    """The answers to ``template``'s questions from ``data`` keyed ``q<id>``, checked; raises a
    ``ValidationError`` naming each wrong answer (keyed as the form's fields)."""
    errors: dict[str, str] = {}
    answers: dict[int, Any] = {}
    for question in template.questions.all():
        key = f"q{question.pk}"
        raw = data.get(key)
        value = ("" if raw is None else str(raw)).strip()
        if not value:
            if question.required:
                errors[key] = "Répondez à cette question."
            continue
        if question.kind == SurveyQuestionKind.RATING:
            if value not in {"1", "2", "3", "4", "5"}:
                errors[key] = "Choisissez une note de 1 à 5."
                continue
            answers[question.pk] = int(value)
        elif question.kind == SurveyQuestionKind.CHOICE:
            if value not in question.choice_list:
                errors[key] = "Choisissez une des réponses proposées."
                continue
            answers[question.pk] = value
        else:
            if len(value) > TEXT_MAX:
                errors[key] = f"Répondez en {TEXT_MAX} caractères au plus."
                continue
            answers[question.pk] = value
    if errors:
        raise ValidationError(errors)
    return answers


def survey_submit(
    *, token: str, data: dict[str, Any], now: dt.datetime | None = None
) -> SurveyResponse:
    """Record the answers given through an invitation's link, which then stops working.

    An anonymous template's response keeps no link to the invitation or the person; a named one
    keeps the person (the participant's account, or the intervenant's name). Raises
    ``InvalidLink`` for an unusable link, ``ValidationError`` for wrong answers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_token(token, now=now)
        invitation = (
            # Only the invitation's row: PostgreSQL locks no nullable side of an outer join.
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("template", "registration__user", "person", "session")
            .get(pk=invitation.pk)
        )
        if invitation.answered_at is not None:  # answered meanwhile, in another request
            raise InvalidLink("used", invitation)
        template = invitation.template
        answers = clean_survey_answers(template, data)
        named = not template.anonymous
        user = invitation.registration.user if named and invitation.registration else None
        respondent = ""
        if named:
            if invitation.person is not None:
                respondent = invitation.person.full_name
            elif user is not None:
                respondent = user.get_full_name() or user.email
        response = SurveyResponse.objects.create(
            session=invitation.session,
            template=template,
            moment=invitation.moment,
            submitted_on=timezone.localdate(now),
            user=user,
            respondent=respondent,
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                response=response,
                question_id=question_id,
                rating=value if isinstance(value, int) else None,
                text="" if isinstance(value, int) else value,
            )
            for question_id, value in answers.items()
        )
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
    return response


# --------------------------------------------------------------------------- retention


def erase_expired_survey_answers(*, before: dt.datetime) -> int:
    """Delete the survey responses (with their answers) and invitations of sessions whose last
    date ended before ``before``, the retention limit; returns how many responses went."""
    ended = (
        SessionPage.objects.annotate(dates_end=Max("occurrences__end"))
        .filter(dates_end__lt=before)
        .values("pk")
    )
    with transaction.atomic():
        responses = SurveyResponse.objects.filter(session__in=ended)
        count = responses.count()
        SurveyAnswer.objects.filter(response__in=responses).delete()
        responses.delete()
        SurveyInvitation.objects.filter(session__in=ended).delete()
    return count


def survey_forget(*, user) -> None:
    """An account being deleted: its named responses stay as the body's feedback, without the
    person; its invitations lose their address."""
    with transaction.atomic():
        SurveyResponse.objects.filter(user=user).update(user=None, respondent="")
        SurveyInvitation.objects.filter(registration__user=user).update(email="")
