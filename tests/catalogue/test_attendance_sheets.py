"""Sign-in sheets: one PDF per half-day, from the admin and from the command line."""

import os

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalogue.attendance import services
from catalogue.attendance.pdf import sign_in_sheet_pdf
from catalogue.models import RegistrationStatus
from membership.models import AssociationSettings
from tests.catalogue.attendance_helpers import (
    AFTER,
    DURING_MORNING_1,
    MORNING_1,
    participant,
    training,
)
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity(home_page):
    identity = AssociationSettings.for_site(home_page.get_site())
    identity.name = "Réseau rural du Diois"
    identity.siret = "73282932000074"
    identity.save()
    return identity


def test_the_sheet_lists_confirmed_participants_trainers_and_signatures_given(identity, staff):
    session = training()
    signed = participant(session, first_name="Alex", organisation="Mairie de Die")
    participant(session, first_name="Brune", organisation="Pays du Diois")
    participant(session, first_name="Waiting", status=RegistrationStatus.WAITING)
    services.attendance_sign_by_code(
        session=session,
        key=MORNING_1,
        code=services.signing.current_code(
            session.pk, session.half_day(MORNING_1), DURING_MORNING_1
        ),
        user=signed.user,
        now=DURING_MORNING_1,
    )
    services.attendance_countersign(session=session, key=MORNING_1, by=staff, now=AFTER)
    text = pdf_text(sign_in_sheet_pdf(session, session.half_day(MORNING_1), identity=identity))
    assert "Feuille d'émargement" in text and "Réseau rural du Diois" in text
    assert "Animer une démarche participative" in text
    assert "Jeudi 26 novembre 2026, matin (9 h – 13 h)" in text
    assert "Dominique Formatrice" in text
    assert "Alex" in text and "Brune" in text and "Pays du Diois" in text
    assert "Waiting" not in text
    assert "signé par code QR le 26/11/2026 à 09:40" in text
    assert text.count("signé") >= 2  # the countersignature too


def test_staff_download_a_sheet_from_the_admin(admin_client, identity):
    session = training()
    participant(session)
    answer = admin_client.get(reverse("catalogue_attendance_sheet", args=[session.pk, MORNING_1]))
    assert answer["Content-Type"] == "application/pdf"
    assert "Alex" in pdf_text(answer.content)
    assert f"emargement-{session.pk}-{MORNING_1}.pdf" in answer["Content-Disposition"]


def test_the_command_writes_one_pdf_per_half_day_and_nothing_else(tmp_path, identity):
    session = training()
    participant(session)
    call_command("attendance_sheets", str(session.pk), "--out", str(tmp_path))
    names = sorted(os.listdir(tmp_path))
    assert (
        names == sorted(f"emargement-{session.pk}-{h.key}.pdf" for h in session.half_days)
        and len(names) == 3
    )
    assert "Vendredi 27 novembre 2026" in pdf_text((tmp_path / names[-1]).read_bytes())


def test_the_command_refuses_in_french(tmp_path, identity):
    with pytest.raises(CommandError, match="Aucune session n'a l'identifiant 999999"):
        call_command("attendance_sheets", "999999", "--out", str(tmp_path))
    dateless = SessionPageFactory(occurrences=[])
    with pytest.raises(CommandError, match="n'a aucune date"):
        call_command("attendance_sheets", str(dateless.pk), "--out", str(tmp_path))
    session = training()
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("attendance_sheets", str(session.pk), "--out", str(tmp_path / "absent"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: a file in the way instead
        locked.chmod(0o700)
        (locked / f"emargement-{session.pk}-{session.half_days[-1].key}.pdf").mkdir()
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        call_command("attendance_sheets", str(session.pk), "--out", str(locked))
    assert [p.name for p in locked.iterdir() if p.is_file()] == []
