"""The demo's ended training: a one-day session last week with its sign-in record filled.

``load_ended_training(catalogue, today=...)`` publishes it under ``catalogue`` (once: an existing
page of that slug is left alone) with five confirmed participants; four signed the morning by
QR code and the afternoon too but one of them on paper, the fifth signed nothing; the trainer
countersigned both half-days, and the certificates are issued. Everything goes through the
attendance services, at the times it would have happened.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from catalogue.attendance import services, signing
from catalogue.models import (
    Person,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionFormat,
    SessionKind,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    SpeakerRole,
)
from membership.models import MemberCategory, MemberProfile

PARIS = ZoneInfo("Europe/Paris")
SLUG = "animer-une-demarche-participative-demonstration"
PARTICIPANTS = [
    ("Lucie", "Garnier", "Communauté de communes du Diois"),
    ("Karim", "Benali", "Pays de la Vallée de la Drôme"),
    ("Émilie", "Roux", "Mairie de Saillans"),
    ("Thomas", "Faure", "Centre social de Crest"),
    ("Nadia", "Morel", "Parc naturel régional du Vercors"),
]


def _user(username: str, first_name: str, last_name: str, **fields):
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@exemple.fr",
            "first_name": first_name,
            "last_name": last_name,
            **fields,
        },
    )
    if user.has_usable_password():
        user.set_unusable_password()  # demo people never log in
        user.save(update_fields=["password"])
    return user


def load_ended_training(catalogue, *, today: dt.date) -> SessionPage | None:
    """Publish the ended session with its signatures and certificates; None if it exists."""
    if SessionPage.objects.filter(slug=SLUG).exists():
        return None
    day = today - dt.timedelta(days=7)
    while day.weekday() >= 5:  # a weekday of last week
        day -= dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=PARIS)
    end = dt.datetime.combine(day, dt.time(17, 30), tzinfo=PARIS)
    trainer, _ = Person.objects.get_or_create(
        first_name="Claire",
        last_name="Vidal",
        defaults={"job_title": "formatrice", "email": "claire.vidal@exemple.fr"},
    )
    session = SessionPage(
        slug=SLUG,
        title="Animer une démarche participative (session terminée)",
        lead="Une journée pour outiller les agents qui animent la concertation sur leur "
        "territoire : démonstration de l'émargement et des certificats.",
        kind=SessionKind.TRAINING,
        format=SessionFormat.IN_PERSON,
        venue_name="Salle polyvalente",
        venue_town="Die",
        capacity=12,
        registration_mode=RegistrationMode.ACCOUNT,
    )
    session.occurrences = [SessionOccurrence(start=start, end=end, sort_order=0)]
    session.speakers = [SessionSpeaker(person=trainer, role=SpeakerRole.ANIMATION, sort_order=0)]
    catalogue.add_child(instance=session)
    session.save_revision().publish()
    session = SessionPage.objects.get(pk=session.pk)

    staff = _user("formatrice-demo", "Claire", "Vidal", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="catalogue", codename="change_registration")
    )
    staff = get_user_model().objects.get(pk=staff.pk)  # permissions are cached per instance
    registrations = []
    for position, (first_name, last_name, organisation) in enumerate(PARTICIPANTS, start=1):
        user = _user(f"demo-{first_name.lower()}-{last_name.lower()}", first_name, last_name)
        MemberProfile.objects.get_or_create(
            user=user,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "category": MemberCategory.INDIVIDUAL,
            },
        )
        registrations.append(
            Registration.objects.create(
                session=session,
                user=user,
                status=RegistrationStatus.CONFIRMED,
                position=position,
                organisation=organisation,
            )
        )
    morning, afternoon = session.half_days
    signed_by_qr = [(morning, r) for r in registrations[:4]] + [
        (afternoon, r) for r in registrations[:3]
    ]
    for minute, (half_day, registration) in enumerate(signed_by_qr):
        at = half_day.start + dt.timedelta(minutes=5 + minute)
        services.attendance_sign_by_code(
            session=session,
            key=half_day.key,
            code=signing.current_code(session.pk, half_day, at),
            user=registration.user,
            now=at,
        )
    services.attendance_record_paper(
        registration=registrations[3],
        key=afternoon.key,
        by=staff,
        note="Téléphone déchargé : signature sur la feuille papier.",
        now=end + dt.timedelta(minutes=20),
    )
    for half_day in (morning, afternoon):
        services.attendance_countersign(
            session=session, key=half_day.key, by=staff, now=half_day.end - dt.timedelta(minutes=5)
        )
    services.certificates_issue(now=end + dt.timedelta(hours=1))
    return session
