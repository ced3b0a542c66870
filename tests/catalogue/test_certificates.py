"""Certificates of completion: issued after the last half-day to those who signed one, numbered,
emailed with the PDF, downloadable from the registrations page and the API."""

from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from catalogue.attendance import services, signing
from catalogue.models import AttendanceMode, Certificate
from membership.models import AssociationSettings
from tests.catalogue.attendance_helpers import (
    AFTER,
    AFTERNOON_1,
    DAY_1,
    DURING_AFTERNOON_1,
    DURING_MORNING_1,
    MORNING_1,
    participant,
    training,
)
from tests.catalogue.pdf_text import pdf_text
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity(home_page):
    identity = AssociationSettings.for_site(home_page.get_site())
    identity.name = "Réseau rural du Diois"
    identity.siret = "73282932000074"
    identity.save()
    return identity


def sign(session, registration, key, now):
    code = signing.current_code(session.pk, session.half_day(key), now)
    services.attendance_sign_by_code(
        session=session, key=key, code=code, user=registration.user, now=now
    )


@pytest.fixture
def ended(identity):
    """Alex signed both half-days of day 1 (8 h 30 of 12 h), Brune none."""
    session = training()
    alex, brune = participant(session, first_name="Alex"), participant(session, first_name="Brune")
    sign(session, alex, MORNING_1, DURING_MORNING_1)
    sign(session, alex, AFTERNOON_1, DURING_AFTERNOON_1)
    return session, alex, brune


def test_issued_after_the_last_half_day_to_those_who_signed(
    ended, django_capture_on_commit_callbacks
):
    session, alex, brune = ended
    assert services.certificates_issue(now=DURING_AFTERNOON_1) == []
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = services.certificates_issue(now=AFTER)
    assert certificate.registration == alex and certificate.display_number == "CR-2026-00001"
    assert (certificate.hours_attended, certificate.hours_planned) == (8.5, 12)
    assert (certificate.half_days_attended, certificate.half_days_planned) == (2, 3)
    alex.refresh_from_db()
    brune.refresh_from_db()
    assert alex.attended is True and brune.attended is False
    (message,) = mail.outbox
    assert message.to == [alex.user.email] and "certificat de réalisation" in message.subject
    assert "8 h 30 sur 12 h prévues" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "certificat-CR-2026-00001.pdf" and mimetype == "application/pdf"
    text = pdf_text(content)
    for fact in (
        "Certificat de réalisation",
        "Réseau rural du Diois",
        "SIRET 73282932000074",
        "Animer une démarche participative",
        "Action de formation",
        "du 26 novembre 2026 au 27 novembre 2026",
        "8 h 30 sur 12 h prévues",
        certificate.participant_name,
    ):
        assert fact in text, fact
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_the_command_is_idempotent_and_numbers_without_gaps(
    ended, django_capture_on_commit_callbacks
):
    session, alex, brune = ended
    other = training()
    carla = participant(other, first_name="Carla")
    services.attendance_record_paper(
        registration=carla, key=MORNING_1, by=UserFactory(is_superuser=True), now=AFTER
    )
    with time_machine.travel(AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("issue_certificates", stdout=out)
        call_command("issue_certificates", stdout=StringIO())
    assert "2 certificat(s)" in out.getvalue()
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [1, 2] and len(mail.outbox) == 2


def test_a_pick_one_date_is_certified_once_that_date_is_over(identity):
    session = training(attendance_mode=AttendanceMode.ONE_DATE)
    first = session.sorted_occurrences[0]
    alex = participant(session, occurrence=first)
    sign(session, alex, MORNING_1, DURING_MORNING_1)
    between = DAY_1[1].replace(hour=20)
    (certificate,) = services.certificates_issue(now=between)
    assert certificate.hours_planned == 8.5 and certificate.last_day == DAY_1[0].date()


class TestDownloads:
    def test_the_participant_downloads_it_from_the_page_and_the_api(self, ended, client):
        session, alex, brune = ended
        client.force_login(alex.user)
        page_url = reverse("catalogue:certificate", args=[alex.pk])
        api_url = f"/api/me/registrations/{alex.pk}/certificate.pdf"
        with time_machine.travel(DURING_AFTERNOON_1, tick=False):
            early = client.get(api_url)
            assert early.status_code == 409 and early.json()["code"] == "not_ended"
            assert "après la dernière demi-journée" in early.json()["detail"]
            assert client.get(page_url).status_code == 409
        with time_machine.travel(AFTER, tick=False):
            answer = client.get(api_url)
            assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
            assert "8 h 30 sur 12 h" in pdf_text(answer.content)
            assert client.get(page_url).status_code == 200
            listing = client.get(reverse("catalogue:my_registrations")).content.decode()
            assert page_url in listing
        assert Certificate.objects.count() == 1  # issued once, on the first download

    def test_without_attendance_409_and_another_persons_404(self, ended, client):
        session, alex, brune = ended
        with time_machine.travel(AFTER, tick=False):
            client.force_login(brune.user)
            answer = client.get(f"/api/me/registrations/{brune.pk}/certificate.pdf")
            assert answer.status_code == 409 and answer.json()["code"] == "no_attendance"
            assert "Aucune demi-journée signée" in answer.json()["detail"]
            assert client.get(f"/api/me/registrations/{alex.pk}/certificate.pdf").status_code == 404
            assert client.get(reverse("catalogue:certificate", args=[alex.pk])).status_code == 404
