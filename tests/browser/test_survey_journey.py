"""A participant answers the « à chaud » survey through the link emailed when the session ended,
without signing in; the page passes axe's WCAG 2.1 AA rules; staff read the result."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.models import (
    Registration,
    RegistrationStatus,
    SurveyInvitation,
    SurveyMoment,
    SurveyResponse,
)
from catalogue.surveys.results import survey_result
from catalogue.surveys.services import surveys_send
from home.demo.surveys import survey_template
from tests.browser.axe import blocking_violations
from tests.catalogue.factories import SessionPageFactory
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SURVEY_LINK = re.compile(r"https?://\S+/inscriptions/enquete/\S+?/")


def test_the_hot_survey_is_answered_through_its_emailed_link(journey, mailoutbox):
    now = timezone.now()
    session = SessionPageFactory(
        title="Accueillir de nouveaux habitants",
        occurrences=[(now - dt.timedelta(hours=7), now - dt.timedelta(hours=1))],
    )
    session.hot_survey = survey_template()
    session.save_revision().publish()
    participant = UserFactory(email="lea.morel@exemple.fr")
    Registration.objects.create(
        session=session,
        user=participant,
        position=1,
        status=RegistrationStatus.CONFIRMED,
        attended=True,
    )
    with transaction.atomic():  # the invitation leaves once this commits
        surveys_send(now=now)
    [message] = [m for m in mailoutbox if participant.email in m.to]
    assert "Accueillir de nouveaux habitants" in message.subject
    link = urlsplit(SURVEY_LINK.search(message.body).group(0))

    visitor = journey.person("participante")
    with journey.step("1 le lien du courriel, sans connexion"):
        visitor.goto(link.path)
        expect(
            visitor.get_by_role(
                "heading", name="Votre avis sur « Accueillir de nouveaux habitants »"
            )
        ).to_be_visible()
        assert not blocking_violations(visitor)

    with journey.step("2 une réponse manquante est signalée"):
        visitor.get_by_role("button", name="Envoyer mes réponses").click()
        expect(visitor.get_by_role("alert")).to_contain_text("à revoir")
        assert not SurveyResponse.objects.exists()

    with journey.step("3 le questionnaire rempli"):
        groups = visitor.get_by_role("group")
        groups.filter(has_text="Dans l'ensemble").get_by_label(
            "5 — tout à fait satisfait·e"
        ).check()
        groups.filter(has_text="objectifs annoncés").get_by_label("4", exact=True).check()
        groups.filter(has_text="L'animation").get_by_label("4", exact=True).check()
        groups.filter(has_text="Recommanderiez-vous").get_by_label("Oui, sans hésiter").check()
        visitor.get_by_label(re.compile("Que retenez-vous")).fill("Des pistes concrètes.")
        visitor.get_by_role("button", name="Envoyer mes réponses").click()
        expect(visitor.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()

    with journey.step("4 le lien ne sert qu'une fois"):
        visitor.goto(link.path)
        expect(visitor.get_by_text("Vous avez déjà répondu")).to_be_visible()

    assert SurveyInvitation.objects.get().answered_at is not None
    result = survey_result(session, session.hot_survey, SurveyMoment.HOT)
    assert (result.invited, result.responses) == (1, 1)
    assert str(result.questions[0].average) == "5.0"
    assert result.questions[4].texts == ["Des pistes concrètes."]

    staff_user = get_user_model().objects.create_superuser(
        username="qualite", email="qualite@exemple.fr", password="mot-de-passe-solide-42"
    )
    staff = journey.person("personnel")
    with journey.step("5 les résultats pour l'équipe"):
        staff.goto("/admin/login/")
        staff.get_by_label("Nom d’utilisateur").fill(staff_user.username)
        staff.get_by_label(re.compile("Mot de passe|Password")).fill("mot-de-passe-solide-42")
        staff.get_by_role("button", name="S'identifier").click()
        expect(staff).to_have_url(re.compile(r"/admin/$"))
        staff.goto(f"/admin/enquetes/session/{session.pk}/")
        expect(staff.get_by_text("taux de réponse 100,0 %")).to_be_visible()
        expect(staff.get_by_text("Des pistes concrètes.")).to_be_visible()
