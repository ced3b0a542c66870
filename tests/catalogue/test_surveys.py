"""Satisfaction surveys (Qualiopi indicator 30): who is invited and when, the no-login link,
anonymous and named answers, the results staff read and export, retention."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalogue.models import (
    Registration,
    RegistrationStatus,
    SpeakerRole,
    SurveyAnswer,
    SurveyInvitation,
    SurveyMoment,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    SurveyTemplate,
)
from catalogue.surveys.results import survey_result
from catalogue.surveys.services import (
    erase_expired_survey_answers,
    survey_submit,
    surveys_send,
)
from membership.services import account_delete
from tests.catalogue.factories import PersonFactory, SessionPageFactory
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/inscriptions/enquete/(\S+?)/")


def make_template(*, anonymous=True, name="À chaud"):
    template = SurveyTemplate.objects.create(name=name, anonymous=anonymous)
    SurveyQuestion.objects.create(
        template=template, sort_order=0, label="Satisfaction globale", kind="rating"
    )
    SurveyQuestion.objects.create(
        template=template,
        sort_order=1,
        label="Recommanderiez-vous la session ?",
        kind=SurveyQuestionKind.CHOICE,
        choices="Oui\nNon",
    )
    SurveyQuestion.objects.create(
        template=template,
        sort_order=2,
        label="Une remarque ?",
        kind=SurveyQuestionKind.TEXT,
        required=False,
    )
    return template


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def ended(now):
    """A published session that ended two hours ago, with one participant present, one absent
    and one not marked, and a trainer."""
    trainer = PersonFactory(email="formatrice@example.org")
    session = SessionPageFactory(
        title="Animer un atelier",
        occurrences=[(now - dt.timedelta(hours=5), now - dt.timedelta(hours=2))],
        speakers=[(trainer, SpeakerRole.ANIMATION)],
    )
    session.hot_survey = make_template()
    session.save_revision().publish()
    people = {}
    for n, attended in enumerate((True, False, None), 1):
        user = UserFactory()
        Registration.objects.create(
            session=session,
            user=user,
            position=n,
            status=RegistrationStatus.CONFIRMED,
            attended=attended,
        )
        people[attended] = user
    session.refresh_from_db()
    return session, people


def token_for(user):
    [message] = [m for m in mail.outbox if user.email in m.to]
    return LINK.search(message.body).group(1)


def answers(template, rating="4", choice="Oui", text=""):
    questions = list(template.questions.all())
    return {
        f"q{questions[0].pk}": rating,
        f"q{questions[1].pk}": choice,
        f"q{questions[2].pk}": text,
    }


def test_the_hot_survey_goes_once_to_the_participants_marked_present(ended, now, committed):
    session, people = ended
    report = committed(surveys_send, now=now)
    assert report.invited == 1
    assert [m.to for m in mail.outbox] == [[people[True].email]]
    assert "Animer un atelier" in mail.outbox[0].subject
    assert LINK.search(mail.outbox[0].body)

    again = committed(surveys_send, now=now + dt.timedelta(minutes=5))
    assert again.invited == 0 and len(mail.outbox) == 1


def test_nothing_goes_before_the_session_ends_nor_long_after(ended, now, committed):
    session, _people = ended
    assert committed(surveys_send, now=now - dt.timedelta(hours=3)).invited == 0
    assert committed(surveys_send, now=now + dt.timedelta(days=31)).invited == 0
    assert not mail.outbox


def test_the_cold_survey_goes_its_number_of_days_after_the_end(ended, now, committed):
    session, people = ended
    session.hot_survey = None
    session.cold_survey = make_template(name="À froid")
    session.cold_survey_delay_days = 45
    session.save_revision().publish()
    assert committed(surveys_send, now=now + dt.timedelta(days=44)).invited == 0
    report = committed(surveys_send, now=now + dt.timedelta(days=45))
    assert report.by_moment == {SurveyMoment.COLD: 1}
    assert [m.to for m in mail.outbox] == [[people[True].email]]


def test_trainers_are_asked_their_own_feedback(ended, now, committed):
    session, _people = ended
    session.trainer_survey = make_template(name="Intervenants", anonymous=False)
    session.save_revision().publish()
    committed(surveys_send, now=now)
    trainer_mail = [m for m in mail.outbox if m.to == ["formatrice@example.org"]]
    assert len(trainer_mail) == 1
    assert "Vous êtes intervenu·e" in trainer_mail[0].body
    token = LINK.search(trainer_mail[0].body).group(1)
    template = session.trainer_survey
    response = survey_submit(token=token, data=answers(template), now=now)
    assert response.moment == SurveyMoment.TRAINER
    assert response.respondent.startswith("Camille")


def test_one_reminder_when_unanswered(ended, now, committed):
    session, people = ended
    committed(surveys_send, now=now)
    assert committed(surveys_send, now=now + dt.timedelta(days=6)).reminded == 0
    assert committed(surveys_send, now=now + dt.timedelta(days=7)).reminded == 1
    assert committed(surveys_send, now=now + dt.timedelta(days=8)).reminded == 0
    assert [m.subject.count("Rappel") for m in mail.outbox] == [0, 1]
    # The reminder carries the same link, still valid until the invitation expires.
    links = {LINK.search(m.body).group(1) for m in mail.outbox}
    assert len(links) == 1


def test_no_reminder_once_answered(ended, now, committed):
    session, people = ended
    committed(surveys_send, now=now)
    survey_submit(token=token_for(people[True]), data=answers(session.hot_survey), now=now)
    assert committed(surveys_send, now=now + dt.timedelta(days=7)).reminded == 0


def test_the_link_answers_without_login_then_is_used(ended, now, committed, client):
    session, people = ended
    committed(surveys_send, now=now)
    url = reverse("catalogue:survey", args=[token_for(people[True])])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Votre avis sur « Animer un atelier »" in html
    assert "<legend>" in html or "<fieldset" in html  # radio groups are labelled
    assert "Vos réponses sont anonymes" in html

    done = client.post(url, answers(session.hot_survey, rating="5", text="Très concret."))
    assert done.status_code == 200
    assert "Merci pour votre avis" in done.content.decode()
    [response] = SurveyResponse.objects.all()
    assert response.user is None and response.respondent == ""
    assert {a.rating for a in response.answers.all()} == {5, None}

    again = client.get(url)
    assert again.status_code == 409
    assert "déjà répondu" in again.content.decode()


def test_anonymous_answers_hold_nothing_linking_them_to_the_person(ended, now, committed):
    session, people = ended
    committed(surveys_send, now=now)
    response = survey_submit(token=token_for(people[True]), data=answers(session.hot_survey))
    relations = {f.related_model for f in SurveyResponse._meta.get_fields() if f.is_relation}
    relations |= {f.related_model for f in SurveyAnswer._meta.get_fields() if f.is_relation}
    assert SurveyInvitation not in relations and Registration not in relations
    assert response.user_id is None
    # Dated by day only, with a random key: neither orders responses as invitations were sent.
    assert isinstance(response.submitted_on, dt.date) and not isinstance(
        response.submitted_on, dt.datetime
    )
    assert SurveyInvitation.objects.answered().count() == 1


def test_wrong_answers_are_refused_and_write_nothing(ended, now, committed, client):
    session, people = ended
    committed(surveys_send, now=now)
    url = reverse("catalogue:survey", args=[token_for(people[True])])
    refused = client.post(url, answers(session.hot_survey, rating="9", choice="Peut-être"))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Choisissez une note de 1 à 5." in html
    assert "Choisissez une des réponses proposées." in html
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.answered().count() == 0


def test_invalid_and_expired_links_say_so(ended, now, committed, client):
    session, people = ended
    committed(surveys_send, now=now)
    token = token_for(people[True])
    invalid = client.get(reverse("catalogue:survey", args=[token[:-3] + "abc"]))
    assert invalid.status_code == 404
    assert "ne correspond à aucun questionnaire" in invalid.content.decode()

    SurveyInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(reverse("catalogue:survey", args=[token]))
    assert expired.status_code == 410
    assert "valable 30 jours" in expired.content.decode()


def test_the_link_is_valid_thirty_days(ended, now, committed):
    committed(surveys_send, now=now)
    invitation = SurveyInvitation.objects.get()
    assert invitation.expires_at == now + dt.timedelta(days=30)


def test_named_answers_lose_the_person_when_the_account_goes(ended, now, committed):
    session, people = ended
    session.hot_survey.anonymous = False
    session.hot_survey.save()
    committed(surveys_send, now=now)
    person = people[True]
    response = survey_submit(token=token_for(person), data=answers(session.hot_survey))
    assert response.user == person and response.respondent
    committed(account_delete, user=person)
    response.refresh_from_db()
    assert response.user is None and response.respondent == ""
    assert response.answers.count() == 2  # the feedback itself stays


def test_results_give_the_rate_averages_distributions_and_texts(ended, now, committed):
    session, people = ended
    for attended in (False, None):
        Registration.objects.filter(user=people[attended]).update(attended=True)
    committed(surveys_send, now=now)
    template = session.hot_survey
    survey_submit(token=token_for(people[True]), data=answers(template, "5", "Oui", "Bien."))
    survey_submit(token=token_for(people[False]), data=answers(template, "2", "Non"))

    result = survey_result(session, template, SurveyMoment.HOT)
    assert (result.invited, result.responses, str(result.response_rate)) == (3, 2, "66.7")
    rating, choice, text = result.questions
    assert str(rating.average) == "3.5"
    assert rating.distribution == [("1", 0), ("2", 1), ("3", 0), ("4", 0), ("5", 1)]
    assert choice.distribution == [("Oui", 1), ("Non", 1)]
    assert text.texts == ["Bien."]


def test_staff_read_and_export_the_results(ended, now, committed, client):
    session, people = ended
    committed(surveys_send, now=now)
    template = session.hot_survey
    survey_submit(token=token_for(people[True]), data=answers(template, "4", "Oui", "=1+1"))

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("catalogue_survey_results", args=[session.pk])).status_code in (
        302,
        403,
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("catalogue_survey_results", args=[session.pk])).content.decode()
    assert "taux de réponse 100,0 %" in html
    assert "Moyenne : 4,0 / 5" in html

    args = [session.pk, template.pk, "hot"]
    csv = client.get(reverse("catalogue_survey_export", args=[*args, "csv"]))
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "Répondu le;Satisfaction globale;Recommanderiez-vous la session ?;Une remarque ?"
    )
    assert lines[1].endswith(";4;Oui;'=1+1")

    xlsx = client.get(reverse("catalogue_survey_export", args=[*args, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][1:] == [4, "Oui", "'=1+1"]


def test_retention_erases_answers_of_sessions_ended_before_the_limit(ended, now, committed):
    session, people = ended
    committed(surveys_send, now=now)
    survey_submit(token=token_for(people[True]), data=answers(session.hot_survey))
    assert erase_expired_survey_answers(before=now - dt.timedelta(days=1)) == 0
    assert erase_expired_survey_answers(before=now) == 1
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()
    assert not SurveyInvitation.objects.exists()


def test_the_command_sends_what_is_due_and_says_so(ended, now):
    out = io.StringIO()
    call_command("send_satisfaction_surveys", stdout=out)
    assert "1 invitation(s) envoyée(s)" in out.getvalue()
    out = io.StringIO()
    call_command("send_satisfaction_surveys", stdout=out)
    assert "0 invitation(s) envoyée(s), 0 relance(s)" in out.getvalue()
