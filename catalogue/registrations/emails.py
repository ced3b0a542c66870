"""Emails about registrations and applications, sent in the background (django-tasks).

Tasks take primary keys and re-read the rows, so an email reflects the state when it leaves: a
confirmation queued for someone who has since cancelled is not sent.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from membership.services import association_identity, email_sender, email_subject

from ..app_settings import app_settings
from ..ical import absolute_url
from ..models import Application, ApplicationStatus, Registration, RegistrationStatus
from ..page_access import person_can_view
from .invitations import registration_calendar

REGISTRATION_SUBJECTS = {
    "confirmation": "Inscription confirmée : {title}",
    "waiting": "Liste d'attente : {title}",
    "promotion": "Une place s'est libérée : votre inscription à « {title} » est confirmée",
    "reminder": "Rappel : {title} approche",
    "cancellation": "Inscription annulée : {title}",
    # Staff removed the person; the cancellation template says so.
    "removal": "Inscription annulée : {title}",
    # Staff moved the person to another date: confirmed there, or on its waiting list.
    "move": "Changement de date : {title}",
}
TEMPLATES = {"removal": "cancellation"}
# These emails only leave while the registration is confirmed.
FOR_CONFIRMED = {"confirmation", "promotion", "reminder"}
# Only a cancellation is told to a person who may no longer view the session.
TOLD_WITHOUT_ACCESS = {"cancellation", "removal"}

APPLICATION_SUBJECTS = {
    "received": "Candidature reçue : {title}",
    ApplicationStatus.SELECTED: "Votre candidature est retenue : {title}",
    ApplicationStatus.RESERVE: "Votre candidature est en réserve : {title}",
    ApplicationStatus.DECLINED: "Votre candidature : {title}",
}


def _absolute(path: str) -> str:
    return app_settings.SITE_URL + path


def _send(*, to: str, subject: str, template: str, context: dict, attachments=()) -> None:
    context = {"site_name": association_identity().name, **context}
    with translation.override("fr"):  # dates in French, as the text around them
        text = render_to_string(f"catalogue/emails/{template}.txt", context)
        html = render_to_string(f"catalogue/emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=email_subject(subject), body=text, from_email=email_sender(), to=[to]
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


@task()
def send_registration_email(registration_id: int, kind: str) -> bool:
    """Send one registration email; False when the registration no longer calls for it."""
    registration = (
        Registration.objects.select_related("session", "occurrence", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.user.email:
        return False
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    if kind in FOR_CONFIRMED and not confirmed:
        return False
    if kind == "waiting" and registration.status != RegistrationStatus.WAITING:
        return False
    if kind == "move" and registration.status == RegistrationStatus.CANCELLED:
        return False
    if kind not in TOLD_WITHOUT_ACCESS and not person_can_view(
        registration.session, registration.user
    ):
        return False
    # The meeting link and the invitation go to confirmed participants and nobody else.
    for_participant = confirmed and kind in FOR_CONFIRMED | {"move"}
    session = registration.session
    context = {
        "kind": kind,
        "registration": registration,
        "session": session,
        "session_url": absolute_url(session) or _absolute("/"),
        "my_registrations_url": _absolute(reverse("catalogue:my_registrations")),
        "slots": registration.slots,
        "waiting_rank": registration.waiting_rank(),
        "meeting_url": session.meeting_url if for_participant and session.is_online else "",
    }
    attachments = []
    if for_participant:
        ics = registration_calendar(registration, with_meeting_url=True)
        # Django adds the charset of a text attachment itself.
        attachments.append(("invitation.ics", ics, "text/calendar; method=PUBLISH"))
    _send(
        to=registration.user.email,
        subject=REGISTRATION_SUBJECTS[kind].format(title=session.title),
        template=f"registration_{TEMPLATES.get(kind, kind)}",
        context=context,
        attachments=attachments,
    )
    return True


@task()
def send_application_email(application_id: int, kind: str) -> bool:
    """Send the acknowledgement (``received``) or the staff's ``decision`` to the applicant."""
    application = (
        Application.objects.select_related("call", "user").filter(pk=application_id).first()
    )
    if application is None or not application.user.email:
        return False
    if kind == "decision" and application.status == ApplicationStatus.SUBMITTED:
        return False
    key = "received" if kind == "received" else application.status
    call = application.call
    _send(
        to=application.user.email,
        subject=APPLICATION_SUBJECTS[key].format(title=call.title),
        template=f"application_{key}",
        context={
            "application": application,
            "call": call,
            "call_url": absolute_url(call) or _absolute("/"),
            "answers": application.answer_rows(),
            "my_registrations_url": _absolute(reverse("catalogue:my_registrations")),
        },
    )
    return True


@task()
def send_certificate_email(certificate_id: int) -> bool:
    """Email a certificate of completion, its PDF attached; once: the sent marker is claimed
    first, so two workers never both send, and released if sending fails (a retry sends)."""
    from ..models import Certificate

    certificate = (
        Certificate.objects.select_related("registration__user")
        .filter(pk=certificate_id, emailed_at__isnull=True)
        .first()
    )
    user = certificate.registration.user if certificate else None
    if user is None or not user.is_active or not user.email:
        return False
    unsent = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True)
    if not unsent.update(emailed_at=timezone.now()):
        return False
    try:
        _send_certificate(certificate, user.email)
    except Exception:
        Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
        raise
    return True


def _send_certificate(certificate, to: str) -> None:
    from ..attendance.pdf import certificate_pdf, hours_label

    pdf = certificate_pdf(certificate, identity=association_identity())
    _send(
        to=to,
        subject=f"Votre certificat de réalisation : {certificate.session_title}",
        template="certificate",
        context={
            "certificate": certificate,
            "hours_attended": hours_label(certificate.hours_attended),
            "hours_planned": hours_label(certificate.hours_planned),
            "my_registrations_url": _absolute(reverse("catalogue:my_registrations")),
        },
        attachments=[(f"certificat-{certificate.display_number}.pdf", pdf, "application/pdf")],
    )


@task()
def send_accessibility_needs_email(registration_id: int) -> bool:
    """Tell the disability referent and the session's contact (only them) of an adaptation a
    participant asked for; False when there is nobody to tell or nothing left to say."""
    from .services import accessibility_needs_viewers

    registration = (
        Registration.objects.select_related("session__contact", "occurrence", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.accessibility_needs:
        return False
    session = registration.session
    recipients = accessibility_needs_viewers(session)
    if not recipients:
        return False
    user = registration.user
    context = {
        "registration": registration,
        "session": session,
        "slots": registration.slots,
        "participant": user.get_full_name() or user.email,
        "participant_email": user.email,
        "needs_url": _absolute(reverse("catalogue_accessibility_needs")),
    }
    for address in recipients:
        _send(
            to=address,
            subject=f"Besoin d'adaptation : {session.title}",
            template="accessibility_needs",
            context=context,
        )
    return True
