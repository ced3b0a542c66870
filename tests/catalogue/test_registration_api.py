"""The registration and application API: refusals with a code, privacy, CSRF."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from catalogue.models import AttendanceMode, Registration, RegistrationStatus, SessionFormat
from catalogue.registrations.services import registration_create
from tests.catalogue.factories import SessionPageFactory, WorkingGroupCallPageFactory, in_weeks
from tests.catalogue.registration_helpers import emails_to, member, session_member
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://visio.exemple.fr/salle-secrete-42"


def year_of(session):
    return timezone.localdate(session.starts_at).year


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def register(client, session, **body):
    return client.post(
        f"/api/catalogue/{session.pk}/registrations/", body, content_type="application/json"
    )


def test_register_confirmed_then_waiting_when_full(django_capture_on_commit_callbacks):
    session = SessionPageFactory(capacity=1)
    first, second = member(year_of(session)), member(year_of(session))
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = register(client_for(first), session)
        waiting = register(client_for(second), session)
    assert confirmed.status_code == 201, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert waiting.status_code == 201
    assert waiting.json()["status"] == "waiting" and waiting.json()["waiting_rank"] == 1
    assert len(emails_to(first)) == 1 and len(emails_to(second)) == 1


def test_the_rank_answered_on_registering_is_the_one_the_list_gives_later():
    session = SessionPageFactory(capacity=1)
    people = [member(year_of(session)) for _ in range(4)]
    answered = [register(client_for(person), session).json() for person in people]
    assert [a["waiting_rank"] for a in answered] == [None, 1, 2, 3]
    # A place freed ahead moves the others up; a newcomer is still last.
    Registration.objects.get(pk=answered[1]["id"]).delete()
    latecomer = member(year_of(session))
    assert register(client_for(latecomer), session).json()["waiting_rank"] == 3
    assert [Registration.objects.get(pk=a["id"]).waiting_rank() for a in answered[2:]] == [1, 2]


def test_refusals_carry_a_code_and_a_french_detail():
    session = SessionPageFactory()
    outsider = client_for(UserFactory())
    response = register(outsider, session)
    assert response.status_code == 403
    assert response.json()["code"] == "not_covered"
    assert "cotisation" in response.json()["detail"]
    # The way to pay: which year, through the checkout endpoint the field describes.
    assert response.json()["year"] == year_of(session)
    assert f"Réglez votre cotisation {year_of(session)}" in response.json()["detail"]

    covered = client_for(member(year_of(session)))
    assert register(covered, session).status_code == 201
    again = register(covered, session)
    assert again.status_code == 409 and again.json()["code"] == "already_registered"

    closed = SessionPageFactory(registration_deadline=timezone.localdate() - timezone.timedelta(1))
    response = register(client_for(member(year_of(closed))), closed)
    assert response.status_code == 409 and response.json()["code"] == "closed"
    assert response.json()["detail"].startswith("Les inscriptions sont closes")


def test_pick_one_session_needs_a_date_of_its_own():
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[(in_weeks(3, 9), in_weeks(3, 12)), (in_weeks(5, 9), in_weeks(5, 12))],
    )
    client = client_for(session_member(session))
    assert register(client, session).json()["code"] == "date_required"
    assert register(client, session, occurrence_id=999999).status_code == 400
    second = session.sorted_occurrences[1]
    response = register(client, session, occurrence_id=second.pk)
    assert response.status_code == 201
    assert response.json()["occurrence"]["id"] == second.pk


def test_anonymous_is_refused_and_browsers_need_the_csrf_token():
    session = SessionPageFactory()
    assert register(Client(), session).status_code == 401
    user = member(year_of(session))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    refused = register(browser, session)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Jeton CSRF manquant ou invalide")
    assert not Registration.objects.exists()
    browser.get("/inscriptions/mes-inscriptions/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"/api/catalogue/{session.pk}/registrations/",
        {},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_servers_use_a_bearer_token():
    from wagtail.models import APIToken

    session = SessionPageFactory()
    user = member(year_of(session))
    _token, plaintext = APIToken.create_token(user=user, name="front")
    response = Client().post(
        f"/api/catalogue/{session.pk}/registrations/",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {plaintext}"},
    )
    assert response.status_code == 201
    assert Registration.objects.get().user == user
    wrong = Client().get("/api/me/registrations/", headers={"Authorization": "Bearer faux"})
    assert wrong.status_code == 401


def test_nobody_reads_or_cancels_another_persons_registration():
    session = SessionPageFactory()
    owner, other = member(year_of(session)), member(year_of(session))
    registration = registration_create(session=session, user=owner)
    snooper = client_for(other)
    assert snooper.get("/api/me/registrations/").json() == []
    response = snooper.delete(f"/api/me/registrations/{registration.pk}/")
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    mine = client_for(owner).get("/api/me/registrations/").json()
    assert [r["id"] for r in mine] == [registration.pk]


def test_cancel_through_the_api_promotes_the_next(django_capture_on_commit_callbacks):
    session = SessionPageFactory(capacity=1)
    owner, waiting = member(year_of(session)), member(year_of(session))
    seat = registration_create(session=session, user=owner)
    queued = registration_create(session=session, user=waiting)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete(f"/api/me/registrations/{seat.pk}/")
    assert response.status_code == 204
    queued.refresh_from_db()
    assert queued.is_confirmed
    assert "place s'est libérée" in emails_to(waiting)[0].subject
    # Cancelling twice says why rather than "not found".
    again = client_for(owner).delete(f"/api/me/registrations/{seat.pk}/")
    assert again.status_code == 409
    assert again.json() == {
        "code": "already_cancelled",
        "detail": "Cette inscription est déjà annulée.",
        "errors": None,
        "year": None,
    }


def test_the_meeting_link_is_in_no_api_response(django_capture_on_commit_callbacks):
    session = SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK)
    session.save_revision().publish()
    user = member(year_of(session))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        created = register(client, session)
    assert created.status_code == 201
    responses = [
        created,
        client.get("/api/me/registrations/"),
        client.get(f"/api/catalogue/{session.pk}/"),
        client.get("/api/catalogue/"),
    ]
    for response in responses:
        assert response.status_code == 200 or response.status_code == 201
        assert SECRET_LINK not in response.content.decode()
    # …while the participant's own confirmation email has it.
    assert SECRET_LINK in mail.outbox[0].body


def test_apply_and_list_my_applications():
    call = WorkingGroupCallPageFactory(
        questions=[
            {"label": "Vos attentes ?"},
            {"label": "Votre profil", "kind": "choice", "choices": "Élu\nTechnicien"},
        ]
    )
    expectations, profile = call.questions.order_by("sort_order")
    user = UserFactory()
    client = client_for(user)
    url = f"/api/catalogue/{call.pk}/applications/"
    bad = client.post(
        url,
        {"answers": {str(expectations.pk): "", str(profile.pk): "Astronaute"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_answers"
    assert set(bad.json()["errors"]) == {str(expectations.pk), str(profile.pk)}

    answers = {str(expectations.pk): "Échanger entre pairs.", str(profile.pk): "Élu"}
    good = client.post(url, {"answers": answers}, content_type="application/json")
    assert good.status_code == 201 and good.json()["status"] == "submitted"
    again = client.post(url, {"answers": answers}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_registered"

    assert [a["answers"] for a in client.get("/api/me/applications/").json()] == [answers]
    assert client_for(UserFactory()).get("/api/me/applications/").json() == []


def test_registrations_endpoint_is_only_for_sessions():
    call = WorkingGroupCallPageFactory()
    response = client_for(UserFactory()).post(
        f"/api/catalogue/{call.pk}/registrations/", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_times_answer_in_paris_time():
    session = SessionPageFactory()
    client = client_for(member(year_of(session)))
    created = register(client, session).json()
    for moment in (created["created_at"], created["cancellable_until"]):
        parsed = dt.datetime.fromisoformat(moment)
        # Paris is never at UTC's offset: "Z" or "+00:00" would be UTC.
        assert parsed.utcoffset() == timezone.localtime(parsed).utcoffset() != dt.timedelta(0)
