"""Staff publish, edit and unpublish pages; search follows with no manual step."""

import pytest
from django.db import connection

from catalogue.models import SessionSpeaker
from catalogue.search.queries import search_catalogue
from tests.catalogue.factories import PersonFactory, SessionPageFactory

pytestmark = pytest.mark.django_db


def found(query):
    return search_catalogue(query).ids


def test_publishing_and_unpublishing_update_results():
    session = SessionPageFactory(title="Atelier mobilité solidaire", live=False)
    assert found("mobilite") == []

    session.save_revision().publish()
    assert found("mobilite") == [session.pk]

    session.refresh_from_db()
    session.unpublish()
    assert found("mobilite") == []


def test_a_published_change_of_title_is_searchable_at_once():
    session = SessionPageFactory(title="Atelier mobilité solidaire")
    session.save_revision().publish()

    session.title = "Atelier habitat partagé"
    session.save_revision().publish()

    assert found("habitat") == [session.pk]
    assert found("mobilite") == []


def test_speakers_changed_in_a_published_revision_are_searchable():
    session = SessionPageFactory(title="Atelier coopération")
    session.save_revision().publish()

    # As the page editor does: the new speaker only exists in the revision until it is published.
    session.speakers = [
        SessionSpeaker(person=PersonFactory(first_name="Aline", last_name="Vercors"))
    ]
    session.save_revision().publish()

    assert found("Vercors") == [session.pk]


def test_deleted_pages_leave_the_index():
    session = SessionPageFactory(title="Atelier mobilité solidaire")
    session.delete()

    assert found("mobilite") == []


@pytest.mark.postgres
def test_the_french_configurations_fold_accents_and_stem():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('french_unaccent', 'Les bénévoles coopèrent'),"
            " to_tsvector('simple_unaccent', 'Webconférence')"
        )
        french, simple = cursor.fetchone()

    assert "'benevol':2" in french
    assert simple == "'webconference':1"
