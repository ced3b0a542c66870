"""Fixtures for the registration and application tests."""

import pytest

from tests.membership.factories import UserFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service as if its transaction committed: the emails it queues leave."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)
