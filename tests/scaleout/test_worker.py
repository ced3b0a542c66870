"""A real task worker: ``manage.py db_worker`` runs beside the test with production's settings,
claims the tasks the portal queued in the database, delivers their emails (a registration's
confirmation, a payment's receipt) over SMTP, and stops cleanly when told to.

The tests are transactional (the worker sees committed rows only) and run in any order in the
suite: the rows the migrations wrote are put back first (``restore_migration_rows``), whatever
the transactional tests before them emptied.
"""

import datetime as dt
import signal
import subprocess
import sys

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from catalogue.registrations.services import registration_create
from membership.models import CotisationStatus, PaymentStatus
from membership.services import payment_succeeded
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import session_member
from tests.membership.factories import CotisationFactory, PaymentFactory, UserFactory
from tests.migration_rows import restore_migration_rows

from .services import ROOT, production_env, smtp_server, wait_until

# Two processes see the same rows only once they are committed, on a database server.
pytestmark = [
    pytest.mark.postgres,
    # Serialized, so that the migrations' rows can be put back before (``migration_rows``) and
    # after these tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def migration_rows(django_db_setup, django_db_blocker):
    """The default site and its home page, as after ``migrate``, put back before Django's own
    restore (which, after the flush of a transactional test, would collide with the content
    types ``post_migrate`` recreated under new ids)."""
    with django_db_blocker.unblock():
        restore_migration_rows()


def database_url() -> str:
    config = connection.settings_dict
    return (
        f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST']}:{config['PORT']}"
        f"/{config['NAME']}"
    )


@pytest.fixture
def queue(settings):
    """The portal queues its tasks in the database, as production with TASKS_BACKEND does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker(queue):
    """Start ``db_worker`` against the test database and an SMTP server; yields the messages
    received. The worker must stop by itself on SIGTERM, as systemd stops it."""
    with smtp_server() as (port, received):
        env = production_env(
            DATABASE_URL=database_url(),
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            DEFAULT_FROM_EMAIL="noreply@portail.example.org",
            SITE_URL="https://portail.example.org",
        )
        # What `migrate` creates in production: the database cache's table, which the test
        # database (on a per-process cache) has not.
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True
        )
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield received
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
            print(output)  # shown with a failure
        assert process.returncode == 0, output


def to(received: list, address: str) -> list:
    return [message for message in received if address in message["To"]]


def test_the_worker_delivers_a_registrations_confirmation(worker):
    session = SessionPageFactory(title="Haies et bocage")
    user = session_member(session)
    with transaction.atomic():
        registration = registration_create(session=session, user=user)
    # Queued, not sent, by the web request.
    assert DBTaskResult.objects.filter(args_kwargs__args=[registration.pk, "confirmation"]).exists()

    [message] = wait_until(lambda: to(worker, user.email), timeout=60, what="confirmation email")

    assert "Haies et bocage" in message["Subject"]
    assert message["From"].addresses[0].addr_spec == "noreply@portail.example.org"
    # The calendar invitation travels with it.
    assert any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())
    wait_until(
        lambda: DBTaskResult.objects.filter(
            task_path="catalogue.registrations.emails.send_registration_email",
            status="SUCCESSFUL",
        ).exists(),
        timeout=30,
        what="email task marked successful",
    )


def test_the_worker_delivers_a_payments_receipt(worker):
    user = UserFactory(email="tresoriere@example.org")
    cotisation = CotisationFactory(user=user, year=2026, status=CotisationStatus.PENDING)
    payment = PaymentFactory(cotisation=cotisation, status=PaymentStatus.PENDING)
    with transaction.atomic():
        receipt = payment_succeeded(
            payment=payment, paid_at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
        )
    assert DBTaskResult.objects.filter(args_kwargs__args=[receipt.pk]).exists()

    [message] = wait_until(lambda: to(worker, user.email), timeout=60, what="receipt email")

    assert message["From"].addresses[0].addr_spec == "noreply@portail.example.org"
    [pdf] = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename() == f"recu-{receipt.display_number}.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    wait_until(
        lambda: DBTaskResult.objects.filter(
            task_path="membership.emails.send_receipt_email", status="SUCCESSFUL"
        ).exists(),
        timeout=30,
        what="receipt task marked successful",
    )
