"""A registration holds its session's lock only for the seat count and the insert."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from catalogue.models import Registration, RegistrationStatus
from catalogue.registrations.services import RegistrationError, registration_create
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import session_member

pytestmark = pytest.mark.django_db


def statements_after_lock(queries):
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()]
    locks = [n for n, statement in enumerate(sql) if "FOR UPDATE" in statement.upper()]
    assert len(locks) == 1, sql
    return sql[locks[0] + 1 :]


@pytest.mark.postgres
@pytest.mark.parametrize("capacity,status", [(2, "confirmed"), (1, "waiting")])
def test_the_lock_covers_the_count_and_the_insert_only(capacity, status):
    session = SessionPageFactory(capacity=capacity)
    if capacity == 1:
        registration_create(session=session, user=session_member(session))
    person = session_member(session)
    with CaptureQueriesContext(connection) as queries:
        registration = registration_create(session=session, user=person)
    assert registration.status == status
    after = statements_after_lock(queries)
    assert len(after) == 2, after  # one aggregate (seats, position, duplicates), one INSERT
    assert after[1].upper().startswith("INSERT INTO")


def test_a_second_registration_of_the_same_person_is_refused():
    session = SessionPageFactory()
    person = session_member(session)
    registration_create(session=session, user=person)
    with pytest.raises(RegistrationError) as refused:
        registration_create(session=session, user=person)
    assert refused.value.code == "already_registered"
    assert Registration.objects.filter(session=session, user=person).count() == 1


def test_freed_seats_go_to_the_waiting_list_before_a_newcomer():
    session = SessionPageFactory(capacity=1)
    first = registration_create(session=session, user=session_member(session))
    waiting = registration_create(session=session, user=session_member(session))
    # A seat freed without going through the cancellation service (an admin edit).
    Registration.objects.filter(pk=first.pk).update(status=RegistrationStatus.CANCELLED)
    newcomer = registration_create(session=session, user=session_member(session))
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert newcomer.status == RegistrationStatus.WAITING
    assert newcomer.position == 3


def test_registrations_are_not_recorded_in_the_reference_index():
    session = SessionPageFactory()
    registration_create(session=session, user=session_member(session))
    registrations = ContentType.objects.get_for_model(Registration)
    assert not ReferenceIndex.objects.filter(content_type=registrations).exists()
    assert not ReferenceIndex.model_is_indexable(Registration)
