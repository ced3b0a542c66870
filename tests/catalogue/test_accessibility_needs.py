"""Adaptation needs given at registration (Qualiopi indicator 26): told to the disability
referent and the session's contact only, kept out of exports, erased with personal data."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Site

from catalogue.models import Registration, TrainingSettings
from catalogue.registrations.services import (
    erase_expired_accessibility_needs,
    registration_create,
)
from membership.services import account_delete
from tests.catalogue.factories import PersonFactory, SessionPageFactory, in_weeks
from tests.catalogue.registration_helpers import session_member
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db

NEED = "Je me déplace en fauteuil : une place près de l'entrée, s'il vous plaît."


@pytest.fixture
def referent(db):
    settings = TrainingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.disability_referent_name = "Alix Durand"
    settings.disability_referent_email = "handicap@example.org"
    settings.save()
    return settings


@pytest.fixture
def session(db):
    return SessionPageFactory(contact=PersonFactory(email="contact@example.org"))


def test_needs_are_emailed_to_the_referent_and_the_contact_only(referent, session, committed):
    person = session_member(session)
    committed(registration_create, session=session, user=person, accessibility_needs=NEED)
    told = {tuple(m.to): m for m in mail.outbox if "Besoin d'adaptation" in m.subject}
    assert set(told) == {("handicap@example.org",), ("contact@example.org",)}
    assert NEED in told[("handicap@example.org",)].body
    # The participant's own confirmation does not repeat it.
    assert all(NEED not in m.body for m in mail.outbox if person.email in m.to)


def test_no_need_sends_nothing_more(referent, session, committed):
    committed(registration_create, session=session, user=session_member(session))
    assert not [m for m in mail.outbox if "Besoin d'adaptation" in m.subject]


def test_too_long_a_need_is_refused_and_writes_nothing(referent, session):
    person = session_member(session)
    with pytest.raises(Exception, match="2000 caractères"):
        registration_create(session=session, user=person, accessibility_needs="x" * 2001)
    assert not Registration.objects.filter(user=person).exists()


def test_the_registration_form_and_api_take_the_need(referent, session, client):
    session.save_revision().publish()
    person = session_member(session)
    client.force_login(person)
    form = client.get(reverse("catalogue:register", args=[session.pk])).content.decode()
    assert "Besoin d&#x27;adaptation (facultatif)" in form
    client.post(reverse("catalogue:register", args=[session.pk]), {"accessibility_needs": NEED})
    assert Registration.objects.get(user=person).accessibility_needs == NEED

    other = SessionPageFactory(parent=session.get_parent())
    other.save_revision().publish()
    client.force_login(session_member(other))
    created = client.post(
        f"/api/catalogue/{other.pk}/registrations/",
        {"accessibility_needs": "Documents en gros caractères."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert Registration.objects.get(pk=created.json()["id"]).accessibility_needs == (
        "Documents en gros caractères."
    )


def test_only_the_referent_and_the_contact_see_needs_beside_the_participant(
    referent, session, client
):
    registration_create(session=session, user=session_member(session), accessibility_needs=NEED)
    url = reverse("catalogue_accessibility_needs")
    for email, shown in (
        ("handicap@example.org", True),
        ("contact@example.org", True),
        ("autre@example.org", False),
    ):
        client.force_login(UserFactory(email=email, is_staff=True, is_superuser=True))
        html = client.get(url).content.decode()
        assert ("place près de l" in html) is shown, email


def test_needs_are_not_in_the_participants_export(referent, session, client):
    registration_create(session=session, user=session_member(session), accessibility_needs=NEED)
    client.force_login(UserFactory(email="handicap@example.org", is_staff=True, is_superuser=True))
    url = reverse("catalogue_registration_modeladmin_index")
    exported = client.get(url, {"export": "csv"})
    assert exported.status_code == 200
    rows = b"".join(exported.streaming_content).decode()
    assert len(rows.splitlines()) == 2 and "fauteuil" not in rows


def test_retention_erases_needs_of_sessions_ended_before_the_limit(referent, db):
    past = SessionPageFactory(occurrences=[(in_weeks(-10), in_weeks(-10, 12))])
    recent = SessionPageFactory(occurrences=[(in_weeks(-1), in_weeks(-1, 12))])
    old = Registration.objects.create(
        session=past, user=UserFactory(), position=1, accessibility_needs=NEED
    )
    kept = Registration.objects.create(
        session=recent, user=UserFactory(), position=1, accessibility_needs=NEED
    )
    assert erase_expired_accessibility_needs(before=in_weeks(-5)) == 1
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.accessibility_needs == "" and kept.accessibility_needs == NEED


def test_account_deletion_erases_the_persons_needs(referent, committed):
    past = SessionPageFactory(occurrences=[(in_weeks(-3), in_weeks(-3, 12))])
    person = UserFactory()
    registration = Registration.objects.create(
        session=past, user=person, position=1, attended=True, accessibility_needs=NEED
    )
    committed(account_delete, user=person)
    registration.refresh_from_db()
    assert registration.accessibility_needs == ""


def test_the_admin_menu_offers_needs_to_the_referent_and_contacts_only(referent, session, client):
    for email, shown in (
        ("handicap@example.org", True),
        ("contact@example.org", True),
        ("autre@example.org", False),
    ):
        client.force_login(UserFactory(email=email, is_staff=True, is_superuser=True))
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert (reverse("catalogue_accessibility_needs") in html) is shown, email
