"""Registering, cancelling and applying from the site's pages."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from catalogue.models import (
    Application,
    AttendanceMode,
    Registration,
    RegistrationStatus,
    SessionFormat,
)
from catalogue.registrations.services import registration_create
from tests.catalogue.factories import SessionPageFactory, WorkingGroupCallPageFactory, in_weeks
from tests.catalogue.registration_helpers import emails_to, member, session_member
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://visio.exemple.fr/salle-secrete-42"


def published(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def year_of(session):
    return timezone.localdate(session.starts_at).year


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_session_page_shows_seats_and_the_form():
    session = published(SessionPageFactory(capacity=3))
    year = year_of(session)
    registration_create(session=session, user=member(year))
    html = client_for(member(year)).get(session.url).content.decode()
    assert "2 places restantes" in html
    assert f'action="/inscriptions/session/{session.pk}/"' in html
    anonymous = Client().get(session.url).content.decode()
    assert "Se connecter pour s’inscrire" in anonymous


def test_full_closed_and_past_sessions_say_so():
    full = published(SessionPageFactory(capacity=1))
    registration_create(session=full, user=member(year_of(full)))
    assert "Complet — liste d’attente" in Client().get(full.url).content.decode()
    closed = published(
        SessionPageFactory(registration_deadline=timezone.localdate() - timezone.timedelta(1))
    )
    assert "Inscriptions closes" in Client().get(closed.url).content.decode()
    past = timezone.localtime() - timezone.timedelta(days=10)
    gone = published(SessionPageFactory(occurrences=[(past, past + timezone.timedelta(hours=2))]))
    assert "Passé" in Client().get(gone.url).content.decode()


def test_register_from_the_page(django_capture_on_commit_callbacks):
    session = published(SessionPageFactory())
    user = member(year_of(session))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inscriptions/session/{session.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/inscriptions/mes-inscriptions/"
    html = response.content.decode()
    assert "Votre inscription est confirmée" in html and session.title in html
    assert Registration.objects.get(user=user).is_confirmed
    again = client.post(f"/inscriptions/session/{session.pk}/", follow=True)
    assert "déjà inscrit" in again.content.decode()


def test_pick_one_date_from_the_page():
    session = published(
        SessionPageFactory(
            attendance_mode=AttendanceMode.ONE_DATE,
            occurrences=[(in_weeks(3, 9), in_weeks(3, 12)), (in_weeks(5, 9), in_weeks(5, 12))],
        )
    )
    second = session.sorted_occurrences[1]
    client = client_for(session_member(session))
    assert 'name="occurrence"' in client.get(session.url).content.decode()
    client.post(f"/inscriptions/session/{session.pk}/", {"occurrence": second.pk})
    assert Registration.objects.get().occurrence == second


def test_a_pick_one_session_takes_people_for_its_later_date_once_the_first_is_past():
    past = timezone.localtime() - timezone.timedelta(days=7)
    session = published(
        SessionPageFactory(
            attendance_mode=AttendanceMode.ONE_DATE,
            occurrences=[
                (past, past + timezone.timedelta(hours=2)),
                (in_weeks(3, 9), in_weeks(3, 12)),
            ],
        )
    )
    _, later = session.sorted_occurrences
    client = client_for(session_member(session))
    html = client.get(session.url).content.decode()
    assert "Inscriptions closes" not in html
    assert re.findall(r'name="occurrence" value="(\d+)"', html) == [str(later.pk)]
    assert (
        "Confirmer mon inscription"
        in client.get(f"/inscriptions/session/{session.pk}/").content.decode()
    )
    client.post(f"/inscriptions/session/{session.pk}/", {"occurrence": later.pk})
    assert Registration.objects.get().occurrence == later
    # A session attended at all its dates still closes when its first date starts.
    all_dates = published(
        SessionPageFactory(
            occurrences=[
                (past, past + timezone.timedelta(hours=2)),
                (in_weeks(3, 9), in_weeks(3, 12)),
            ],
        )
    )
    assert "Inscriptions closes" in Client().get(all_dates.url).content.decode()


def test_the_registration_page_says_which_dates_are_full():
    session = published(
        SessionPageFactory(
            attendance_mode=AttendanceMode.ONE_DATE,
            capacity=1,
            occurrences=[(in_weeks(3, 9), in_weeks(3, 12)), (in_weeks(5, 9), in_weeks(5, 12))],
        )
    )
    first, _ = session.sorted_occurrences
    registration_create(session=session, user=session_member(session), occurrence=first)
    html = client_for(session_member(session)).get(f"/inscriptions/session/{session.pk}/")
    labels = re.findall(r"<label[^>]*>\s*<input[^>]*>\s*([^<]+)</label>", html.content.decode())
    assert [label.split(" — ")[-1].strip() for label in labels] == [
        "complet, liste d’attente",
        "1 place restante",
    ]


def test_not_covered_is_told_how_to_pay_and_comes_back_to_the_registration():
    session = published(SessionPageFactory())
    response = client_for(UserFactory()).post(f"/inscriptions/session/{session.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "réservée aux adhérents" in html
    assert f"annee={year_of(session)}" in html
    assert f"next=%2Finscriptions%2Fsession%2F{session.pk}%2F" in html
    assert not Registration.objects.exists()
    # The way back: the registration page they return to offers to finish.
    back = client_for(member(year_of(session))).get(f"/inscriptions/session/{session.pk}/")
    assert "Confirmer mon inscription" in back.content.decode()


def test_my_registrations_lists_upcoming_and_past_and_cancels():
    upcoming = published(SessionPageFactory())
    user = member(year_of(upcoming))
    registration = registration_create(session=upcoming, user=user)
    Registration.objects.create(
        session=published(
            SessionPageFactory(
                occurrences=[
                    (
                        timezone.localtime() - timezone.timedelta(days=30),
                        timezone.localtime() - timezone.timedelta(days=30, hours=-2),
                    )
                ]
            )
        ),
        user=user,
        position=1,
        attended=True,
    )
    client = client_for(user)
    html = client.get("/inscriptions/mes-inscriptions/").content.decode()
    assert upcoming.title in html and "(présent·e)" in html
    assert f"/inscriptions/{registration.pk}/annuler/" in html
    response = client.post(f"/inscriptions/{registration.pk}/annuler/", follow=True)
    assert "est annulée" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_another_persons_registration_is_unreachable():
    session = published(SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK))
    owner = member(year_of(session))
    registration = registration_create(session=session, user=owner)
    snooper = client_for(UserFactory())
    assert snooper.post(f"/inscriptions/{registration.pk}/annuler/").status_code == 404
    assert snooper.get(f"/inscriptions/{registration.pk}/agenda.ics").status_code == 404
    assert session.title not in snooper.get("/inscriptions/mes-inscriptions/").content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_calendar_download_parses_and_keeps_the_meeting_link_out():
    session = published(SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK))
    owner = member(year_of(session))
    registration = registration_create(session=session, user=owner)
    response = client_for(owner).get(f"/inscriptions/{registration.pk}/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at
    assert SECRET_LINK not in response.content.decode()


def test_meeting_link_is_on_no_page_even_for_participants(django_capture_on_commit_callbacks):
    session = published(SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK))
    owner = member(year_of(session))
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(session=session, user=owner)
    client = client_for(owner)
    for url in (session.url, "/inscriptions/mes-inscriptions/", session.get_parent().url):
        assert SECRET_LINK not in client.get(url).content.decode()
    assert SECRET_LINK in emails_to(owner)[0].body
    assert len(mail.outbox) == 1


def test_apply_from_the_call_page(django_capture_on_commit_callbacks):
    call = published(
        WorkingGroupCallPageFactory(
            questions=[
                {"label": "Vos attentes ?"},
                {"label": "Votre profil", "kind": "choice", "choices": "Élu\nTechnicien"},
            ]
        )
    )
    expectations, profile = call.questions.order_by("sort_order")
    user = UserFactory()
    client = client_for(user)
    assert f"/inscriptions/appel/{call.pk}/candidature/" in client.get(call.url).content.decode()
    form = client.get(f"/inscriptions/appel/{call.pk}/candidature/").content.decode()
    assert "Vos attentes ?" in form and "Technicien" in form

    refused = client.post(
        f"/inscriptions/appel/{call.pk}/candidature/", {str(profile.pk): "Élu"}
    ).content.decode()
    assert "Répondez à la question « Vos attentes ? »" in refused
    assert not Application.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/inscriptions/appel/{call.pk}/candidature/",
            {str(expectations.pk): "Rencontrer d'autres territoires.", str(profile.pk): "Élu"},
        )
    application = Application.objects.get(user=user)
    assert application.answers == {
        str(expectations.pk): "Rencontrer d'autres territoires.",
        str(profile.pk): "Élu",
    }
    assert "Candidature reçue" in emails_to(user)[0].subject
    assert "Votre candidature du" in client.get(call.url).content.decode()


def test_the_account_page_lists_the_persons_registrations():
    from django.urls import reverse

    session = published(SessionPageFactory())
    user = member(year_of(session))
    registration = registration_create(session=session, user=user)
    html = client_for(user).get(reverse("membership:account")).content.decode()
    assert "Mes inscriptions et candidatures" in html
    assert session.title in html
    assert f"/inscriptions/{registration.pk}/annuler/" in html
    assert f"/inscriptions/{registration.pk}/agenda.ics" in html
