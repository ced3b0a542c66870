"""A background task that fails (an email the SMTP server refused…) is logged as an error and
shown to staff in the admin, whatever the task backend; never silent."""

import logging
import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django_tasks import task

from catalogue.models import RegistrationStatus
from catalogue.registrations.services import registration_create
from membership.models import TaskFailure
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import emails_to, session_member

from .factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "Connexion au serveur SMTP refusée"
EMAIL_TASK = "catalogue.registrations.emails.send_registration_email"


class RefusingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException(REFUSED)


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


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


def dashboard(client) -> str:
    return client.get(reverse("wagtailadmin_home")).content.decode()


def failures_panel(client) -> str:
    page = dashboard(client)
    start = page.index('id="membership-task-failures-content"')
    return page[start : page.index("</ul>", start)]


def figure(html: str, label: str) -> str:
    return re.search(rf"<span>([^<]*)</span> {label}", html).group(1)


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


def test_a_successful_task_records_nothing_and_the_dashboard_stays_quiet(register, staff_client):
    registration = register()

    assert len(emails_to(registration.user)) == 1
    assert not TaskFailure.objects.exists()
    assert 'id="membership-task-failures-content"' not in dashboard(staff_client)


def test_staff_see_the_failure_in_the_list_and_on_the_dashboard(smtp_down, register, staff_client):
    register()

    listing = staff_client.get(reverse("membership_taskfailure_modeladmin_index"))
    assert listing.status_code == 200
    assert "send_registration_email" in listing.content.decode()
    assert REFUSED in listing.content.decode()

    panel = failures_panel(staff_client)
    assert figure(panel, "tâche en échec ces 7 derniers jours") == "1"
    assert figure(panel, "à traiter") == "1"
    assert reverse("membership_taskfailure_modeladmin_index") in panel

    failure = TaskFailure.objects.get()
    inspect = staff_client.get(
        reverse("membership_taskfailure_modeladmin_inspect", args=[failure.pk])
    )
    assert "smtplib.SMTPException" in inspect.content.decode()


def test_people_who_are_not_staff_see_neither_the_list_nor_the_dashboard(
    smtp_down, register, client
):
    register()
    client.force_login(UserFactory())

    for url in (reverse("membership_taskfailure_modeladmin_index"), reverse("wagtailadmin_home")):
        response = client.get(url)
        assert response.status_code == 302
        assert REFUSED not in response.content.decode()


def test_staff_mark_a_failure_handled(smtp_down, register, staff_client):
    register()
    failure = TaskFailure.objects.get()

    url = reverse("membership_task_failure_action", args=[failure.pk, "traiter"])
    assert "Marquer comme traitée" in staff_client.get(url).content.decode()
    response = staff_client.post(url)

    assert response.status_code == 302
    failure.refresh_from_db()
    assert failure.handled_at is not None
    assert failure.handled_by.is_superuser
    assert figure(failures_panel(staff_client), "à traiter") == "0"


def test_staff_retry_a_failed_email_once_the_server_is_back(
    smtp_down, register, staff_client, settings, django_capture_on_commit_callbacks
):
    registration = register()
    failure = TaskFailure.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    url = reverse("membership_task_failure_action", args=[failure.pk, "relancer"])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url)

    [email] = emails_to(registration.user)
    assert "Inscription confirmée" in email.subject
    failure.refresh_from_db()
    assert failure.handled_at is not None
    assert TaskFailure.objects.count() == 1


def test_the_database_worker_records_a_failure_too(smtp_down, register, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections left in a transaction, as the test's own is on PostgreSQL.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
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
