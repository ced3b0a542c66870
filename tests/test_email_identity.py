"""Every email the portal sends speaks in the association's name: « [Cap Rural] … » as its
subject's prefix, Cap Rural as its sender's name, and in its signature."""

from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse

from catalogue.models import Application, ApplicationStatus, Registration, RegistrationStatus
from catalogue.registrations.emails import (
    APPLICATION_SUBJECTS,
    REGISTRATION_SUBJECTS,
    send_application_email,
    send_registration_email,
)
from membership import services
from membership.services import association_identity
from tests.catalogue.factories import SessionPageFactory, WorkingGroupCallPageFactory
from tests.membership.factories import AttachmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME = "Cap Rural"


@pytest.fixture(autouse=True)
def identity(home_page, settings):
    settings.DEFAULT_FROM_EMAIL = "Portail <noreply@caprural.example>"
    identity = association_identity()
    identity.name = NAME
    identity.save()
    return identity


def assert_in_the_associations_name(message):
    assert message.subject.startswith(f"[{NAME}] "), message.subject
    assert parseaddr(message.from_email) == (NAME, "noreply@caprural.example")
    assert NAME in message.body, message.subject


@pytest.mark.parametrize("kind", sorted(REGISTRATION_SUBJECTS))
def test_registration_emails(kind):
    session = SessionPageFactory()
    waiting = kind == "waiting"
    registration = Registration.objects.create(
        session=session,
        occurrence=session.sorted_occurrences[0],
        user=UserFactory(),
        status=RegistrationStatus.WAITING if waiting else RegistrationStatus.CONFIRMED,
        position=1,
    )

    assert send_registration_email.call(registration.pk, kind)

    (message,) = mail.outbox
    assert_in_the_associations_name(message)
    html = message.alternatives[0][0]
    assert NAME in html and "Portail" not in html


@pytest.mark.parametrize("status", sorted(APPLICATION_SUBJECTS))
def test_application_emails(status):
    application = Application.objects.create(
        call=WorkingGroupCallPageFactory(),
        user=UserFactory(),
        answers={},
        status=ApplicationStatus.SUBMITTED if status == "received" else status,
    )

    kind = "received" if status == "received" else "decision"
    assert send_application_email.call(application.pk, kind)

    (message,) = mail.outbox
    assert_in_the_associations_name(message)


def test_membership_emails():
    referent = AttachmentFactory(is_referent=True)
    attachment = services.attachment_request(user=UserFactory(), organisation=referent.organisation)
    services.attachment_decide(attachment=attachment, confirm=True, decided_by=referent.user)
    services.reminder_send(year=2027, user=UserFactory())

    requested, decided, reminder = mail.outbox
    for message in (requested, decided, reminder):
        assert_in_the_associations_name(message)


def test_account_emails(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "camille@exemple.fr",
            "password1": "Un-mot-de-passe-42",
            "password2": "Un-mot-de-passe-42",
        },
    )
    client.logout()
    UserFactory(email="dominique@exemple.fr")
    client.post(reverse("account_reset_password"), {"email": "dominique@exemple.fr"})

    confirmation, reset = mail.outbox
    for message in (confirmation, reset):
        assert_in_the_associations_name(message)
