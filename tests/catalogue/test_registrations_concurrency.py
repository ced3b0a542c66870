"""Many people register at the same instant: never more confirmed than seats (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from catalogue.models import Registration, RegistrationStatus
from catalogue.registrations.services import registration_create
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import member

CAPACITY = 5
PEOPLE = 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_confirm_exactly_the_capacity():
    session = SessionPageFactory(capacity=CAPACITY)
    year = timezone.localdate(session.starts_at).year
    people = [member(year) for _ in range(PEOPLE)]
    start = threading.Barrier(PEOPLE)
    errors, results = [], []

    def register(user):
        try:
            start.wait()
            results.append(registration_create(session=session, user=user))
        except Exception as error:  # collected: the test fails on any of them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == PEOPLE
    registrations = list(Registration.objects.filter(session=session).order_by("position"))
    statuses = [registration.status for registration in registrations]
    # Whoever got the lock first got a seat: the first CAPACITY in arrival order are confirmed.
    assert statuses == [RegistrationStatus.CONFIRMED] * CAPACITY + [RegistrationStatus.WAITING] * (
        PEOPLE - CAPACITY
    )
    assert len({registration.position for registration in registrations}) == PEOPLE
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    assert [r.waiting_rank() for r in waiting] == list(range(1, PEOPLE - CAPACITY + 1))
