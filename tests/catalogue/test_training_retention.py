"""Training records are kept for the retention period, then erased by a scheduled command; an
account deletion keeps them without the person's name."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from catalogue.attendance import retention, services
from catalogue.models import Certificate, SessionPage, Signature, SigningOpening
from membership.services import account_delete
from tests.catalogue.attendance_helpers import AFTER, MORNING_1, participant, training
from tests.catalogue.factories import paris

pytestmark = pytest.mark.django_db


def attended(session, staff, now=AFTER):
    registration = participant(session)
    services.attendance_record_paper(registration=registration, key=MORNING_1, by=staff, now=now)
    services.attendance_countersign(session=session, key=MORNING_1, by=staff, now=now)
    services.certificates_issue(now=now)
    return registration


def test_the_command_erases_records_older_than_six_years_and_says_what(staff):
    old = training()
    attended(old, staff)
    # A session whose last date ended a little under six years before the run: kept.
    recent_day = (paris(2027, 1, 10, 9), paris(2027, 1, 10, 12))
    recent = training(occurrences=[recent_day])
    registration = participant(recent)
    services.attendance_record_paper(
        registration=registration, key="2027-01-10-matin", by=staff, now=paris(2027, 1, 10, 13)
    )
    out = StringIO()
    with time_machine.travel(paris(2032, 12, 1, 3), tick=False):
        call_command("erase_expired_training_records", stdout=out)
    text = out.getvalue()
    assert "conservation 6 ans" in text and "01/12/2026" in text
    assert "1 certificat(s) de réalisation effacé(s)" in text
    assert "2 signature(s) d'émargement effacé(s)" in text
    assert not Signature.objects.filter(session=old).exists()
    assert not Certificate.objects.filter(registration__session=old).exists()
    assert Signature.objects.filter(session=recent).count() == 1
    out = StringIO()
    with time_machine.travel(paris(2032, 12, 1, 3), tick=False):
        call_command("erase_expired_training_records", stdout=out)
    assert "rien à effacer" in out.getvalue()


@override_settings(PORTAIL_ATTENDANCE_RETENTION_YEARS=3)
def test_the_period_is_a_setting(staff):
    session = training()
    attended(session, staff)
    # The last date ends on 27 November 2026 at 12:30.
    before, counts = retention.erase_expired(now=paris(2029, 11, 27, 12))
    assert counts["signatures"] == 0
    before, counts = retention.erase_expired(now=paris(2029, 11, 27, 13))
    assert before == paris(2026, 11, 27, 13) and counts["signatures"] == 2


def test_corrections_and_openings_go_with_what_they_correct(staff):
    session = training(format="online")
    registration = participant(session)
    services.signing_open(session=session, key=MORNING_1, by=staff, now=paris(2026, 11, 26, 10))
    signature = services.attendance_record_paper(
        registration=registration, key=MORNING_1, by=staff, now=AFTER
    )
    services.signature_cancel(signature=signature, by=staff, reason="Erreur de ligne")
    counts = services.attendance_erase_expired(before=AFTER + dt.timedelta(days=1))
    assert counts == {"certificates": 0, "signatures": 2, "signing_openings": 1}
    assert not SigningOpening.objects.exists()


def test_another_app_adds_its_own_eraser(monkeypatch):
    seen = []

    def erase_answers(*, before):
        seen.append(before)
        return 4

    monkeypatch.setattr(
        retention, "ERASERS", [*retention.ERASERS, ("survey_answers", erase_answers)]
    )
    before, counts = retention.erase_expired(now=paris(2032, 1, 1))
    assert seen == [before] and counts["survey_answers"] == 4


def test_an_account_deletion_keeps_the_proofs_without_the_name(staff):
    session = training()
    registration = attended(session, staff)
    account_delete(user=registration.user)
    signature = Signature.objects.effective().participants().get()
    certificate = Certificate.objects.get()
    assert signature.signer_name == "Participant (compte supprimé)"
    assert certificate.participant_name == "Participant (compte supprimé)"
    assert certificate.participant_organisation == ""
    assert (signature.day, signature.method) == (dt.date(2026, 11, 26), "paper")
    assert certificate.hours_attended == 4


def test_a_session_with_proofs_cannot_be_deleted_from_the_admin(admin_client, admin_user):
    session = training()
    registration = participant(session)
    services.attendance_record_paper(
        registration=registration, key=MORNING_1, by=admin_user, now=AFTER
    )
    url = reverse("wagtailadmin_pages:delete", args=[session.pk])
    for answer in (admin_client.get(url), admin_client.post(url)):
        assert answer.status_code == 302
    assert SessionPage.objects.filter(pk=session.pk).exists()
    page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[session.pk]))
    assert "garde des preuves de présence" in page.content.decode()
    index = session.get_parent()
    admin_client.post(reverse("wagtailadmin_pages:delete", args=[index.pk]))
    assert SessionPage.objects.filter(pk=session.pk).exists()
