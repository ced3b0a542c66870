"""A person's registrations and applications in their data download, and when they leave."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from catalogue.models import Application, Registration, RegistrationStatus
from catalogue.registrations.services import application_submit, registration_create
from membership.services import account_delete
from tests.catalogue.factories import SessionPageFactory, WorkingGroupCallPageFactory, in_weeks
from tests.catalogue.registration_helpers import emails_to, session_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(committed):
    """A member holding the only seat of a session, with someone waiting behind them, a past
    session they attended and an application to a call."""
    session = SessionPageFactory(title="Accueillir les bénévoles", capacity=1)
    person = session_member(session)
    committed(registration_create, session=session, user=person)
    waiting = committed(registration_create, session=session, user=session_member(session))
    past = SessionPageFactory(
        title="Session passée", occurrences=[(in_weeks(-3), in_weeks(-3, 12))]
    )
    attended = Registration.objects.create(
        session=past, user=person, status=RegistrationStatus.CONFIRMED, position=1, attended=True
    )
    call = WorkingGroupCallPageFactory(title="Groupe de travail")
    question = call.questions.get()
    application_submit(call=call, user=person, answers={str(question.pk): "Mon expérience."})
    mail.outbox.clear()
    return person, waiting, attended


def test_the_data_download_holds_registrations_and_applications(leaving):
    person, _waiting, _attended = leaving
    client = Client()
    client.force_login(person)
    data = json.loads(client.get(reverse("membership:data_export")).content)

    sessions = {row["session"]: row for row in data["registrations"]}
    assert sessions["Accueillir les bénévoles"]["status"] == "Confirmée"
    start = sessions["Accueillir les bénévoles"]["dates"][0]["start"]
    assert start.endswith(("+01:00", "+02:00"))  # Paris time
    assert sessions["Session passée"]["attended"] is True
    [application] = data["applications"]
    assert application["call"] == "Groupe de travail"
    assert application["answers"][0]["answer"] == "Mon expérience."


def test_a_deleted_account_frees_its_seats_and_takes_its_answers(leaving, committed):
    person, waiting, attended = leaving
    committed(account_delete, user=person)

    upcoming = Registration.objects.get(user=person, session=waiting.session)
    assert upcoming.status == RegistrationStatus.CANCELLED
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    assert len(emails_to(waiting.user)) == 1  # told a seat is theirs
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]  # nothing to the leaver
    attended.refresh_from_db()
    assert attended.is_confirmed and attended.attended  # the record of a past session stays
    assert not Application.objects.filter(user=person).exists()
