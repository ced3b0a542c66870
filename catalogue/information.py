"""The public information every session gives (Qualiopi indicator 1): its duration in hours,
how and how soon one registers, its price, the disability referent; and what a session still
lacks of it, for its editors and for the catalogue's staff filter."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Site

from .models.choices import AttendanceMode, RegistrationMode

# What indicator 1 asks, by the API's field name, with the words an editor reads.
REQUIRED_INFORMATION = {
    "prerequisites": "prérequis",
    "objectives": "objectifs",
    "duration_hours": "durée (au moins une date)",
    "price": "prix (ou inscription réservée aux adhérents)",
    "teaching_method": "méthode d'animation",
    "assessment": "évaluation des acquis",
    "accessibility": "accessibilité aux personnes en situation de handicap",
    "disability_referent": "référent handicap (paramètres du site, « Formation »)",
}
_RICH_TEXT_FIELDS = (
    "prerequisites",
    "objectives",
    "teaching_method",
    "assessment",
    "accessibility",
)
_EMPTY_RICH_TEXT = ("", "<p></p>", '<p data-block-key=""></p>')


@dataclass(frozen=True)
class DisabilityReferent:
    name: str
    email: str
    phone: str


def disability_referent(request: HttpRequest | None = None) -> DisabilityReferent | None:
    """The site's disability referent, or None until staff name one with a way to reach them."""
    from .models.training import TrainingSettings

    if request is not None:
        found = TrainingSettings.for_request(request)
    else:
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site is None:
            return None
        found = TrainingSettings.for_site(site)
    if not found.has_disability_referent:
        return None
    return DisabilityReferent(
        name=found.disability_referent_name,
        email=found.disability_referent_email,
        phone=found.disability_referent_phone,
    )


def _programme_days(session) -> list[tuple[dt.date | None, list[tuple[dt.time, dt.time]]]]:
    """The programme's days, each with its timed half-days."""
    days = []
    for block in session.programme:
        if block.block_type != "day":
            continue
        halves = [
            (half["start_time"], half["end_time"])
            for half in block.value["half_days"]
            if half["start_time"] and half["end_time"] and half["end_time"] > half["start_time"]
        ]
        days.append((block.value["date"], halves))
    return days


def _occurrence_seconds(occurrence, halves: list[tuple[dt.time, dt.time]]) -> float:
    """The time taught in one occurrence: its half-days inside it, breaks between them left out;
    without half-days (or none inside it), its whole span."""
    start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
    taught = 0.0
    for half_start, half_end in halves:
        lower = max(start, start.replace(hour=half_start.hour, minute=half_start.minute))
        upper = min(end, start.replace(hour=half_end.hour, minute=half_end.minute))
        taught += max((upper - lower).total_seconds(), 0)
    return taught or (end - start).total_seconds()


def duration_hours(session) -> Decimal | None:
    """Hours of training a participant follows, breaks excluded; None without dates.

    A programme day applies to the occurrence of its date; undated days apply in order, and a
    single undated day to every occurrence. A pick-one session lasts as long as one date.
    """
    occurrences = session.sorted_occurrences
    if not occurrences:
        return None
    days = _programme_days(session)
    by_date = {day: halves for day, halves in days if day}
    undated = [halves for day, halves in days if not day]
    seconds = []
    for index, occurrence in enumerate(occurrences):
        halves = by_date.get(timezone.localdate(occurrence.start))
        if halves is None and len(undated) == 1:
            halves = undated[0]
        elif halves is None and len(undated) == len(occurrences):
            halves = undated[index]
        seconds.append(_occurrence_seconds(occurrence, halves or []))
    if session.attendance_mode == AttendanceMode.ONE_DATE:
        seconds = seconds[:1]
    hours = Decimal(sum(seconds)) / 3600
    return hours.quantize(Decimal("0.01"))


def hours_label(hours: Decimal | None) -> str:
    """« 7 h », « 6 h 30 »."""
    if hours is None:
        return ""
    minutes = int((hours * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def access_text(session) -> str:
    """How and how soon one registers, in a sentence, from the registration mode and dates."""
    mode = session.registration_mode
    if mode == RegistrationMode.NONE:
        return "Accès libre, sans inscription."
    how = {
        RegistrationMode.MEMBERS: "Inscription en ligne sur ce site, réservée aux adhérents à "
        "jour de leur cotisation",
        RegistrationMode.ACCOUNT: "Inscription en ligne sur ce site, avec un compte",
        RegistrationMode.APPLICATION: "Candidature en ligne, suivie d'une sélection",
        RegistrationMode.EXTERNAL: "Inscription sur le formulaire externe indiqué",
    }[RegistrationMode(mode)]
    parts = [how]
    if session.registration_opens_at:
        parts.append(f"à partir du {timezone.localtime(session.registration_opens_at):%d/%m/%Y}")
    if session.registration_deadline:
        parts.append(f"jusqu'au {session.registration_deadline:%d/%m/%Y} inclus")
    else:
        start = session.last_registration_start
        if start is not None:
            parts.append(
                f"jusqu'au début de la session ({timezone.localtime(start):%d/%m/%Y à %H:%M})"
            )
    text = " ".join(parts) + "."
    if session.capacity:
        text += f" {session.capacity} places ; au-delà, liste d'attente."
    return text


def price_label(session) -> str:
    if session.registration_mode == RegistrationMode.MEMBERS:
        return "Inclus dans la cotisation"
    if session.price is None:
        return ""
    if session.price == 0:
        return "Gratuit"
    amount = f"{session.price:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{amount.removesuffix(',00')} € par participant"


def missing_information(session, *, referent: DisabilityReferent | None) -> list[str]:
    """API names of what indicator 1 asks and the session does not say yet."""
    missing = [
        name
        for name in _RICH_TEXT_FIELDS
        if (getattr(session, name) or "").strip() in _EMPTY_RICH_TEXT
    ]
    if not session.sorted_occurrences:
        missing.append("duration_hours")
    if not price_label(session):
        missing.append("price")
    if referent is None:
        missing.append("disability_referent")
    return [name for name in REQUIRED_INFORMATION if name in missing]


def lacking_information(sessions: QuerySet, *, prefix: str = "", referent_named: bool) -> QuerySet:
    """Sessions of ``sessions`` missing part of the public information (all of them while the
    site names no disability referent). ``prefix`` reaches SessionPage from another model."""
    if not referent_named:
        return sessions.filter(**{f"{prefix}pk__isnull": False}) if prefix else sessions
    lacking = Q()
    for name in _RICH_TEXT_FIELDS:
        lacking |= Q(**{f"{prefix}{name}__in": _EMPTY_RICH_TEXT})
    lacking |= Q(**{f"{prefix}occurrences__isnull": True})
    lacking |= Q(**{f"{prefix}price__isnull": True}) & ~Q(
        registration_mode=RegistrationMode.MEMBERS
    )
    return sessions.filter(lacking)
