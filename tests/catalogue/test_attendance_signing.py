"""Signing a half-day: the trainer's QR code, online signing, paper, countersigning, corrections;
the registration's attendance mark follows the signatures."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalogue.attendance import services, signing
from catalogue.models import RegistrationStatus, SessionFormat, Signature, SignatureMethod
from tests.catalogue.attendance_helpers import (
    AFTER,
    AFTERNOON_1,
    DURING_AFTERNOON_1,
    DURING_MORNING_1,
    MORNING_1,
    MORNING_2,
    participant,
    training,
)
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusal(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code, caught.value.message


def code(session, key, now):
    return signing.current_code(session.pk, session.half_day(key), now)


def sign(session, registration, key, now, **kwargs):
    return services.attendance_sign_by_code(
        session=session, key=key, code=code(session, key, now), user=registration.user, now=now,
        **kwargs,
    )  # fmt: skip


class TestQrCode:
    def test_a_confirmed_participant_signs_the_current_half_day_once(self):
        session = training()
        registration = participant(session)
        signature = sign(session, registration, MORNING_1, DURING_MORNING_1)
        assert (signature.method, signature.signed_at) == (SignatureMethod.QR, DURING_MORNING_1)
        assert signature.signer_name.startswith("Alex ")
        assert (signature.starts_at.hour, signature.ends_at.hour) == (9, 13)
        registration.refresh_from_db()
        assert registration.attended is True
        later = DURING_MORNING_1 + dt.timedelta(minutes=5)
        code_, message = refusal(lambda: sign(session, registration, MORNING_1, later))
        assert code_ == "already_signed" and "déjà signée" in message
        assert Signature.objects.count() == 1

    def test_the_code_changes_every_minute_and_the_previous_one_still_works(self):
        session = training()
        registration = participant(session)
        shown = code(session, MORNING_1, DURING_MORNING_1)
        assert shown != code(session, MORNING_1, DURING_MORNING_1 + dt.timedelta(minutes=1))
        assert shown != code(session, AFTERNOON_1, DURING_MORNING_1)
        two_minutes_later = DURING_MORNING_1 + dt.timedelta(minutes=2)
        code_, message = refusal(
            lambda: services.attendance_sign_by_code(
                session=session,
                key=MORNING_1,
                code=shown,
                user=registration.user,
                now=two_minutes_later,
            )  # fmt: skip
        )
        assert code_ == "expired_code" and "expiré" in message
        services.attendance_sign_by_code(
            session=session, key=MORNING_1, code=shown, user=registration.user,
            now=DURING_MORNING_1 + dt.timedelta(seconds=60),
        )  # fmt: skip

    def test_the_code_of_another_half_day_or_session_is_refused(self):
        session, other = training(), training()
        registration = participant(session)
        for wrong in (code(other, MORNING_1, DURING_MORNING_1), "0" * 12):
            code_, _ = refusal(
                lambda wrong=wrong: services.attendance_sign_by_code(
                    session=session,
                    key=MORNING_1,
                    code=wrong,
                    user=registration.user,
                    now=DURING_MORNING_1,
                )  # fmt: skip
            )
            assert code_ == "expired_code"

    def test_only_during_the_half_day(self):
        session = training()
        registration = participant(session)
        before = DURING_MORNING_1.replace(hour=8, minute=0)
        code_, message = refusal(lambda: sign(session, registration, MORNING_1, before))
        assert code_ == "not_yet_open" and "pas encore ouvert" in message
        code_, message = refusal(lambda: sign(session, registration, MORNING_1, DURING_AFTERNOON_1))
        assert code_ == "closed" and "clos" in message
        # Fifteen minutes' grace either side.
        sign(session, registration, MORNING_1, DURING_MORNING_1.replace(hour=8, minute=50))

    def test_people_not_confirmed_cannot_sign(self):
        session = training()
        waiting = participant(session, status=RegistrationStatus.WAITING)
        stranger = UserFactory()
        for user in (waiting.user, stranger):
            code_, message = refusal(
                lambda user=user: services.attendance_sign_by_code(
                    session=session,
                    key=MORNING_1,
                    code=code(session, MORNING_1, DURING_MORNING_1),
                    user=user,
                    now=DURING_MORNING_1,
                )  # fmt: skip
            )
            assert code_ == "not_registered" and "pas inscrit" in message
        assert not Signature.objects.exists()

    def test_the_page_a_scan_opens_signs_on_the_button_only(self, client):
        session = training()
        registration = participant(session)
        with time_machine.travel(DURING_MORNING_1, tick=False):
            url = signing.signing_path(
                session.pk, session.half_day(MORNING_1), code(session, MORNING_1, DURING_MORNING_1)
            )
            assert client.get(url).status_code == 302  # to the login page
            client.force_login(registration.user)
            page = client.get(url)
            assert "Signer ma présence" in page.content.decode() and not Signature.objects.exists()
            answer = client.post(url)
            assert (
                answer.status_code == 200 and "Votre présence est signée" in answer.content.decode()
            )
            again = client.post(url)
            assert again.status_code == 409 and "déjà signée" in again.content.decode()
        late = participant(session, first_name="Sacha")
        client.force_login(late.user)
        with time_machine.travel(DURING_MORNING_1 + dt.timedelta(minutes=3), tick=False):
            answer = client.post(url)  # a photo of the code, taken three minutes earlier
            assert answer.status_code == 409 and "expiré" in answer.content.decode()


class TestOnline:
    def test_participants_sign_from_their_registrations_once_staff_open_signing(
        self, client, staff
    ):
        session = training(format=SessionFormat.ONLINE)
        registration = participant(session)
        client.force_login(registration.user)
        with time_machine.travel(DURING_MORNING_1, tick=False):
            assert (
                "Signer ma présence"
                not in client.get(reverse("catalogue:my_registrations")).content.decode()
            )
            answer = client.post(
                reverse("catalogue:sign_online", args=[registration.pk, MORNING_1]), follow=True
            )
            assert "pas ouvert" in answer.content.decode()
            services.signing_open(session=session, key=MORNING_1, by=staff)
            page = client.get(reverse("catalogue:my_registrations")).content.decode()
            assert "Signer ma présence" in page
            answer = client.post(
                reverse("catalogue:sign_online", args=[registration.pk, MORNING_1]), follow=True
            )
            assert "Présence signée" in answer.content.decode()
        signature = Signature.objects.get()
        assert (
            signature.method == SignatureMethod.ONLINE
            and signature.recorded_by == registration.user
        )

    def test_another_persons_registration_answers_404(self, client):
        session = training(format=SessionFormat.ONLINE)
        registration = participant(session)
        client.force_login(UserFactory())
        url = reverse("catalogue:sign_online", args=[registration.pk, MORNING_1])
        assert client.post(url).status_code == 404

    def test_signing_opens_for_online_sessions_only(self, staff):
        session = training()
        code_, _ = refusal(
            lambda: services.signing_open(
                session=session, key=MORNING_1, by=staff, now=DURING_MORNING_1
            )
        )
        assert code_ == "in_person"


class TestStaff:
    def test_paper_signature_countersignature_and_correction(self, staff):
        session = training()
        registration = participant(session)
        paper = services.attendance_record_paper(
            registration=registration, key=AFTERNOON_1, by=staff, now=AFTER
        )
        assert paper.method == SignatureMethod.PAPER and paper.recorded_by == staff
        countersigned = services.attendance_countersign(
            session=session, key=AFTERNOON_1, by=staff, now=DURING_AFTERNOON_1
        )
        assert countersigned.role == "trainer" and countersigned.registration is None
        code_, _ = refusal(
            lambda: services.attendance_countersign(
                session=session, key=AFTERNOON_1, by=staff, now=AFTER
            )
        )
        assert code_ == "already_signed"
        correction = services.signature_cancel(signature=paper, by=staff, reason="Mauvaise ligne")
        # Nothing is deleted: the correction is a row of its own.
        assert Signature.objects.count() == 3 and correction.cancels == paper
        assert not Signature.objects.effective().participants().exists()
        registration.refresh_from_db()
        assert registration.attended is False  # the session is over and nothing is signed
        # The person can then be recorded again.
        services.attendance_record_paper(
            registration=registration, key=AFTERNOON_1, by=staff, now=AFTER
        )
        registration.refresh_from_db()
        assert registration.attended is True

    def test_a_half_day_not_started_cannot_be_signed_on_paper_nor_countersigned(self, staff):
        session = training()
        registration = participant(session)
        code_, _ = refusal(
            lambda: services.attendance_record_paper(
                registration=registration, key=MORNING_2, by=staff, now=DURING_AFTERNOON_1
            )
        )
        assert code_ == "not_yet_open"
        code_, _ = refusal(
            lambda: services.attendance_countersign(
                session=session, key=MORNING_2, by=staff, now=DURING_AFTERNOON_1
            )
        )
        assert code_ == "not_yet_open"

    def test_only_staff_record_signatures(self):
        session = training()
        registration = participant(session)
        with pytest.raises(PermissionDenied):
            services.attendance_record_paper(
                registration=registration, key=MORNING_1, by=registration.user, now=AFTER
            )
        with pytest.raises(PermissionDenied):
            services.attendance_countersign(session=session, key=MORNING_1, by=registration.user)

    def test_unknown_half_day(self, staff):
        session = training()
        code_, message = refusal(
            lambda: services.attendance_countersign(
                session=session, key="2026-11-28-matin", by=staff
            )
        )
        assert code_ == "unknown" and "n'existe pas" in message


class TestAdmin:
    def test_the_admin_shows_the_qr_code_during_the_half_day(self, admin_client):
        session = training()
        with time_machine.travel(DURING_MORNING_1, tick=False):
            page = admin_client.get(
                reverse("catalogue_attendance_code", args=[session.pk, MORNING_1])
            )
            html = page.content.decode()
            assert "signing-code" in html and code(session, MORNING_1, DURING_MORNING_1) in html
            page = admin_client.get(
                reverse("catalogue_attendance_code", args=[session.pk, MORNING_2])
            )
            html = page.content.decode()
            assert "signing-code" not in html and "n'est affiché que pendant" in html

    def test_the_admin_records_paper_and_countersignatures(self, admin_client, admin_user):
        session = training()
        registration = participant(session)
        with time_machine.travel(DURING_AFTERNOON_1, tick=False):
            overview = admin_client.get(reverse("catalogue_attendance", args=[session.pk]))
            assert "0 / 1" in overview.content.decode()
            admin_client.post(
                reverse("catalogue_attendance_action", args=[session.pk, MORNING_1, "papier"]),
                {"registration": registration.pk},
            )
            admin_client.post(
                reverse("catalogue_attendance_action", args=[session.pk, MORNING_1, "contresigner"])
            )
            overview = admin_client.get(reverse("catalogue_attendance", args=[session.pk]))
        html = overview.content.decode()
        assert "1 / 1" in html and "Feuille papier" in html
        assert Signature.objects.effective().trainers().get().recorded_by == admin_user

    def test_people_without_the_permission_are_refused(self, client):
        session = training()
        client.force_login(UserFactory())
        for url in (
            reverse("catalogue_attendance", args=[session.pk]),
            reverse("catalogue_attendance_sheet", args=[session.pk, MORNING_1]),
            reverse("catalogue_attendance_code", args=[session.pk, MORNING_1]),
        ):
            assert client.get(url).status_code in (302, 403)
