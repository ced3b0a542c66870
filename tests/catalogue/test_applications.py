"""Applying to a working-group call: answers checked against the questions, staff decisions, emails."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.models import Application, ApplicationStatus, QuestionKind, RegistrationMode
from catalogue.registrations.services import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    application_decide,
    application_decide_batch,
    application_submit,
)
from tests.catalogue.factories import WorkingGroupCallPageFactory
from tests.catalogue.registration_helpers import emails_to
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return WorkingGroupCallPageFactory(
        questions=[
            {"label": "Qu'attendez-vous du groupe ?", "kind": QuestionKind.LONG_TEXT},
            {"label": "Votre structure", "kind": QuestionKind.SHORT_TEXT},
            {
                "label": "Votre profil",
                "kind": QuestionKind.CHOICE,
                "choices": "Élu·e\nAgent de développement\nBénévole",
            },
            {"label": "Une remarque ?", "kind": QuestionKind.SHORT_TEXT, "required": False},
        ]
    )


def keys(call):
    return [str(pk) for pk in call.questions.order_by("sort_order").values_list("pk", flat=True)]


def good_answers(call):
    expectations, organisation, profile, _ = keys(call)
    return {
        expectations: "Croiser action sociale et développement local.",
        organisation: "CC du Diois",
        profile: "Agent de développement",
    }


def errors_of(call, answers):
    with pytest.raises(ValidationError) as caught:
        application_submit(call=call, user=UserFactory(), answers=answers)
    return caught.value.message_dict


def test_a_complete_application_is_recorded_and_acknowledged(call, committed):
    user = UserFactory()
    application = committed(application_submit, call=call, user=user, answers=good_answers(call))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers == good_answers(call)
    [message] = emails_to(user)
    assert "Candidature reçue" in message.subject
    assert "CC du Diois" in message.body and "Qu'attendez-vous du groupe ?" in message.body


def test_required_answers_choices_and_lengths_are_checked(call):
    expectations, organisation, profile, remark = keys(call)
    errors = errors_of(
        call,
        {
            expectations: "   ",
            organisation: "x" * (SHORT_TEXT_MAX + 1),
            profile: "Astronaute",
            remark: "y" * (LONG_TEXT_MAX + 1),
        },
    )
    assert set(errors) == {expectations, organisation, profile, remark}
    assert "Répondez" in errors[expectations][0]
    # The person (or the front end) learns which answers the question accepts.
    assert errors[profile][0].endswith("Élu·e ; Agent de développement ; Bénévole.")
    assert not Application.objects.exists()


def test_answers_to_unknown_questions_are_refused(call):
    other_call = WorkingGroupCallPageFactory()
    answers = {**good_answers(call), keys(other_call)[0]: "Intrus"}
    assert "answers" in errors_of(call, answers)


def test_one_application_per_person_and_call(call):
    user = UserFactory()
    application_submit(call=call, user=user, answers=good_answers(call))
    with pytest.raises(ValidationError) as caught:
        application_submit(call=call, user=user, answers=good_answers(call))
    assert caught.value.code == "already_registered"
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=call, user=user, answers={})


def test_closed_calls_refuse_applications():
    past_deadline = WorkingGroupCallPageFactory(
        registration_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    not_applications = WorkingGroupCallPageFactory(registration_mode=RegistrationMode.NONE)
    for closed_call, code in (
        (past_deadline, "closed"),
        (not_applications, "registration_unavailable"),
    ):
        with pytest.raises(ValidationError) as caught:
            application_submit(call=closed_call, user=UserFactory(), answers={})
        assert caught.value.code == code


def test_staff_decide_one_application_and_the_applicant_is_told(call, staff, committed):
    user = UserFactory()
    application = application_submit(call=call, user=user, answers=good_answers(call))
    committed(
        application_decide,
        application=application,
        decision=ApplicationStatus.SELECTED,
        note="Première réunion à Valence.",
        by=staff,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED
    assert application.decided_by == staff and application.decided_at is not None
    [message] = emails_to(user)
    assert "retenue" in message.subject
    assert "Première réunion à Valence." in message.body
    assert "Première réunion à Valence." in message.alternatives[0].content


def test_batch_decision_emails_each_applicant(call, staff, committed):
    people = [UserFactory() for _ in range(3)]
    applications = [
        application_submit(call=call, user=person, answers=good_answers(call)) for person in people
    ]
    committed(
        application_decide_batch,
        applications=applications[:2],
        decision=ApplicationStatus.DECLINED,
        note="Le groupe est complet.",
        by=staff,
    )
    committed(
        application_decide_batch,
        applications=applications[2:],
        decision=ApplicationStatus.RESERVE,
        note="",
        by=staff,
    )
    statuses = dict(Application.objects.values_list("user_id", "status"))
    assert [statuses[p.pk] for p in people] == ["declined", "declined", "reserve"]
    assert len(mail.outbox) == 3
    assert all("Le groupe est complet." in emails_to(p)[0].body for p in people[:2])
    assert "réserve" in emails_to(people[2])[0].subject


def test_only_staff_decide_and_only_known_decisions(call, staff):
    application = application_submit(call=call, user=UserFactory(), answers=good_answers(call))
    with pytest.raises(PermissionDenied):
        application_decide(
            application=application, decision=ApplicationStatus.SELECTED, by=UserFactory()
        )
    with pytest.raises(ValidationError) as caught:
        application_decide(application=application, decision="maybe", by=staff)
    assert caught.value.code == "invalid_decision"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
