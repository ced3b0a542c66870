"""A training's evidence as people live it, from the first half-day to the survey: a participant
signs two half-days by scanning the trainer's QR code, the trainer countersigns in the admin, the
certificate of completion arrives by email with the hours attended, and the « à chaud » survey is
answered through its emailed link without signing in, then read by staff. The clock is set to the
day of the session (time flows from there)."""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from playwright.sync_api import expect

from catalogue.attendance import services
from catalogue.models import Signature, SpeakerRole, SurveyInvitation, SurveyMoment, SurveyResponse
from catalogue.surveys.results import survey_result
from catalogue.surveys.services import surveys_send
from home.demo.surveys import survey_template
from tests.browser.axe import blocking_violations
from tests.browser.test_journeys import STAFF, admin_login, emails_to, path_of
from tests.catalogue.attendance_helpers import (
    AFTER,
    DURING_AFTERNOON_1,
    DURING_MORNING_1,
    participant,
    training,
)
from tests.catalogue.factories import PersonFactory
from tests.catalogue.pdf_text import pdf_text

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Haies-champetres-42"
SURVEY_LINK = re.compile(r"https?://\S+/inscriptions/enquete/\S+?/")


def test_signed_half_days_lead_to_the_certificate_and_the_hot_survey(journey, mailoutbox):
    trainer = PersonFactory(first_name="Claire", last_name="Vidal")
    session = training(speakers=[(trainer, SpeakerRole.ANIMATION)])
    session.hot_survey = survey_template()
    session.save_revision().publish()
    registration = participant(session, first_name="Lucie")
    lucie = registration.user
    lucie.set_password(PASSWORD)
    lucie.save(update_fields=["password"])
    get_user_model().objects.create_superuser(**STAFF)
    morning, afternoon = session.half_days[:2]

    with time_machine.travel(DURING_MORNING_1, tick=True) as clock:
        staff, person = journey.person("formatrice"), journey.person("participante")
        with journey.step("1 la formatrice affiche le code du matin"):
            admin_login(staff)
            staff.goto(f"/admin/emargement/{session.pk}/")
            staff.get_by_role("link", name="Afficher le code QR").click()
            expect(staff.locator(".signing-code svg")).to_be_visible()
            url = staff.locator("[data-signing-url]").get_attribute("href")

        with journey.step("2 la participante scanne, se connecte et signe"):
            person.goto(path_of(url))
            person.get_by_label("E-mail").fill(lucie.email)
            person.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(PASSWORD)
            person.get_by_role("button", name="Connexion").click()
            expect(person.get_by_text(morning.label)).to_be_visible()
            person.get_by_role("button", name="Signer ma présence").click()
            expect(person.get_by_text("Votre présence est signée")).to_be_visible()

        clock.move_to(DURING_AFTERNOON_1)
        with journey.step("3 l'après-midi, un nouveau code"):
            staff.goto(f"/admin/emargement/{session.pk}/{afternoon.key}/code/")
            url = staff.locator("[data-signing-url]").get_attribute("href")
            person.goto(path_of(url))
            person.get_by_role("button", name="Signer ma présence").click()
            expect(person.get_by_text("Votre présence est signée")).to_be_visible()

        with journey.step("4 la formatrice contresigne les deux demi-journées"):
            staff.goto(f"/admin/emargement/{session.pk}/")
            for _ in range(2):
                staff.get_by_role("button", name="Contresigner").first.click()
                expect(staff.get_by_text("Demi-journée contresignée.")).to_be_visible()
            expect(staff.get_by_text("1 / 1")).to_have_count(2)

        signatures = Signature.objects.effective()
        assert sorted(signatures.participants().values_list("method", flat=True)) == ["qr", "qr"]
        assert signatures.trainers().count() == 2

        clock.move_to(AFTER)
        with journey.step("5 le certificat part après la dernière demi-journée"):
            services.certificates_issue()
            (email,) = emails_to(mailoutbox, lucie.email, "certificat de réalisation")
            assert "8 h 30 sur 12 h prévues" in email.body
            name, content, _ = email.attachments[0]
            text = pdf_text(content)
            assert "Certificat de réalisation" in text and "8 h 30 sur 12 h prévues" in text
            assert "Lucie" in text and session.title in text
            person.goto("/inscriptions/mes-inscriptions/")
            expect(
                person.get_by_role("link", name=re.compile("certificat de réalisation"))
            ).to_be_visible()

        with journey.step("6 le questionnaire « à chaud » part aux présents"):
            with transaction.atomic():  # the invitation leaves once this commits
                surveys_send()
            (message,) = emails_to(mailoutbox, lucie.email, f"Votre avis sur « {session.title} »")
            link = urlsplit(SURVEY_LINK.search(message.body).group(0))

        # The link needs no account: Lucie opens it on her phone, where she is not signed in.
        phone = journey.person("téléphone de la participante")
        with journey.step("7 le lien du courriel, sans connexion"):
            phone.goto(link.path)
            expect(
                phone.get_by_role("heading", name=f"Votre avis sur « {session.title} »")
            ).to_be_visible()
            assert not blocking_violations(phone)

        with journey.step("8 une réponse manquante est signalée"):
            phone.get_by_role("button", name="Envoyer mes réponses").click()
            expect(phone.get_by_role("alert")).to_contain_text("à revoir")
            assert not SurveyResponse.objects.exists()

        with journey.step("9 le questionnaire rempli"):
            groups = phone.get_by_role("group")
            groups.filter(has_text="Dans l'ensemble").get_by_label(
                "5 — tout à fait satisfait·e"
            ).check()
            groups.filter(has_text="objectifs annoncés").get_by_label("4", exact=True).check()
            groups.filter(has_text="L'animation").get_by_label("4", exact=True).check()
            groups.filter(has_text="Recommanderiez-vous").get_by_label("Oui, sans hésiter").check()
            phone.get_by_label(re.compile("Que retenez-vous")).fill("Des pistes concrètes.")
            phone.get_by_role("button", name="Envoyer mes réponses").click()
            expect(phone.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()

        with journey.step("10 le lien ne sert qu'une fois"):
            phone.goto(link.path)
            expect(phone.get_by_text("Vous avez déjà répondu")).to_be_visible()

        assert SurveyInvitation.objects.get(registration=registration).answered_at is not None
        result = survey_result(session, session.hot_survey, SurveyMoment.HOT)
        assert (result.invited, result.responses) == (1, 1)
        assert str(result.questions[0].average) == "5.0"
        assert result.questions[4].texts == ["Des pistes concrètes."]

        with journey.step("11 les résultats pour l'équipe"):
            staff.goto(f"/admin/enquetes/session/{session.pk}/")
            expect(staff.get_by_text("taux de réponse 100,0 %")).to_be_visible()
            expect(staff.get_by_text("Des pistes concrètes.")).to_be_visible()
