"""The demo's « à chaud » survey: answers on the session that ended, once."""

import datetime as dt

import pytest
from django.utils import timezone

from catalogue.models import Registration, RegistrationStatus, SurveyMoment, SurveyResponse
from catalogue.surveys.results import survey_result
from home.demo.surveys import add_hot_survey
from tests.catalogue.factories import SessionPageFactory
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_ended_session_gets_answers_once():
    now = timezone.now()
    session = SessionPageFactory(
        occurrences=[(now - dt.timedelta(days=7, hours=8), now - dt.timedelta(days=7))]
    )
    registrations = [
        Registration.objects.create(
            session=session,
            user=UserFactory(),
            position=n,
            status=RegistrationStatus.CONFIRMED,
            attended=n != 5,
        )
        for n in range(1, 6)
    ]
    assert add_hot_survey(session, registrations) == 3
    assert add_hot_survey(session, registrations) == 0
    session.refresh_from_db()
    result = survey_result(session, session.hot_survey, SurveyMoment.HOT)
    assert (result.invited, result.responses) == (4, 3)
    assert result.questions[0].average is not None
    assert SurveyResponse.objects.filter(user__isnull=False).count() == 0
