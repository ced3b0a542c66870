"""Attendance as people live it: a participant signs two half-days by scanning the trainer's QR
code, the trainer countersigns in the admin, and the certificate of completion arrives by email
with the hours attended. The clock is set to the day of the session (time flows from there)."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalogue.attendance import services
from catalogue.models import Signature, SpeakerRole
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


def test_a_participant_signs_two_half_days_by_qr_code_and_gets_the_certificate(journey, mailoutbox):
    trainer = PersonFactory(first_name="Claire", last_name="Vidal")
    session = training(speakers=[(trainer, SpeakerRole.ANIMATION)])
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
