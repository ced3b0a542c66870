"""A background task that fails (an email the SMTP server refused…) is logged as an error and
recorded for staff, whatever the task backend; never silent."""

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django_tasks import task

from catalogue.models import RegistrationStatus
from catalogue.services import registration_create
from membership.models import TaskFailure
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import emails_to, session_member

pytestmark = pytest.mark.django_db

REFUSED = "Connexion au serveur SMTP refusée"
EMAIL_TASK = "catalogue.tasks.send_registration_email"


class RefusingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException(REFUSED)


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """Register a paid-up member for a new session, the transaction committed: its
    confirmation email task runs."""

    def run():
        session = SessionPageFactory()
        user = session_member(session)
        with django_capture_on_commit_callbacks(execute=True):
            registration = registration_create(session=session, user=user)
        registration.refresh_from_db()
        return registration

    return run


def test_a_refused_confirmation_leaves_the_seat_logs_an_error_and_records_it(
    smtp_down, register, caplog
):
    with caplog.at_level(logging.ERROR, logger="membership.task_failures"):
        registration = register()

    assert registration.status == RegistrationStatus.CONFIRMED
    failure = TaskFailure.objects.get()
    assert failure.task_path == EMAIL_TASK
    assert failure.args == [registration.pk, "confirmation"]
    assert failure.exception_class == "smtplib.SMTPException"
    assert failure.message == REFUSED
    assert "send_messages" in failure.traceback
    assert failure.handled_at is None
    [record] = [r for r in caplog.records if r.name == "membership.task_failures"]
    assert record.levelno == logging.ERROR
    logged = record.getMessage()
    assert EMAIL_TASK in logged
    assert f"[{registration.pk}, 'confirmation']" in logged
    assert REFUSED in logged


def test_a_successful_task_records_nothing(register):
    registration = register()

    assert len(emails_to(registration.user)) == 1
    assert not TaskFailure.objects.exists()


def test_the_database_worker_records_a_failure_too(smtp_down, register, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    registration = register()
    assert not TaskFailure.objects.exists()  # queued, not run yet

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    failure = TaskFailure.objects.get()
    assert failure.task_path == EMAIL_TASK
    assert failure.args == [registration.pk, "confirmation"]
    assert failure.message == REFUSED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_failure_that_cannot_be_recorded_still_leaves_the_seat(
    smtp_down, register, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("membership.task_failures.task_failure_record", broken)

    registration = register()

    assert registration.status == RegistrationStatus.CONFIRMED
    assert any(
        r.name == "membership.task_failures" and r.levelno == logging.ERROR for r in caplog.records
    )


@task()
def host_task() -> None:
    raise RuntimeError("une tâche du site hôte")


def test_a_task_of_the_host_is_left_to_the_host():
    host_task.enqueue()

    assert not TaskFailure.objects.exists()
