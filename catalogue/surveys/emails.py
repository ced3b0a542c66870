"""Survey invitations and their reminder, sent in the background (django-tasks)."""

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ..app_settings import app_settings
from ..models import SurveyInvitation, SurveyMoment

SUBJECTS = {
    "invitation": "Votre avis sur « {title} »",
    "reminder": "Rappel : votre avis sur « {title} »",
}


def survey_url(invitation: SurveyInvitation) -> str:
    from .services import invitation_token

    return app_settings.SITE_URL + reverse(
        "catalogue:survey", kwargs={"token": invitation_token(invitation)}
    )


@task()
def send_survey_email(invitation_id: int, kind: str) -> bool:
    """Send an invitation (``invitation``) or its one reminder (``reminder``); False when it is
    answered, expired or its address is gone."""
    from ..registrations.emails import _send

    invitation = (
        SurveyInvitation.objects.select_related("session", "template")
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or not invitation.email
        or invitation.answered_at is not None
        or invitation.expires_at <= timezone.now()
    ):
        return False
    session = invitation.session
    _send(
        to=invitation.email,
        subject=SUBJECTS[kind].format(title=session.title),
        template="survey_invitation",
        context={
            "kind": kind,
            "invitation": invitation,
            "session": session,
            "template": invitation.template,
            "for_trainer": invitation.moment == SurveyMoment.TRAINER,
            "survey_url": survey_url(invitation),
            "expires_at": invitation.expires_at,
        },
    )
    return True
