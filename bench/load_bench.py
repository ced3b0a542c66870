"""Load benchmark: gunicorn + PostgreSQL on 127.0.0.1, public pages, APIs, search, registrations.

    .venv/bin/python bench/load_bench.py            # about 4 minutes on 2 busy cores

Recreates a dedicated database (``portail_load`` by default: it is dropped first), runs
``migrate``, ``load_demo`` and ``collectstatic`` with the production settings, adds ``--burst``
members with a paid cotisation and an API token each, then:

1. requests each URL alone through Django's test client: SQL queries and latency;
2. starts gunicorn (``gunicorn.conf.py``, ``--workers`` processes) on 127.0.0.1 and sends
   ``--requests`` GET requests to each URL from ``--concurrency`` connections (httpx, asyncio),
   each scenario stopping after ``--time-limit`` seconds at the latest;
3. sends the burst: every member POSTs their registration to the same session at once, with fewer
   seats than members, and checks that the seats were filled and the rest put on the waiting list.

Prints throughput, median and 95th percentile latency and queries per request as a Markdown
table. Everything runs on the loopback interface and stops by itself; gunicorn is stopped at the
end, and the database dropped unless ``--keep-database``. The load client runs on the same
machine as the server, so it takes a share of the CPU.
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SEARCH_WORD = "coopération"


@dataclass
class Result:
    name: str
    url: str
    # The request alone through the test client: SQL queries, their time and the whole (seconds).
    queries: int = 0
    sql_time: float = 0.0
    alone: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    # One response body per unexpected status, to tell what went wrong.
    errors: dict[int, str] = field(default_factory=dict)

    def row(self) -> str:
        count = len(self.latencies)
        ordered = sorted(self.latencies)
        median = statistics.median(ordered) * 1000
        p95 = ordered[max(0, int(round(0.95 * count)) - 1)] * 1000
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))
        return (
            f"| {self.name} | `{self.url}` | {count} | {count / self.elapsed:.1f} | "
            f"{median:.0f} | {p95:.0f} | {self.alone * 1000:.0f} | {self.queries} | "
            f"{self.sql_time * 1000:.0f} | {statuses} |"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://portail:portail@127.0.0.1:5432/portail_load",
        help="PostgreSQL on the loopback interface; the database is dropped and created again.",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--requests", type=int, default=300, help="GET requests per URL")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous connections")
    parser.add_argument("--burst", type=int, default=120, help="members registering at once")
    parser.add_argument(
        "--time-limit", type=float, default=30, help="seconds per scenario, at most"
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in LOOPBACK:
        parser.error("the benchmark only runs against a database on 127.0.0.1.")
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    return args


def environment(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    """Production settings, as behind nginx: the client says the request came over HTTPS."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "DB_CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATIC_ROOT": static_root,
        # Emails are queued for the worker, as in production; no worker runs here.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
    }


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def paid_members(count: int, year: int, prefix: str) -> list:
    """``count`` members with a verified address and a paid individual cotisation for ``year``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from membership.models import Cotisation, CotisationStatus, MemberCategory

    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{n}", email=f"{prefix}{n}@exemple.fr", password="!")
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    Cotisation.objects.bulk_create(
        Cotisation(
            user=user,
            year=year,
            category=MemberCategory.INDIVIDUAL,
            amount="30.00",
            status=CotisationStatus.PAID,
            paid_at=timezone.now(),
        )
        for user in users
    )
    return users


def prepare_members(count: int) -> tuple[int, int, list[str]]:
    """``count`` members with a paid cotisation and a token, and an open session with fewer seats.

    Returns the session's id, its seats and the members' tokens.
    """
    from django.utils import timezone
    from wagtail.models import APIToken

    from catalogue.models import AttendanceMode, RegistrationMode, SessionPage
    from catalogue.registrations.services import registration_opening_error
    from membership.years import membership_year

    session = next(
        (
            page
            for page in SessionPage.objects.live().order_by("pk")
            if page.registration_mode == RegistrationMode.MEMBERS
            and page.attendance_mode == AttendanceMode.ALL_DATES
            and registration_opening_error(page) is None
            and not page.registrations.exists()
        ),
        None,
    )
    if session is None:
        raise SystemExit("load_demo n'a créé aucune session ouverte réservée aux adhérents.")
    # A quarter of the burst gets a seat, the rest goes to the waiting list.
    seats = max(count // 4, 1)
    SessionPage.objects.filter(pk=session.pk).update(capacity=seats)
    year = membership_year(timezone.localdate(session.starts_at))

    users = paid_members(count, year, prefix="bench")
    tokens = [APIToken.create_token(user=user, name="bench")[1] for user in users]
    return session.pk, seats, tokens


def urls(session_id: int) -> list[tuple[str, str]]:
    from catalogue.models import CatalogueIndexPage, SessionPage

    catalogue = CatalogueIndexPage.objects.live().order_by("pk").first()
    session = SessionPage.objects.get(pk=session_id)
    return [
        ("Accueil", "/"),
        ("Page catalogue", catalogue.url),
        ("Page session", session.url),
        ("API catalogue", "/api/catalogue/"),
        ("Recherche (page)", f"/recherche/?q={SEARCH_WORD}"),
        ("Recherche (API)", f"/api/search/?q={SEARCH_WORD}"),
    ]


def measure_alone(
    targets: list[tuple[str, str]], session_id: int, token: str
) -> dict[str, tuple[int, float, float]]:
    """SQL queries, their time and the latency of each URL requested alone (Django's test client).

    Queries of one request after a first one (caches warm, as under load); latency is the median
    of 5 requests in a row (one for the registration, which a member makes once).
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    measures = {}
    for _name, url in targets:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        # Read now: every request clears the connection's query log.
        queries = len(captured)
        sql_time = sum(float(query["time"]) for query in captured.captured_queries)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        measures[url] = (queries, sql_time, statistics.median(times))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/api/catalogue/{session_id}/registrations/",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 201, response.content
    elapsed = time.perf_counter() - started
    sql_time = sum(float(query["time"]) for query in captured.captured_queries)
    measures["registration"] = (len(captured), sql_time, elapsed)
    connection.close()
    return measures


def start_gunicorn(env: dict[str, str], args: argparse.Namespace, log: Path) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"Le port {args.port} est déjà pris : choisissez-en un autre.")
    process = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{args.port}/api/openapi.json", timeout=1)
        except httpx.TransportError:
            pass
        else:
            return process
        if process.poll() is not None:
            break
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn n'a pas démarré : voir {log}")


async def load(
    base: str, result: Result, requests: list[dict], concurrency: int, time_limit: float
) -> Result:
    """Send ``requests`` (httpx keyword arguments) from ``concurrency`` connections."""
    pending = iter(requests)
    deadline = time.monotonic() + time_limit
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-Forwarded-Proto": "https"}, limits=limits, timeout=30
    ) as client:

        async def connection() -> None:
            for request in pending:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                response = await client.request(**request)
                result.latencies.append(time.perf_counter() - started)
                result.statuses[response.status_code] = (
                    result.statuses.get(response.status_code, 0) + 1
                )
                if response.status_code >= 300:
                    result.errors.setdefault(response.status_code, response.text[:300])

        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - started
    return result


def check_waiting_list(session_id: int, seats: int, registered: int) -> str:
    from catalogue.models import Registration, RegistrationStatus

    registrations = Registration.objects.filter(session_id=session_id)
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITING).count()
    positions = list(registrations.values_list("position", flat=True))
    assert confirmed == seats, (confirmed, seats)
    assert confirmed + waiting == registered, (confirmed, waiting, registered)
    assert len(set(positions)) == len(positions), "two registrations share a position"
    return f"{confirmed} confirmées (places : {seats}), {waiting} en liste d'attente"


def main() -> None:
    args = parse_args()
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory(prefix="portail-load-") as tmp:
        env = environment(args, str(Path(tmp) / "static"))
        began = time.monotonic()
        print("Base de données, démo et fichiers statiques…", flush=True)
        recreate_database(args.database_url)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input", "-v0")
        setup_django(env)
        session_id, seats, tokens = prepare_members(args.burst + 1)
        targets = urls(session_id)
        # The last member registers through the test client; the burst uses the others.
        alone = measure_alone(targets, session_id, tokens.pop())
        prepared = time.monotonic() - began

        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(env, args, log)
        results = []
        try:
            load_before = os.getloadavg()[0]
            for name, url in targets:
                print(f"{name} : {url}", flush=True)
                # Not measured: each worker's first request loads templates and code.
                warm = [{"method": "GET", "url": url}] * args.workers * 2
                asyncio.run(load(base, Result(name, url), warm, args.workers, args.time_limit))
                get = [{"method": "GET", "url": url}] * args.requests
                result = Result(name, url, *alone[url])
                results.append(
                    asyncio.run(load(base, result, get, args.concurrency, args.time_limit))
                )
            url = f"/api/catalogue/{session_id}/registrations/"
            print(f"Rafale de {len(tokens)} inscriptions : {url}", flush=True)
            posts = [
                {
                    "method": "POST",
                    "url": url,
                    "json": {},
                    "headers": {"Authorization": f"Bearer {token}"},
                }
                for token in tokens
            ]
            burst = Result("Rafale d'inscriptions", f"POST {url}", *alone["registration"])
            results.append(
                asyncio.run(load(base, burst, posts, args.concurrency * 4, args.time_limit))
            )
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(timeout=30)
    print()
    print(
        f"gunicorn {args.workers} workers, {args.concurrency} connexions "
        f"({args.concurrency * 4} pour la rafale), {os.cpu_count()} cœurs ; "
        f"préparation {prepared:.0f} s, total {time.monotonic() - began:.0f} s ; charge de la "
        f"machine (load average 1 min) {load_before:.1f} avant la mesure, {load_after:.1f} après."
    )
    print()
    print(
        "| Scénario | URL | Requêtes | Requêtes/s | Médiane (ms) | 95e centile (ms) "
        "| Seule (ms) | Requêtes SQL | Temps SQL (ms) | Statuts |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for result in results:
        print(result.row())
    for result in results:
        for status, body in result.errors.items():
            print(f"\n{result.name}, {status} : {body}")
    print()
    print(f"Rafale : {check_waiting_list(session_id, seats, burst.statuses.get(201, 0) + 1)}.")
    if not args.keep_database:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
