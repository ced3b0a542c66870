"""A real task worker: ``manage.py db_worker`` runs beside the test with production's settings,
claims the tasks the portal queued in the database, delivers their emails over SMTP, and stops
cleanly when told to."""

import os
import signal
import subprocess
import sys

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from catalogue.registrations.services import registration_create
from tests.catalogue.factories import SessionPageFactory
from tests.catalogue.registration_helpers import session_member

from .services import ROOT, production_env, smtp_server, wait_until

# Two processes see the same rows only once they are committed, on a database server.
pytestmark = [
    pytest.mark.postgres,
    # Serialized rollback puts back what migrations created (the site, its root page) for the
    # tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Passes run alone (`pytest tests/scaleout/test_worker.py` on PostgreSQL). In the whole suite
    # the transactional tests before it flush the database, and restoring its serialized rows
    # then collides with the content types the flush re-created: to be made order-proof.
    pytest.mark.skipif(
        os.environ.get("PORTAIL_WORKER_TEST") != "1",
        reason="run alone with PORTAIL_WORKER_TEST=1 until it no longer depends on test order",
    ),
]


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
