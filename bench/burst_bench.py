"""Registration burst through gunicorn: ours against a minimal locked insert, interleaved.

    .venv/bin/python bench/burst_bench.py        # about 2 minutes on 2 busy cores

Recreates a dedicated PostgreSQL database (dropped first), runs ``migrate`` and ``load_demo``
with the production settings (Redis for the cache and sessions: the script starts its own
``redis-server`` on ``--redis-port``; emails queued in the database for the worker), adds
``--members`` members with a paid cotisation and an API token each, and gives an open session
``--seats`` seats. gunicorn (``gunicorn.conf.py``) serves the portal with
``bench/floor_settings.py``, which only adds the floor's URL (``bench/floor_urls.py``): the same
row lock as ``registration_create``, one count and one insert, nothing else.

Each round, in alternating order, every member POSTs at once: to the portal
(``POST /api/catalogue/{id}/registrations/`` with their bearer token), then, the session
emptied, to the floor; after each burst the script checks the exact capacity (``--seats``
confirmed, the others waiting, no two positions alike). Prints registrations per second for
both, summed over the rounds, and their ratio.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_bench import (  # noqa: E402
    LOOPBACK,
    ROOT,
    drop_database,
    environment,
    manage,
    paid_members,
    recreate_database,
    setup_django,
    start_gunicorn,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://portail:portail@127.0.0.1:5432/portail_bench_throughput",
        help="PostgreSQL on the loopback interface; the database is dropped and created again.",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--redis-port", type=int, default=8141)
    parser.add_argument("--members", type=int, default=200, help="members registering at once")
    parser.add_argument("--seats", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="bursts on each side")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in LOOPBACK:
        parser.error("the benchmark only runs against a database on 127.0.0.1.")
    return args


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ping = subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
        )
        if ping.stdout.strip() == "PONG":
            return process
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"redis-server n'a pas démarré sur le port {port}.")


def prepare(members: int, seats: int) -> tuple[int, list[tuple[int, str]]]:
    """``members`` covered members with a token each, and an open session with ``seats``."""
    from django.utils import timezone
    from wagtail.models import APIToken

    from catalogue.models import AttendanceMode, RegistrationMode, SessionPage
    from catalogue.registrations.services import registration_opening_error
    from membership.years import membership_year

    session = next(
        page
        for page in SessionPage.objects.live().order_by("pk")
        if page.registration_mode == RegistrationMode.MEMBERS
        and page.attendance_mode == AttendanceMode.ALL_DATES
        and registration_opening_error(page) is None
    )
    SessionPage.objects.filter(pk=session.pk).update(capacity=seats)
    year = membership_year(timezone.localdate(session.starts_at))
    users = paid_members(members, year, prefix="rafale")
    people = [(user.pk, APIToken.create_token(user=user, name="rafale")[1]) for user in users]
    return session.pk, people


def empty(session_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_registration WHERE session_id = %s", [session_id])


def check_capacity(session_id: int, seats: int, members: int) -> None:
    from catalogue.models import Registration, RegistrationStatus

    registrations = Registration.objects.filter(session_id=session_id)
    statuses = list(registrations.values_list("status", flat=True))
    positions = list(registrations.values_list("position", flat=True))
    confirmed = statuses.count(RegistrationStatus.CONFIRMED)
    waiting = statuses.count(RegistrationStatus.WAITING)
    assert confirmed == seats, f"{confirmed} confirmées pour {seats} places"
    assert confirmed + waiting == members, f"{confirmed} + {waiting} ≠ {members}"
    assert len(set(positions)) == len(positions), "deux inscriptions ont la même position"


async def burst(base: str, requests: list[dict]) -> float:
    """Send every request at once, one connection each; the seconds until the last answer."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-Forwarded-Proto": "https"}, limits=limits, timeout=120
    ) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(*(client.request(**request) for request in requests))
        elapsed = time.perf_counter() - started
    wrong = [r for r in responses if r.status_code != 201]
    if wrong:
        raise SystemExit(
            f"{len(wrong)} réponses en erreur, dont {wrong[0].status_code} : {wrong[0].text[:300]}"
        )
    return elapsed


def main() -> None:
    args = parse_args()
    base = f"http://127.0.0.1:{args.port}"
    redis = start_redis(args.redis_port)
    try:
        with tempfile.TemporaryDirectory(prefix="portail-burst-") as tmp:
            env = {
                **environment(args, str(Path(tmp) / "static")),
                "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
                "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
                "PYTHONPATH": str(ROOT),
                "GUNICORN_MAX_REQUESTS": "0",
            }
            print("Base de données et démo…", flush=True)
            recreate_database(args.database_url)
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "load_demo")
            manage(env, "collectstatic", "--no-input", "-v0")
            setup_django(env)
            session_id, people = prepare(args.members, args.seats)
            from django.db import connection

            connection.close()
            ours = [
                {
                    "method": "POST",
                    "url": f"/api/catalogue/{session_id}/registrations/",
                    "json": {},
                    "headers": {"Authorization": f"Bearer {token}"},
                }
                for _, token in people
            ]
            floor = [
                {"method": "POST", "url": f"/bench/floor/{session_id}/{pk}/"} for pk, _ in people
            ]
            server = start_gunicorn(env, args, Path(tmp) / "gunicorn.log")
            times = {"ours": [], "floor": []}
            try:
                load_before = os.getloadavg()[0]
                # One unmeasured round of a few members warms every worker on both paths.
                for requests in (ours, floor):
                    asyncio.run(burst(base, requests[: args.workers * 4]))
                    empty(session_id)
                for round_ in range(args.rounds):
                    order = ("ours", "floor") if round_ % 2 == 0 else ("floor", "ours")
                    for name in order:
                        elapsed = asyncio.run(burst(base, ours if name == "ours" else floor))
                        check_capacity(session_id, args.seats, args.members)
                        empty(session_id)
                        times[name].append(elapsed)
                        print(
                            f"  manche {round_ + 1}, {'portail' if name == 'ours' else 'plancher'}"
                            f" : {args.members / elapsed:.1f} inscriptions/s",
                            flush=True,
                        )
                load_after = os.getloadavg()[0]
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    ours_rate = args.members * args.rounds / sum(times["ours"])
    floor_rate = args.members * args.rounds / sum(times["floor"])
    print()
    print(
        f"gunicorn {args.workers} workers, {args.members} membres à la fois pour {args.seats} "
        f"places, {args.rounds} manches ; {os.cpu_count()} cœurs, load average "
        f"{load_before:.1f} avant, {load_after:.1f} après ; capacité exacte à chaque rafale."
    )
    print(f"portail  : {ours_rate:.1f} inscriptions/s")
    print(f"plancher : {floor_rate:.1f} inscriptions/s")
    print(f"rapport  : {ours_rate / floor_rate:.2f}")
    if not args.keep_database:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
