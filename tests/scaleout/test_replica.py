"""Reads from a PostgreSQL streaming replica through the portal's database router.

A primary and its replica (``pg_basebackup -R``) run on localhost; ``migrate`` runs on the
primary only and reaches the replica by streaming. The portal runs in processes of its own with
production's settings (``DATABASE_URL`` the primary, ``DATABASE_REPLICA_URL`` the replica) and
serves requests through Django's test client, every middleware included. Which server answered
is proved two ways: the queries each connection ran, and content the replica cannot have yet —
its replay of the primary's WAL is paused (``pg_wal_replay_pause()``) while the primary
publishes a page.

The anonymous page cache is off in these processes: what is measured is where the rows come
from, not what a cache kept.
"""

from __future__ import annotations

import json

import pytest

from .services import (
    as_postgres,
    production_env,
    production_settings,
    python,
    streaming_replica,
    wait_until,
)

HAIES = "Haies et bocage : replanter ensemble"
MARES = "Mares temporaires : un inventaire participatif"
PASSWORD = "mot-de-passe-solide-42"

# Runs first in every portal process: a client, and a request that reports where its queries
# went (execute_wrapper counts the queries each connection really ran, without connecting).
PRELUDE = """
import json
from contextlib import ExitStack
from django.conf import settings
from django.db import connections
from django.test import Client

settings.PORTAIL_PAGE_CACHE_SECONDS = 0
settings.PORTAIL_REPLICA_RETRY_SECONDS = 1


def request(client, method, path, **data):
    seen = {"default": [], "replica": []}
    with ExitStack() as stack:
        for alias, queries in seen.items():
            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)
            stack.enter_context(connections[alias].execute_wrapper(count))
        response = getattr(client, method)(path, data, secure=True)
    text = response.content.decode()
    return {
        "status": response.status_code,
        "pinned": "portail_primary" in response.cookies,
        "primary_pages": sum("wagtailcore_page" in sql for sql in seen["default"]),
        "replica_queries": len(seen["replica"]),
        "haies": HAIES in text,
        "mares": MARES in text,
    }
"""


def test_production_reads_from_the_replica_only_when_its_url_is_set():
    names = ["DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE"]
    url = "postgres://lecture:secret@replica.internal:5432/portail"
    configured = production_settings(names, DATABASE_REPLICA_URL=url)
    replica = configured["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.internal",
        "lecture",
        "portail",
    )
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["TEST"]["MIRROR"] == "default"
    assert configured["DATABASE_ROUTERS"] == ["portal.db_router.ReplicaRouter"]
    assert configured["MIDDLEWARE"][0] == "portal.db_router.ReplicaMiddleware"

    unconfigured = production_settings(names)
    assert list(unconfigured["DATABASES"]) == ["default"]
    assert unconfigured["DATABASE_ROUTERS"] == []
    assert "portal.db_router.ReplicaMiddleware" not in unconfigured["MIDDLEWARE"]


@pytest.fixture(scope="module")
def servers():
    """A migrated primary, its streaming replica, and a published session seen by both."""
    with streaming_replica() as (primary, replica):
        env = production_env(DATABASE_URL=primary.url())
        python(
            "from django.core.management import call_command\ncall_command('migrate', verbosity=0)",
            env,
            timeout=600,
        )
        python(
            "from tests.membership.factories import UserFactory\n"
            f"UserFactory(username='lea', email='lea@exemple.fr', password={PASSWORD!r})",
            env,
        )
        publish(primary, HAIES)
        # A member paid up for the session's dates, who will take a seat.
        python(
            "from django.utils import timezone\n"
            "from catalogue.models import SessionPage\n"
            "from membership.models import CotisationStatus\n"
            "from tests.membership.factories import CotisationFactory, UserFactory\n"
            f"session = SessionPage.objects.get(title={HAIES!r})\n"
            f"user = UserFactory(username='jules', email='jules@exemple.fr', password={PASSWORD!r})\n"
            "for year in {timezone.localdate(o.start).year for o in session.sorted_occurrences}:\n"
            "    CotisationFactory(user=user, year=year, status=CotisationStatus.PAID)",
            env,
        )
        wait_until(
            lambda: replicated(replica, HAIES), timeout=30, what="the first session streamed"
        )
        yield primary, replica


@pytest.fixture
def streaming(servers):
    """The replica running and replaying, whatever the test before did to it."""
    primary, replica = servers
    yield primary, replica
    try:
        replica.sql("SELECT 1")
    except AssertionError:  # stopped by the test
        replica.start()
    replica.sql("SELECT pg_wal_replay_resume()")


def publish(primary, title: str) -> None:
    """Publish a session on the primary, from a process of its own, under one catalogue."""
    python(
        "from django.utils.text import slugify\n"
        "from catalogue.models import CatalogueIndexPage\n"
        "from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory\n"
        "parent = CatalogueIndexPage.objects.first() or CatalogueIndexPageFactory()\n"
        f"page = SessionPageFactory(title={title!r}, slug=slugify({title!r}), parent=parent)\n"
        "page.save_revision().publish()",
        production_env(DATABASE_URL=primary.url()),
    )


def replicated(replica, title: str) -> bool:
    query = f"SELECT count(*) FROM wagtailcore_page WHERE live AND title = '{title}'"
    return replica.sql(query, "portail") == "1"


def portal(servers, code: str, **env: str) -> dict:
    """Run ``code`` in a portal process reading from the replica; the JSON it prints last, and
    under ``"logs"`` what it logged before (production logs to stdout)."""
    primary, replica = servers
    environment = production_env(
        DATABASE_URL=primary.url(), DATABASE_REPLICA_URL=replica.url(), **env
    )
    prelude = PRELUDE.replace("HAIES", repr(HAIES)).replace("MARES", repr(MARES))
    *logs, result = python(prelude + code, environment).strip().splitlines()
    return {**json.loads(result), "logs": "\n".join(logs)}


@pytest.mark.postgres
def test_the_replica_streams_what_the_primary_writes(servers):
    primary, replica = servers
    assert primary.sql("SELECT pg_is_in_recovery()") == "f"
    assert replica.sql("SELECT pg_is_in_recovery()") == "t"
    assert primary.sql("SELECT state FROM pg_stat_replication") == "streaming"
    # The schema came by streaming: migrate ran on the primary only.
    assert replica.sql("SELECT count(*) FROM django_migrations", "portail") == primary.sql(
        "SELECT count(*) FROM django_migrations", "portail"
    )


@pytest.mark.postgres
def test_public_reads_come_from_the_replica(streaming):
    primary, replica = streaming
    replica.sql("SELECT pg_wal_replay_pause()")
    publish(primary, MARES)

    seen = portal(
        streaming,
        "print(json.dumps(request(Client(), 'get', '/api/catalogue/', limit=50)))",
    )

    listing = seen
    assert listing["status"] == 200
    # Served by the paused replica: the session published meanwhile is not there yet.
    assert listing["haies"] and not listing["mares"]
    assert listing["replica_queries"] > 0
    assert listing["primary_pages"] == 0
    assert not listing["pinned"]

    replica.sql("SELECT pg_wal_replay_resume()")
    wait_until(lambda: replicated(replica, MARES), timeout=30, what="the replay caught up")
    after = portal(
        streaming, "print(json.dumps(request(Client(), 'get', '/api/catalogue/', limit=50)))"
    )
    assert after["haies"] and after["mares"] and after["replica_queries"] > 0


@pytest.mark.postgres
def test_a_person_who_wrote_reads_from_the_primary(streaming):
    primary, replica = streaming
    replica.sql("SELECT pg_wal_replay_pause()")
    title = "Jardins familiaux : la saison des semis"  # ASCII: JSON escapes the rest
    publish(primary, title)

    seen = portal(
        streaming,
        "from django.urls import reverse\n"
        f"TITLE = {title!r}\n"
        "stranger = request(Client(), 'get', '/api/catalogue/', limit=50)\n"
        "stranger['title'] = TITLE in Client().get('/api/catalogue/', {'limit': 50}, secure=True).content.decode()\n"
        "client = Client()\n"
        "login = request(client, 'post', reverse('account_login'),\n"
        f"    login='lea@exemple.fr', password={PASSWORD!r})\n"
        "listing = client.get('/api/catalogue/', {'limit': 50}, secure=True)\n"
        "after = request(client, 'get', '/api/catalogue/', limit=50)\n"
        "print(json.dumps({'stranger': stranger, 'login': login, 'after': after,\n"
        "    'seen_by_her': TITLE in listing.content.decode()}))",
    )

    # Before she writes, a read comes from the paused replica: the newest session is not there.
    assert seen["stranger"]["replica_queries"] > 0
    assert not seen["stranger"]["title"]
    # Her sign-in wrote (her session, her last login) on the primary, and pins her there.
    assert seen["login"]["status"] == 302
    assert seen["login"]["pinned"]
    assert seen["login"]["replica_queries"] == 0
    # What she reads next comes from the primary, which has the newest session.
    assert seen["after"]["replica_queries"] == 0
    assert seen["after"]["primary_pages"] > 0
    assert seen["seen_by_her"]


@pytest.mark.postgres
def test_reads_fall_back_to_the_primary_when_the_replica_stops(streaming):
    primary, replica = streaming
    stop = as_postgres([str(replica.bin / "pg_ctl"), "-D", str(replica.data), "-m", "fast", "stop"])
    start = as_postgres(
        [
            str(replica.bin / "pg_ctl"),
            "-D",
            str(replica.data),
            "-l",
            str(replica.data / "server.log"),
        ]
        + ["-w", "start"]
    )

    seen = portal(
        streaming,
        "import subprocess, time\n"
        "results = {'before': request(Client(), 'get', '/api/catalogue/', limit=50)}\n"
        f"subprocess.run({stop!r}, check=True, capture_output=True)\n"
        "started = time.monotonic()\n"
        "results['stopped'] = request(Client(), 'get', '/api/catalogue/', limit=50)\n"
        "results['again'] = request(Client(), 'get', '/api/catalogue/', limit=50)\n"
        "results['seconds'] = time.monotonic() - started\n"
        f"subprocess.run({start!r}, check=True, capture_output=True)\n"
        "time.sleep(1.2)  # PORTAIL_REPLICA_RETRY_SECONDS\n"
        "results['restarted'] = request(Client(), 'get', '/api/catalogue/', limit=50)\n"
        "print(json.dumps(results))",
        # A connection kept between requests, as behind gunicorn: the replica dies under it.
        DB_CONN_MAX_AGE="60",
    )

    assert seen["before"]["replica_queries"] > 0
    for step in ("stopped", "again"):
        assert seen[step]["status"] == 200, step
        assert seen[step]["haies"], step
        assert seen[step]["replica_queries"] == 0, step
        assert seen[step]["primary_pages"] > 0, step
    # A replica that is down costs no wait: it is not asked again for a while.
    assert seen["seconds"] < 5
    assert seen["logs"].count("replica unavailable, reading from the primary") == 1
    # Back once it answers again.
    assert seen["restarted"]["status"] == 200
    assert seen["restarted"]["replica_queries"] > 0


@pytest.mark.postgres
def test_a_seat_taken_is_never_read_from_a_replica_that_has_not_replayed_it(streaming):
    """The page cache is on: a visitor right after the registration must see the seat taken,
    and what the cache keeps for the new content version with it."""
    primary, replica = streaming
    replica.sql("SELECT pg_wal_replay_pause()")

    seen = portal(
        streaming,
        "from django.urls import reverse\n"
        "from catalogue.models import SessionPage\n"
        "settings.PORTAIL_PAGE_CACHE_SECONDS = 60\n"
        f"session = SessionPage.objects.get(title={HAIES!r})\n"
        "def seats(response):\n"
        "    [item] = [i for i in response.json()['items'] if i['id'] == session.pk]\n"
        "    return item['seats_left']\n"
        "before = seats(Client().get('/api/catalogue/', {'limit': 50}, secure=True))\n"
        "jules = Client()\n"
        "jules.post(reverse('account_login'),\n"
        f"    {{'login': 'jules@exemple.fr', 'password': {PASSWORD!r}}}, secure=True)\n"
        "taken = request(jules, 'post', reverse('catalogue:register', args=[session.pk]))\n"
        "visitor = request(Client(), 'get', '/api/catalogue/', limit=50)\n"
        "after = seats(Client().get('/api/catalogue/', {'limit': 50}, secure=True))\n"
        "print(json.dumps({'before': before, 'taken': taken, 'visitor': visitor, 'after': after}))",
    )

    assert seen["taken"]["status"] == 302
    # The replica, paused, still has the seat free: the visitor's read went to the primary.
    assert seen["visitor"]["status"] == 200
    assert seen["visitor"]["replica_queries"] == 0
    assert seen["after"] == seen["before"] - 1

    replica.sql("SELECT pg_wal_replay_resume()")
    wait_until(
        lambda: (
            replica.sql(
                "SELECT count(*) FROM catalogue_registration r JOIN auth_user u ON u.id = r.user_id"
                " WHERE u.email = 'jules@exemple.fr'",
                "portail",
            )
            == "1"
        ),
        timeout=30,
        what="the registration replayed",
    )
    # Caught up: reads go to the replica again.
    again = portal(
        streaming, "print(json.dumps(request(Client(), 'get', '/api/catalogue/', limit=49)))"
    )
    assert again["replica_queries"] > 0
