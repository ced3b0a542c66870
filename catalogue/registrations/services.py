"""Writes that touch seats, applications and the emails they send.

Every function here is keyword-only, runs in one transaction and raises a ``ValidationError``
with a French message and a reason ``code`` (the API answers with that code). Emails leave
through background tasks once the transaction has committed, never for a write that rolled back.

Seats: all writes to a session's registrations first lock the session's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so counting the
confirmed seats and adding a registration cannot interleave.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from membership.coverage import Coverage, coverage_for
from membership.models import AttachmentStatus, OrganisationMembership
from membership.years import membership_year, year_label

from ..app_settings import app_settings
from ..models import (
    Application,
    ApplicationQuestion,
    ApplicationStatus,
    AttendanceMode,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionOccurrence,
    SessionPage,
    WorkingGroupCallPage,
)
from ..page_access import PERSON_REFUSAL, person_can_view, person_refusal_message
from . import emails

SHORT_TEXT_MAX = 255
LONG_TEXT_MAX = 5000
ACCESSIBILITY_NEEDS_MAX = 2000


class RegistrationError(ValidationError):
    """A refused registration or application: ``code`` says why, the message says it in French."""

    def __init__(self, message: str, code: str, params: dict[str, Any] | None = None):
        super().__init__(message, code=code, params=params)


# --------------------------------------------------------------------------- helpers


def _on_commit_send(kind: str, registration: Registration) -> None:
    """Queue the ``kind`` email (see ``emails.REGISTRATION_SUBJECTS``) once the write commits."""
    pk = registration.pk
    transaction.on_commit(lambda: emails.send_registration_email.enqueue(pk, kind))


def _locked_session(session: SessionPage) -> SessionPage:
    """The session, its row locked until the transaction ends."""
    return SessionPage.objects.select_for_update(of=("self",)).get(pk=session.pk)


def _lock_session_row(session: SessionPage) -> None:
    """Lock the session's row (and nothing else) until the transaction ends; its capacity is
    read again, should staff have changed it meanwhile."""
    session.capacity = (
        SessionPage.objects.select_for_update(of=("self",))
        .values_list("capacity", flat=True)
        .get(pk=session.pk)
    )


def _seats(session: SessionPage, occurrence: SessionOccurrence | None, user) -> dict[str, int]:
    """In one statement: the confirmed and waiting registrations competing for ``occurrence``'s
    seats, the last position given in the session, and ``user``'s live registrations in it."""
    slot = Q(occurrence=occurrence) if session.attendance_mode == AttendanceMode.ONE_DATE else Q()
    return Registration.objects.filter(session=session).aggregate(
        confirmed=Count("pk", filter=slot & Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=slot & Q(status=RegistrationStatus.WAITING)),
        last_position=Max("position"),
        mine=Count("pk", filter=Q(user=user) & ~Q(status=RegistrationStatus.CANCELLED)),
    )


def _may(user, permission: str) -> bool:
    """Whether ``user`` holds ``permission``: staff act with the permissions of their Wagtail
    groups, which do not make them ``is_staff`` (a Django-admin flag)."""
    return bool(user is not None and user.is_active and user.has_perm(permission))


def _contact_hint(session: SessionPage) -> str:
    """Whom a participant writes to when the portal cannot do it for them."""
    contact = session.contact
    if contact is not None and contact.email:
        return f"écrivez à {contact.email}"
    return "écrivez au contact de la session"


def _check_viewer(page, user, *, acting_staff: bool = False) -> None:
    """Refuse a person who may not view ``page``: it shows them its dates, link and invitation."""
    if message := person_refusal_message(page, user):
        raise RegistrationError(PERSON_REFUSAL if acting_staff else message, "restricted")


def _slot(session: SessionPage, occurrence: SessionOccurrence | None):
    """The registrations competing for the same seats as ``occurrence``."""
    registrations = Registration.objects.filter(session=session)
    if session.attendance_mode == AttendanceMode.ONE_DATE:
        return registrations.filter(occurrence=occurrence)
    return registrations


def _free_seats(session: SessionPage, occurrence: SessionOccurrence | None) -> int | None:
    """Seats left for ``occurrence`` (or the whole session); None when unlimited."""
    if session.capacity is None:
        return None
    return max(session.capacity - _slot(session, occurrence).confirmed().count(), 0)


def _next_position(session: SessionPage) -> int:
    last = Registration.objects.filter(session=session).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _fill_free_seats(
    session: SessionPage, occurrence: SessionOccurrence | None
) -> list[Registration]:
    """Promote waiting people, first in line first, while seats are free; email each of them.
    People who may no longer view the session are passed over.

    Nobody is promoted into a slot that has begun: staff tidying the list after the event must
    not send "a seat is free" to the people who waited.
    """
    starts_at = occurrence.start if occurrence is not None else session.starts_at
    if starts_at is not None and starts_at <= timezone.now():
        return []
    promoted = []
    free = _free_seats(session, occurrence)
    for registration in _slot(session, occurrence).waiting().select_related("user"):
        if free is not None and free <= 0:
            break
        if not person_can_view(session, registration.user):
            continue  # they keep their place, should they be given access again
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        _on_commit_send("promotion", registration)
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted


def _organisation_name(user, coverage: Coverage | None) -> str:
    """The organisation a person registers for: the one whose cotisation covers them, if any."""
    if coverage is not None and coverage.organisation is not None:
        return coverage.organisation.name
    attachment = (
        OrganisationMembership.objects.filter(user=user, status=AttachmentStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )
    return attachment.organisation.name if attachment else ""


def registration_opening_error(
    session: SessionPage,
    occurrence: SessionOccurrence | None = None,
    now: dt.datetime | None = None,
) -> RegistrationError | None:
    """Why nobody can register for ``session`` (at ``occurrence``) right now, or None."""
    now = now or timezone.now()
    if session.registration_mode == RegistrationMode.EXTERNAL:
        return RegistrationError(
            "Les inscriptions à cette session se font sur le site de l'organisateur.",
            "registration_external",
        )
    if session.registration_mode not in (RegistrationMode.MEMBERS, RegistrationMode.ACCOUNT):
        return RegistrationError(
            "Cette session ne prend pas d'inscription en ligne.", "registration_unavailable"
        )
    starts_at = occurrence.start if occurrence else session.last_registration_start
    if starts_at is None or now >= starts_at:
        return RegistrationError(
            "Les inscriptions sont closes : la session a commencé ou est passée.", "closed"
        )
    if session.registration_opens_at and now < session.registration_opens_at:
        opens = timezone.localtime(session.registration_opens_at)
        return RegistrationError(
            f"Les inscriptions ouvriront le {opens:%d/%m/%Y à %H:%M}.", "closed"
        )
    closes_at = session.registration_closes_at()
    if closes_at and now > closes_at:
        return RegistrationError(
            "Les inscriptions sont closes : la date limite était le "
            f"{session.registration_deadline:%d/%m/%Y}.",
            "closed",
        )
    return None


def _checked_occurrence(session: SessionPage, occurrence: SessionOccurrence | None):
    if session.attendance_mode != AttendanceMode.ONE_DATE:
        if occurrence is not None:
            raise RegistrationError(
                "Cette session se suit à toutes ses dates : il n'y a pas de date à choisir.",
                "invalid_date",
            )
        return None
    if occurrence is None:
        raise RegistrationError("Choisissez une date.", "date_required")
    if occurrence.session_id != session.pk:
        raise RegistrationError("Cette date n'appartient pas à cette session.", "invalid_date")
    return occurrence


# --------------------------------------------------------------------------- registrations


def registration_create(
    *,
    session: SessionPage,
    user,
    occurrence: SessionOccurrence | None = None,
    by=None,
    override_capacity: bool = False,
    accessibility_needs: str = "",
) -> Registration:
    """Register ``user`` for ``session`` (at ``occurrence`` for pick-one sessions).

    ``accessibility_needs``, an adaptation the person asks for (optional), is emailed to the
    disability referent and the session's contact, and to nobody else.

    Confirmed while seats are left (per date for pick-one sessions), otherwise added to the end
    of the waiting list. ``by`` is the staff member adding the person: staff bypass the
    registration window and the cotisation gate, and with ``override_capacity`` confirm beyond
    the seats; nobody registers a person who may not view the session (``page_access``). Sends the confirmation (with an .ics invitation) or the waiting-list email.
    """
    acting_staff = by is not None and by != user
    if acting_staff and not _may(by, "catalogue.add_registration"):
        raise PermissionDenied("Seule l'équipe peut inscrire une autre personne.")
    accessibility_needs = _clean_needs(accessibility_needs)
    already = RegistrationError(
        "Cette personne est déjà inscrite à cette session."
        if acting_staff
        else "Vous êtes déjà inscrit·e à cette session.",
        "already_registered",
    )
    with transaction.atomic():
        # Everything that does not count seats is checked before the session's lock, so that
        # people registering at once for one session wait for each other only for the count
        # and the insert.
        if "occurrences" not in getattr(session, "_prefetched_objects_cache", {}):
            # A caller that has just read the session with its dates (the API) saves a read.
            session = SessionPage.objects.prefetch_related("occurrences").get(pk=session.pk)
        _check_viewer(session, user, acting_staff=acting_staff)
        occurrence = _checked_occurrence(session, occurrence)
        if not acting_staff:
            refusal = registration_opening_error(session, occurrence)
            if refusal:
                raise refusal
        # The gate looks at the day the person attends (the first day for multi-date sessions).
        first = occurrence or next(iter(session.sorted_occurrences), None)
        on = timezone.localdate(first.start) if first else timezone.localdate()
        coverage = coverage_for(user, on=on)
        if (
            coverage is None
            and session.registration_mode == RegistrationMode.MEMBERS
            and not acting_staff
        ):
            year = membership_year(on)
            raise RegistrationError(
                f"Cette session est réservée aux adhérents à jour de leur cotisation : "
                f"votre adhésion ne couvre pas le {on:%d/%m/%Y}. Réglez votre cotisation "
                f"{year_label(year)}, ou celle de votre organisation si vous y êtes rattaché·e, "
                "puis inscrivez-vous.",
                "not_covered",
                params={"on": on, "year": year},
            )
        # A previous registration is seen under the lock (``seats["mine"]``), which must look
        # anyway for one made meanwhile from another tab.
        organisation = _organisation_name(user, coverage)

        _lock_session_row(session)
        seats = _seats(session, occurrence, user)
        if seats["mine"]:  # registered from another tab while this request waited
            raise already
        if seats["waiting"] and (session.capacity is None or seats["confirmed"] < session.capacity):
            _fill_free_seats(session, occurrence)  # seats freed without promotion: rare
            seats = _seats(session, occurrence, user)
        confirmed = (
            session.capacity is None
            or seats["confirmed"] < session.capacity
            or (acting_staff and override_capacity)
        )
        registration = Registration.objects.create(
            session=session,
            occurrence=occurrence,
            user=user,
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
            position=(seats["last_position"] or 0) + 1,
            organisation=organisation,
            added_by=by if acting_staff else None,
            accessibility_needs=accessibility_needs,
        )
        # Its rank when it was made, for the answer (``waiting_rank()`` counts it again later):
        # last in line, everyone already waiting for this slot ahead.
        registration.rank_on_creation = None if confirmed else seats["waiting"] + 1
        _on_commit_send("confirmation" if confirmed else "waiting", registration)
        if accessibility_needs:
            pk = registration.pk
            transaction.on_commit(lambda: emails.send_accessibility_needs_email.enqueue(pk))
    return registration


def _clean_needs(text: str) -> str:
    text = (text or "").strip()
    if len(text) > ACCESSIBILITY_NEEDS_MAX:
        raise RegistrationError(
            f"Décrivez votre besoin d'adaptation en {ACCESSIBILITY_NEEDS_MAX} caractères au plus.",
            "invalid_needs",
        )
    return text


def accessibility_needs_viewers(session: SessionPage) -> list[str]:
    """Who learns of a participant's adaptation needs: the disability referent and the
    session's contact (their email addresses, without duplicates)."""
    from ..information import disability_referent

    referent = disability_referent()
    addresses = [
        referent.email if referent else "",
        session.contact.email if session.contact else "",
    ]
    seen: list[str] = []
    for address in addresses:
        if address and address.lower() not in (a.lower() for a in seen):
            seen.append(address)
    return seen


def may_view_accessibility_needs(user, session: SessionPage) -> bool:
    """Staff whose address is the referent's or the session contact's; no other staff."""
    if not (user and user.is_authenticated and user.is_staff and user.email):
        return False
    return user.email.lower() in (a.lower() for a in accessibility_needs_viewers(session))


def sees_accessibility_needs(user) -> bool:
    """Whether ``user`` is the disability referent or some session's contact: the admin menu
    then offers them the participants' adaptation needs."""
    from ..information import disability_referent

    if not (user and user.is_authenticated and user.is_staff and user.email):
        return False
    referent = disability_referent()
    if referent and referent.email.lower() == user.email.lower():
        return True
    return SessionPage.objects.filter(contact__email__iexact=user.email).exists()


def erase_expired_accessibility_needs(*, before: dt.datetime) -> int:
    """Erase the adaptation needs of registrations to sessions whose last date ended before
    ``before`` (the retention limit); returns how many registrations were erased."""
    ended = (
        SessionPage.objects.annotate(dates_end=Max("occurrences__end"))
        .filter(dates_end__lt=before)
        .values("pk")
    )
    with transaction.atomic():
        return (
            Registration.objects.filter(session__in=ended)
            .exclude(accessibility_needs="")
            .update(accessibility_needs="")
        )


def cancellation_deadline(registration: Registration) -> dt.datetime | None:
    """Until when the participant may cancel themselves."""
    starts_at = registration.starts_at
    if starts_at is None:
        return None
    return starts_at - dt.timedelta(hours=app_settings.CANCELLATION_CUTOFF_HOURS)


def can_cancel(registration: Registration, now: dt.datetime | None = None) -> bool:
    if registration.status == RegistrationStatus.CANCELLED:
        return False
    deadline = cancellation_deadline(registration)
    return deadline is None or (now or timezone.now()) < deadline


def registration_cancel(*, registration: Registration, by) -> None:
    """Cancel a registration; the first person waiting for the freed seat is confirmed.

    The participant may cancel until the cut-off (``PORTAIL_CANCELLATION_CUTOFF_HOURS`` before
    the start); staff at any time. Emails the cancellation (saying that the team removed the person
    when staff did), and the promotion to whoever moves up.
    """
    acting_staff = by != registration.user
    if acting_staff and not _may(by, "catalogue.change_registration"):
        raise PermissionDenied("Vous ne pouvez pas annuler l'inscription d'une autre personne.")
    with transaction.atomic():
        session = _locked_session(registration.session)
        registration = Registration.objects.select_related("occurrence").get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError("Cette inscription est déjà annulée.", "already_cancelled")
        registration.session = session
        if not acting_staff and not can_cancel(registration):
            limit = timezone.localtime(cancellation_deadline(registration))
            raise RegistrationError(
                f"L'annulation en ligne n'est plus possible depuis le {limit:%d/%m/%Y à %H:%M} : "
                f"{_contact_hint(session)}.",
                "cancellation_closed",
            )
        was_confirmed = registration.is_confirmed
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        _on_commit_send("removal" if acting_staff else "cancellation", registration)
        if was_confirmed:
            _fill_free_seats(session, registration.occurrence)


def account_forget(*, user) -> None:
    """Withdraw a person whose account is being deleted (``membership.signals.account_deleting``).

    Their registrations for sessions not yet over are cancelled, without an email to them, and
    each seat goes to the first person waiting (who is emailed); registrations for past sessions
    stay, as attendance records of the anonymised account, without the adaptation needs the
    person gave. Their applications, answers included, are deleted.
    """
    now = timezone.now()
    with transaction.atomic():
        Registration.objects.filter(user=user).exclude(accessibility_needs="").update(
            accessibility_needs=""
        )
        for registration in Registration.objects.active().filter(user=user):
            session = _locked_session(registration.session)
            if session.is_past(now):
                continue
            was_confirmed = registration.is_confirmed
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            if was_confirmed:
                _fill_free_seats(session, registration.occurrence)
        Application.objects.filter(user=user).delete()


def registration_move(
    *,
    registration: Registration,
    occurrence: SessionOccurrence,
    by,
    override_capacity: bool = False,
) -> Registration:
    """Staff move a participant of a pick-one session to another date.

    A confirmed participant is confirmed at the new date; a full date is refused unless
    ``override_capacity``, so nobody loses a seat by being moved. A person waiting is confirmed
    if a seat is free there, otherwise put at the end of that date's waiting list. The seat left
    behind goes to the next person waiting. Emails the participant their new date.
    """
    if not _may(by, "catalogue.change_registration"):
        raise PermissionDenied("Seule l'équipe peut déplacer un participant.")
    with transaction.atomic():
        session = _locked_session(registration.session)
        registration = Registration.objects.select_related("occurrence").get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError("Cette inscription est annulée.", "already_cancelled")
        if session.attendance_mode != AttendanceMode.ONE_DATE:
            raise RegistrationError(
                "Cette session se suit à toutes ses dates : il n'y a pas de date à changer.",
                "invalid_date",
            )
        occurrence = _checked_occurrence(session, occurrence)
        if occurrence.pk == registration.occurrence_id:
            return registration
        old_occurrence, was_confirmed = registration.occurrence, registration.is_confirmed
        free = _free_seats(session, occurrence)
        confirmed = free is None or free > 0 or override_capacity
        if was_confirmed and not confirmed:
            start = timezone.localtime(occurrence.start)
            raise RegistrationError(
                f"Le {start:%d/%m/%Y à %H:%M} est complet : cette personne y perdrait sa place "
                "confirmée. Choisissez une autre date, ou cochez « Confirmer même au-delà des "
                "places ».",
                "full",
            )
        registration.occurrence = occurrence
        registration.status = (
            RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING
        )
        registration.position = _next_position(session)
        registration.reminder_sent_at = None
        registration.save(update_fields=["occurrence", "status", "position", "reminder_sent_at"])
        _on_commit_send("move", registration)
        if was_confirmed:
            _fill_free_seats(session, old_occurrence)
    return registration


def registration_confirm(*, registration: Registration, by) -> Registration:
    """Staff confirm a person from the waiting list, beyond the capacity if need be."""
    if not _may(by, "catalogue.change_registration"):
        raise PermissionDenied("Seule l'équipe peut confirmer une inscription.")
    with transaction.atomic():
        session = _locked_session(registration.session)
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if registration.status != RegistrationStatus.WAITING:
            raise RegistrationError(
                "Seule une personne en liste d'attente peut être confirmée.", "not_waiting"
            )
        _check_viewer(session, registration.user, acting_staff=True)
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        _on_commit_send("promotion", registration)
    return registration


def registration_fill_free_seats(*, session: SessionPage, by) -> list[Registration]:
    """After the capacity was raised: confirm waiting people into the new seats, with emails.

    Whoever may publish the session (and so change its capacity) may fill the seats it frees.
    """
    if not (
        _may(by, "catalogue.change_registration")
        or (by is not None and session.permissions_for_user(by).can_publish())
    ):
        raise PermissionDenied("Seule l'équipe peut modifier les places.")
    with transaction.atomic():
        session = _locked_session(session)
        slots = (
            session.sorted_occurrences
            if session.attendance_mode == AttendanceMode.ONE_DATE
            else [None]
        )
        return [person for slot in slots for person in _fill_free_seats(session, slot)]


# --------------------------------------------------------------------------- applications


def application_opening_error(
    call: WorkingGroupCallPage, now: dt.datetime | None = None
) -> RegistrationError | None:
    """Why nobody can apply to ``call`` right now, or None."""
    now = now or timezone.now()
    if call.registration_mode != RegistrationMode.APPLICATION:
        return RegistrationError(
            "Cet appel ne prend pas de candidature en ligne.", "registration_unavailable"
        )
    state = call.registration_state(now)
    if state == "not_open":
        opens = timezone.localtime(call.registration_opens_at)
        return RegistrationError(
            f"Les candidatures ouvriront le {opens:%d/%m/%Y à %H:%M}.", "closed"
        )
    if state in ("closed", "past"):
        return RegistrationError("Les candidatures à cet appel sont closes.", "closed")
    return None


def clean_answers(call: WorkingGroupCallPage, answers: dict[str, Any]) -> dict[str, str]:
    """Answers checked against the call's questions, keyed by question id; errors by question id."""
    cleaned, errors = {}, {}
    answers = {str(key): value for key, value in (answers or {}).items()}
    questions = list(ApplicationQuestion.objects.filter(call=call).order_by("sort_order"))
    known = {str(question.pk) for question in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors["answers"] = f"Questions inconnues pour cet appel : {', '.join(unknown)}."
    for question in questions:
        key = str(question.pk)
        value = answers.get(key)
        value = "" if value is None else value
        if not isinstance(value, str):
            errors[key] = "La réponse doit être un texte."
            continue
        value = value.strip()
        if not value:
            if question.required:
                errors[key] = f"Répondez à la question « {question.label} »."
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.choice_list:
            errors[key] = (
                f"Choisissez une réponse proposée pour « {question.label} » : "
                f"{' ; '.join(question.choice_list)}."
            )
        elif question.kind == QuestionKind.SHORT_TEXT and len(value) > SHORT_TEXT_MAX:
            errors[key] = f"{SHORT_TEXT_MAX} caractères au plus pour « {question.label} »."
        elif len(value) > LONG_TEXT_MAX:
            errors[key] = f"{LONG_TEXT_MAX} caractères au plus pour « {question.label} »."
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(
            {
                key: ValidationError(message, code="invalid_answers")
                for key, message in errors.items()
            }
        )
    return cleaned


def application_submit(*, call: WorkingGroupCallPage, user, answers: dict[str, Any]) -> Application:
    """Record ``user``'s application to ``call``; emails them an acknowledgement."""
    with transaction.atomic():
        call = WorkingGroupCallPage.objects.select_for_update(of=("self",)).get(pk=call.pk)
        _check_viewer(call, user)
        refusal = application_opening_error(call)
        if refusal:
            raise refusal
        if Application.objects.filter(call=call, user=user).exists():
            raise RegistrationError("Vous avez déjà candidaté à cet appel.", "already_registered")
        application = Application.objects.create(
            call=call, user=user, answers=clean_answers(call, answers)
        )
        pk = application.pk
        transaction.on_commit(lambda: emails.send_application_email.enqueue(pk, "received"))
    return application


DECISIONS = {
    ApplicationStatus.SELECTED,
    ApplicationStatus.RESERVE,
    ApplicationStatus.DECLINED,
}


def application_decide(
    *, application: Application, decision: str, note: str = "", by
) -> Application:
    """Staff select, keep in reserve or decline an application; emails the applicant."""
    return application_decide_batch(
        applications=[application], decision=decision, note=note, by=by
    )[0]


def application_decide_batch(
    *, applications: Iterable[Application], decision: str, note: str = "", by
) -> list[Application]:
    """The same decision and note for several applications; each applicant is emailed."""
    if not _may(by, "catalogue.change_application"):
        raise PermissionDenied("Seule l'équipe peut décider des candidatures.")
    if decision not in DECISIONS:
        raise RegistrationError(
            "Décision inconnue : retenir, mettre en réserve ou ne pas retenir.", "invalid_decision"
        )
    pks = [application.pk for application in applications]
    with transaction.atomic():
        decided = list(Application.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        now = timezone.now()
        for application in decided:
            application.status = decision
            application.decision_note = note.strip()
            application.decided_by = by
            application.decided_at = now
            application.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        for pk in [application.pk for application in decided]:
            transaction.on_commit(
                lambda pk=pk: emails.send_application_email.enqueue(pk, "decision")
            )
    return decided


# --------------------------------------------------------------------------- reminders


def registrations_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Email the reminder to confirmed participants whose next date falls within
    ``PORTAIL_REMINDER_DAYS_BEFORE`` calendar days (Paris): with 2, a daily run on Monday
    reminds the sessions of Monday to Wednesday, whatever the hour it runs or they start.
    Each registration is reminded once: the sent marker is claimed by a conditional update, so
    two concurrent runs never both send. Returns the count.
    """
    now = now or timezone.now()
    last_day = timezone.localdate(now) + dt.timedelta(days=app_settings.REMINDER_DAYS_BEFORE)
    horizon = timezone.make_aware(dt.datetime.combine(last_day, dt.time.max))
    due = (
        Registration.objects.confirmed()
        .filter(reminder_sent_at__isnull=True)
        .filter(
            Q(occurrence__start__gt=now, occurrence__start__lte=horizon)
            | Q(
                occurrence__isnull=True,
                session__occurrences__start__gt=now,
                session__occurrences__start__lte=horizon,
            )
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    sent = 0
    for registration in Registration.objects.filter(pk__in=list(due)).select_related(
        "session", "user"
    ):
        if not person_can_view(registration.session, registration.user):
            continue  # the reminder carries the meeting link
        pk = registration.pk
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                transaction.on_commit(
                    lambda pk=pk: emails.send_registration_email.enqueue(pk, "reminder")
                )
                sent += 1
    return sent
