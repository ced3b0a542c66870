"""The public information every session gives (Qualiopi indicator 1), and what it still lacks."""

import datetime as dt
from decimal import Decimal

import pytest
from wagtail.models import Site

from catalogue.information import (
    access_text,
    duration_hours,
    missing_information,
    price_label,
)
from catalogue.models import AttendanceMode, RegistrationMode, SessionPage, TrainingSettings
from tests.catalogue.factories import SessionPageFactory, paris
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "prerequisites": "<p>Aucun prérequis.</p>",
    "objectives": "<p>Savoir animer un atelier.</p>",
    "teaching_method": "<p>Ateliers en petits groupes.</p>",
    "assessment": "<p>Quiz en fin de journée.</p>",
    "accessibility": "<p>Salle de plain-pied.</p>",
}


def programme(*days):
    """A programme of days, each a (date or None, [(start, end), …]) pair of half-days."""
    raw = [
        {
            "type": "day",
            "value": {
                "title": f"Jour {n}",
                "date": day.isoformat() if day else None,
                "half_days": [
                    {
                        "type": "item",
                        "id": f"half-{n}-{i}",
                        "value": {
                            "period": "matin",
                            "start_time": start,
                            "end_time": end,
                            "sections": [],
                        },
                    }
                    for i, (start, end) in enumerate(halves)
                ],
            },
        }
        for n, (day, halves) in enumerate(days, 1)
    ]
    return SessionPage.programme.field.stream_block.to_python(raw)


@pytest.fixture
def referent(db):
    settings = TrainingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.disability_referent_name = "Alix Durand"
    settings.disability_referent_email = "handicap@example.org"
    settings.disability_referent_phone = "04 75 11 22 33"
    settings.save()
    return settings


def test_duration_leaves_out_the_lunch_break_between_the_programmes_half_days():
    session = SessionPageFactory(occurrences=[(paris(2030, 3, 5, 9), paris(2030, 3, 5, 17, 30))])
    session.programme = programme((None, [("09:00:00", "12:30:00"), ("14:00:00", "17:30:00")]))
    assert duration_hours(session) == Decimal("7.00")


def test_duration_without_half_days_is_each_dates_span():
    session = SessionPageFactory(
        occurrences=[
            (paris(2030, 3, 5, 10), paris(2030, 3, 5, 12)),
            (paris(2030, 3, 12, 14), paris(2030, 3, 12, 15, 30)),
        ]
    )
    assert duration_hours(session) == Decimal("3.50")


def test_dated_programme_days_apply_to_the_occurrence_of_their_date():
    session = SessionPageFactory(
        occurrences=[
            (paris(2030, 3, 5, 9), paris(2030, 3, 5, 17)),
            (paris(2030, 3, 6, 9), paris(2030, 3, 6, 12)),
        ]
    )
    session.programme = programme(
        (dt.date(2030, 3, 5), [("09:00:00", "12:00:00"), ("13:30:00", "17:00:00")]),
    )
    # 6 h 30 the first day (a 1 h 30 break), the second day's span: 3 h.
    assert duration_hours(session) == Decimal("9.50")


def test_a_pick_one_session_lasts_as_long_as_one_date():
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[
            (paris(2030, 3, 5, 10), paris(2030, 3, 5, 12)),
            (paris(2030, 3, 12, 10), paris(2030, 3, 12, 12)),
        ],
    )
    assert duration_hours(session) == Decimal("2.00")


def test_price_says_included_in_cotisation_for_members_sessions_else_the_amount():
    members = SessionPageFactory(registration_mode=RegistrationMode.MEMBERS, price=None)
    paid = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT, price=Decimal("1250"))
    free = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT, price=Decimal("0"))
    unknown = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT, price=None)
    assert price_label(members) == "Inclus dans la cotisation"
    assert price_label(paid) == "1\u202f250 € par participant"
    assert price_label(free) == "Gratuit"
    assert price_label(unknown) == ""


def test_access_says_how_and_until_when_one_registers():
    session = SessionPageFactory(
        registration_deadline=dt.date(2030, 2, 28),
        occurrences=[(paris(2030, 3, 5, 10), paris(2030, 3, 5, 12))],
    )
    text = access_text(session)
    assert "réservée aux adhérents" in text
    assert "jusqu'au 28/02/2030 inclus" in text
    assert "12 places" in text


def test_api_detail_gives_the_public_information(client, referent):
    session = SessionPageFactory(
        registration_mode=RegistrationMode.ACCOUNT,
        price=Decimal("90"),
        occurrences=[(paris(2030, 3, 5, 9), paris(2030, 3, 5, 17, 30))],
        **COMPLETE,
    )
    session.programme = programme((None, [("09:00:00", "12:30:00"), ("14:00:00", "17:30:00")]))
    session.save()
    body = client.get(f"/api/catalogue/{session.pk}/").json()
    assert body["prerequisites"] == "<p>Aucun prérequis.</p>"
    assert body["assessment"] == "<p>Quiz en fin de journée.</p>"
    assert body["accessibility"] == "<p>Salle de plain-pied.</p>"
    assert float(body["duration_hours"]) == 7.0
    assert "Inscription en ligne sur ce site, avec un compte" in body["access"]
    assert body["price"]["label"] == "90 € par participant"
    assert Decimal(str(body["price"]["amount"])) == Decimal("90")
    assert body["price"]["included_in_cotisation"] is False
    assert body["disability_referent"] == {
        "name": "Alix Durand",
        "email": "handicap@example.org",
        "phone": "04 75 11 22 33",
    }


def test_session_page_shows_duration_price_access_and_referent(client, referent):
    session = SessionPageFactory(
        occurrences=[(paris(2030, 3, 5, 10), paris(2030, 3, 5, 12, 30))], **COMPLETE
    )
    session.save_revision().publish()
    html = client.get(session.url).content.decode()
    assert "2 h 30" in html
    assert "Inclus dans la cotisation" in html
    assert "Modalités et délais d’accès" in html
    assert "Prérequis" in html and "Aucun prérequis." in html
    assert "Évaluation des acquis" in html
    assert "Référent handicap : Alix Durand" in html


def test_missing_information_names_what_a_session_lacks(referent):
    session = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT, price=None)
    assert missing_information(session, referent=None) == [
        "prerequisites",
        "objectives",
        "price",
        "teaching_method",
        "assessment",
        "accessibility",
        "disability_referent",
    ]
    complete = SessionPageFactory(**COMPLETE)
    assert missing_information(complete, referent=object()) == []


def test_editor_lists_what_the_session_lacks_before_publishing(client, referent):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    session = SessionPageFactory(objectives="<p>Un objectif.</p>")
    html = client.get(f"/admin/pages/{session.pk}/edit/").content.decode()
    assert "Avant de publier, complétez" in html
    assert "évaluation des acquis" in html
    assert "<li>objectifs</li>" not in html


def test_staff_filter_the_catalogue_to_sessions_lacking_information(client, referent):
    complete = SessionPageFactory(**COMPLETE)
    lacking = SessionPageFactory(**{**COMPLETE, "assessment": ""})
    for page in (complete, lacking):
        page.save_revision().publish()

    refused = client.get("/api/catalogue/", {"lacking_information": "true"})
    assert refused.status_code == 403
    assert "réservé à l'équipe" in refused.json()["detail"]

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = client.get("/api/catalogue/", {"lacking_information": "true"}).json()
    assert [item["id"] for item in listed["items"]] == [lacking.pk]
    page_html = client.get(lacking.get_parent().url, {"lacking_information": "on"}).content
    assert lacking.title.encode() in page_html


def test_without_a_referent_every_session_lacks_information(client):
    complete = SessionPageFactory(**COMPLETE)
    complete.save_revision().publish()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = client.get("/api/catalogue/", {"lacking_information": "true"}).json()
    assert [item["id"] for item in listed["items"]] == [complete.pk]
