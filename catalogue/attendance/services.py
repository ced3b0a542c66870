"""Writes of attendance: signatures per half-day, countersignatures, online signing,
certificates of completion, and their erasure when the retention period ends.

Every function is keyword-only, runs in one transaction that first locks the session's row
(so one person cannot sign the same half-day twice, even from two phones at once), and raises
an ``AttendanceError`` with a French message and a ``code``. Signatures are only ever added:
a correction is a new row that cancels an earlier one.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from membership.models import ReceiptSequence

from ..app_settings import app_settings
from ..models import (
    Certificate,
    HalfDay,
    Registration,
    RegistrationStatus,
    SessionPage,
    Signature,
    SignatureMethod,
    SignerRole,
    SigningOpening,
    SpeakerRole,
)
from . import signing

DELETED_PARTICIPANT_NAME = "Participant (compte supprimé)"


class AttendanceError(ValidationError):
    """A refused signature or certificate: ``code`` says why, the message says it in French."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)


# --------------------------------------------------------------------------- reads


def person_name(user) -> str:
    profile = getattr(user, "member_profile", None)
    return (profile and profile.full_name) or user.get_full_name() or user.email


def trainers(session: SessionPage) -> list:
    """The people who lead the session: its « animation » speakers, or all of them."""
    speakers = list(session.speakers.select_related("person").order_by("sort_order"))
    leading = [s for s in speakers if s.role == SpeakerRole.ANIMATION] or speakers
    return [speaker.person for speaker in leading]


def session_ended_at(session: SessionPage) -> dt.datetime | None:
    """The end of the session's last date: « after the session » and retention count from it."""
    return session.ends_at


def half_day_or_error(session: SessionPage, key: str) -> HalfDay:
    half_day = session.half_day(key)
    if half_day is None:
        raise AttendanceError("Cette demi-journée n'existe pas pour cette session.", "unknown")
    return half_day


def signatures_by_registration(session: SessionPage) -> dict[int, dict[str, Signature]]:
    """{registration id: {half-day key: its effective signature}}."""
    table: dict[int, dict[str, Signature]] = {}
    for signature in Signature.objects.filter(session=session).effective().participants():
        key = f"{signature.day.isoformat()}-{signature.period}"
        table.setdefault(signature.registration_id, {})[key] = signature
    return table


def hours_attended(registration: Registration) -> tuple[Decimal, int]:
    """Hours and number of the person's half-days that carry their signature."""
    signed = {
        (s.day, s.period)
        for s in Signature.objects.filter(registration=registration).effective().participants()
    }
    halves = [h for h in registration.half_days if (h.day, h.period) in signed]
    return sum((h.hours for h in halves), Decimal("0")), len(halves)


def is_open_online(session: SessionPage, half_day: HalfDay) -> bool:
    return SigningOpening.objects.filter(
        session=session, day=half_day.day, period=half_day.period
    ).exists()


# --------------------------------------------------------------------------- helpers


def _may(user, permission: str = "catalogue.change_registration") -> bool:
    return bool(user is not None and user.is_active and user.has_perm(permission))


def _locked(session: SessionPage) -> SessionPage:
    return SessionPage.objects.select_for_update(of=("self",)).get(pk=session.pk)


def _check_window(half_day: HalfDay, now: dt.datetime) -> None:
    opens, closes = signing.signing_window(half_day)
    if now < opens:
        start = timezone.localtime(half_day.start)
        raise AttendanceError(
            f"L'émargement de cette demi-journée n'est pas encore ouvert : il ouvre le "
            f"{start:%d/%m/%Y} vers {start:%H:%M}.",
            "not_yet_open",
        )
    if now > closes:
        raise AttendanceError(
            "L'émargement de cette demi-journée est clos. Si vous étiez présent·e, signalez-le "
            "à l'équipe, qui enregistrera votre signature.",
            "closed",
        )


def _participant_registration(session: SessionPage, user) -> Registration:
    registration = (
        Registration.objects.confirmed().filter(session=session, user=user).first()
        if user is not None and user.is_authenticated
        else None
    )
    if registration is None:
        raise AttendanceError(
            "Vous n'êtes pas inscrit·e (inscription confirmée) à cette session : vous ne pouvez "
            "pas émarger.",
            "not_registered",
        )
    return registration


def _sign(
    *,
    session: SessionPage,
    registration: Registration,
    half_day: HalfDay,
    method: str,
    at: dt.datetime,
    by=None,
    note: str = "",
) -> Signature:
    if half_day.key not in {h.key for h in registration.half_days}:
        raise AttendanceError(
            "Cette demi-journée ne fait pas partie de la date choisie par la personne.",
            "not_registered",
        )
    existing = (
        Signature.objects.effective()
        .participants()
        .for_half_day(half_day)
        .filter(registration=registration)
        .first()
    )
    if existing is not None:
        signed = timezone.localtime(existing.signed_at)
        raise AttendanceError(
            f"Cette demi-journée est déjà signée ({existing.get_method_display().lower()}, "
            f"le {signed:%d/%m/%Y à %H:%M}).",
            "already_signed",
        )
    signature = Signature.objects.create(
        session=session,
        day=half_day.day,
        period=half_day.period,
        starts_at=half_day.start,
        ends_at=half_day.end,
        role=SignerRole.PARTICIPANT,
        registration=registration,
        signer_name=person_name(registration.user),
        method=method,
        signed_at=at,
        recorded_by=by,
        note=note,
    )
    Registration.objects.filter(pk=registration.pk).update(attended=True)
    return signature


# --------------------------------------------------------------------------- signing


def attendance_sign_by_code(
    *, session: SessionPage, key: str, code: str, user, now: dt.datetime | None = None
) -> Signature:
    """A confirmed participant signs a half-day with the code the trainer shows."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(session)
        half_day = half_day_or_error(session, key)
        _check_window(half_day, now)
        if not signing.code_is_valid(session.pk, half_day, code, now):
            raise AttendanceError(
                "Ce code a expiré : il change chaque minute. Scannez à nouveau le code affiché.",
                "expired_code",
            )
        registration = _participant_registration(session, user)
        return _sign(
            session=session,
            registration=registration,
            half_day=half_day,
            method=SignatureMethod.QR,
            at=now,
            by=user,
        )


def attendance_sign_online(
    *, registration: Registration, key: str, user, now: dt.datetime | None = None
) -> Signature:
    """A participant of a session held online signs a half-day staff opened for signing."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(registration.session)
        half_day = half_day_or_error(session, key)
        registration = _participant_registration(session, user)
        _check_window(half_day, now)
        if not is_open_online(session, half_day):
            raise AttendanceError(
                "L'émargement en ligne de cette demi-journée n'est pas ouvert : attendez que "
                "l'équipe l'ouvre.",
                "not_yet_open",
            )
        return _sign(
            session=session,
            registration=registration,
            half_day=half_day,
            method=SignatureMethod.ONLINE,
            at=now,
            by=user,
        )


def signing_open(
    *, session: SessionPage, key: str, by, now: dt.datetime | None = None
) -> SigningOpening:
    """Staff open online signing of a half-day (sessions held online or hybrid)."""
    if not _may(by):
        raise PermissionDenied("Seule l'équipe peut ouvrir l'émargement.")
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(session)
        half_day = half_day_or_error(session, key)
        if not session.is_online:
            raise AttendanceError(
                "Cette session se tient en présentiel : les participants signent avec le code QR.",
                "in_person",
            )
        _check_window(half_day, now)
        opening, _created = SigningOpening.objects.get_or_create(
            session=session,
            day=half_day.day,
            period=half_day.period,
            defaults={"opened_at": now, "opened_by": by},
        )
        return opening


def attendance_record_paper(
    *, registration: Registration, key: str, by, note: str = "", now: dt.datetime | None = None
) -> Signature:
    """Staff record that the person signed the paper sheet of a half-day (once it started)."""
    if not _may(by):
        raise PermissionDenied("Seule l'équipe peut enregistrer une signature papier.")
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(registration.session)
        half_day = half_day_or_error(session, key)
        registration = Registration.objects.select_related("user", "session").get(
            pk=registration.pk
        )
        if registration.status != RegistrationStatus.CONFIRMED:
            raise AttendanceError(
                "Seule une inscription confirmée peut être émargée.", "not_registered"
            )
        if now < half_day.start:
            raise AttendanceError("Cette demi-journée n'a pas encore commencé.", "not_yet_open")
        return _sign(
            session=session,
            registration=registration,
            half_day=half_day,
            method=SignatureMethod.PAPER,
            at=now,
            by=by,
            note=note.strip(),
        )


def attendance_countersign(
    *, session: SessionPage, key: str, by, now: dt.datetime | None = None
) -> Signature:
    """The trainer (signed in to the admin) countersigns a half-day once it has started."""
    if not _may(by):
        raise PermissionDenied("Seule l'équipe peut contresigner.")
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(session)
        half_day = half_day_or_error(session, key)
        if now < half_day.start:
            raise AttendanceError("Cette demi-journée n'a pas encore commencé.", "not_yet_open")
        done = Signature.objects.effective().trainers().for_half_day(half_day)
        if done.filter(session=session, recorded_by=by).exists():
            raise AttendanceError(
                "Vous avez déjà contresigné cette demi-journée.", "already_signed"
            )
        return Signature.objects.create(
            session=session,
            day=half_day.day,
            period=half_day.period,
            starts_at=half_day.start,
            ends_at=half_day.end,
            role=SignerRole.TRAINER,
            signer_name=person_name(by),
            method=SignatureMethod.ONLINE,
            signed_at=now,
            recorded_by=by,
        )


def signature_cancel(*, signature: Signature, by, reason: str) -> Signature:
    """Staff correct a signature recorded by mistake: a new row cancels it, both stay."""
    if not _may(by):
        raise PermissionDenied("Seule l'équipe peut corriger une signature.")
    reason = reason.strip()
    if not reason:
        raise AttendanceError("Indiquez la raison de la correction.", "reason_required")
    with transaction.atomic():
        _locked(signature.session)
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.cancels_id or hasattr(signature, "correction"):
            raise AttendanceError("Cette signature est déjà corrigée.", "already_cancelled")
        correction = Signature.objects.create(
            session_id=signature.session_id,
            day=signature.day,
            period=signature.period,
            starts_at=signature.starts_at,
            ends_at=signature.ends_at,
            role=signature.role,
            registration_id=signature.registration_id,
            signer_name=signature.signer_name,
            method=signature.method,
            recorded_by=by,
            cancels=signature,
            note=reason,
        )
        if signature.registration_id:
            still = Signature.objects.effective().filter(registration_id=signature.registration_id)
            ended = signature.session.is_past()
            Registration.objects.filter(pk=signature.registration_id).update(
                attended=True if still.exists() else (False if ended else None)
            )
        return correction


# --------------------------------------------------------------------------- certificates


def _certificate_refusal(registration: Registration, now: dt.datetime) -> AttendanceError | None:
    ends_at = registration.ends_at
    if ends_at is None or now < ends_at:
        return AttendanceError(
            "Le certificat de réalisation est établi après la dernière demi-journée de la session.",
            "not_ended",
        )
    if registration.status != RegistrationStatus.CONFIRMED or not (
        Signature.objects.effective().participants().filter(registration=registration).exists()
    ):
        return AttendanceError(
            "Aucune demi-journée signée : il n'y a pas de certificat de réalisation pour cette "
            "inscription.",
            "no_attendance",
        )
    return None


def _issue(registration: Registration, now: dt.datetime) -> Certificate:
    from ..registrations import emails

    series = f"CR-{timezone.localdate(now).year}"
    ReceiptSequence.objects.get_or_create(series=series)
    sequence = ReceiptSequence.objects.select_for_update().get(series=series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    half_days = registration.half_days
    attended, count = hours_attended(registration)
    certificate = Certificate.objects.create(
        registration=registration,
        series=series,
        number=sequence.last_number,
        issued_at=now,
        participant_name=person_name(registration.user),
        participant_organisation=registration.organisation,
        session_title=registration.session.title,
        nature=app_settings.CERTIFICATE_NATURE,
        first_day=half_days[0].day,
        last_day=half_days[-1].day,
        hours_planned=sum((h.hours for h in half_days), Decimal("0")),
        hours_attended=attended,
        half_days_planned=len(half_days),
        half_days_attended=count,
    )
    pk = certificate.pk
    transaction.on_commit(lambda: emails.send_certificate_email.enqueue(pk))
    return certificate


def certificate_for(*, registration: Registration, now: dt.datetime | None = None) -> Certificate:
    """The person's certificate, issued now (and emailed) if it is due and was not yet."""
    now = now or timezone.now()
    with transaction.atomic():
        _locked(registration.session)
        registration = Registration.objects.select_related("session", "occurrence", "user").get(
            pk=registration.pk
        )
        existing = Certificate.objects.filter(registration=registration).first()
        if existing is not None:
            return existing
        if refusal := _certificate_refusal(registration, now):
            raise refusal
        return _issue(registration, now)


def certificates_issue(*, now: dt.datetime | None = None) -> list[Certificate]:
    """Issue the certificates due: each confirmed participant of an ended session (or date)
    who signed at least one half-day and has none yet gets one, numbered in the year's
    ``CR-`` series and emailed. Those who signed none are marked absent. Idempotent."""
    now = now or timezone.now()
    issued = []
    sessions = (
        SessionPage.objects.annotate(dates_end=Max("occurrences__end"))
        .filter(dates_end__lt=now, registrations__status=RegistrationStatus.CONFIRMED)
        .distinct()
    )
    # A date of a pick-one session may be over before the session's last one.
    with_ended_dates = SessionPage.objects.filter(
        registrations__status=RegistrationStatus.CONFIRMED,
        registrations__occurrence__end__lt=now,
    ).values_list("pk", flat=True)
    pks = set(sessions.values_list("pk", flat=True)) | set(with_ended_dates)
    for session in SessionPage.objects.filter(pk__in=pks).order_by("pk"):
        with transaction.atomic():
            session = _locked(session)
            due = (
                Registration.objects.confirmed()
                .filter(session=session, certificate__isnull=True)
                .select_related("session", "occurrence", "user")
                .order_by("position", "pk")
            )
            for registration in due:
                refusal = _certificate_refusal(registration, now)
                if refusal is None:
                    issued.append(_issue(registration, now))
                elif refusal.code == "no_attendance" and registration.attended is not False:
                    Registration.objects.filter(pk=registration.pk).update(attended=False)
    return issued


# --------------------------------------------------------------------------- privacy, retention


def attendance_forget(*, user) -> None:
    """An account is deleted: its attendance proofs stay (the training body's records) without
    the person's name."""
    with transaction.atomic():
        Signature.objects.filter(registration__user=user).update(
            signer_name=DELETED_PARTICIPANT_NAME
        )
        Signature.objects.filter(role=SignerRole.TRAINER, recorded_by=user).update(
            signer_name="Formateur (compte supprimé)"
        )
        Certificate.objects.filter(registration__user=user).update(
            participant_name=DELETED_PARTICIPANT_NAME, participant_organisation=""
        )


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Sessions whose last date ended before this moment are past the retention period."""
    now = now or timezone.now()
    years = app_settings.ATTENDANCE_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def attendance_erase_expired(*, before: dt.datetime) -> dict[str, int]:
    """Erase the signatures (hence the sheets), online openings and certificates of sessions
    whose last date ended before ``before``. Returns what was erased, by kind."""
    with transaction.atomic():
        expired = SessionPage.objects.annotate(dates_end=Max("occurrences__end")).filter(
            dates_end__lt=before
        )
        certificates = Certificate.objects.filter(registration__session__in=expired)
        signatures = Signature.objects.filter(session__in=expired)
        counts = {
            "certificates": certificates.count(),
            "signatures": signatures.count(),
            "signing_openings": SigningOpening.objects.filter(session__in=expired).count(),
        }
        certificates.delete()
        signatures.filter(cancels__isnull=False).delete()  # corrections before what they cancel
        signatures.delete()
        SigningOpening.objects.filter(session__in=expired).delete()
    return counts
