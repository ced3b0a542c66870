"""Anonymous pages through gunicorn against the same bytes served as a static file, interleaved.

    .venv/bin/python bench/page_cache_bench.py        # about 2 minutes

Recreates a dedicated PostgreSQL database (dropped first), runs ``migrate``, ``load_demo`` and
``collectstatic`` with the production settings, Redis for the cache every web process shares
(the script starts its own ``redis-server`` on ``--redis-port``). It renders the home page and a
session page once and writes their bytes into ``STATIC_ROOT``, so that WhiteNoise serves them as
files; then gunicorn (``gunicorn.conf.py``) serves both. For each page, in rounds of
``--seconds`` alternating the page and its file, ``wrk`` sends requests from ``--connections``
connections (``X-Forwarded-Proto: https``, as nginx does; no cookie, as a first visit). Prints
requests per second of the page and of the file, summed over the rounds, and their ratio; and
checks that the kept page carries the same security headers as the rendered one.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from burst_bench import start_redis  # noqa: E402
from load_bench import (  # noqa: E402
    LOOPBACK,
    ROOT,
    drop_database,
    environment,
    manage,
    recreate_database,
    setup_django,
    start_gunicorn,
)

SECURITY_HEADERS = (
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cross-origin-opener-policy",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://portail:portail@127.0.0.1:5432/portail_bench_throughput",
        help="PostgreSQL on the loopback interface; the database is dropped and created again.",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--redis-port", type=int, default=8151)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=6, help="runs on each side, per page")
    parser.add_argument(
        "--without-early",
        action="store_true",
        help="serve bench/late_cache_settings.py: no EarlyCacheMiddleware, as before it",
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in LOOPBACK:
        parser.error("the benchmark only runs against a database on 127.0.0.1.")
    if not shutil.which("wrk"):
        parser.error("wrk is needed (Debian: apt-get install wrk).")
    return args


def pages() -> list[tuple[str, str, bytes]]:
    """(name, URL, bytes) of the home page and an open session's page, as a visitor gets them."""
    from django.test import Client

    from catalogue.models import SessionPage
    from catalogue.registrations.services import registration_opening_error

    session = next(
        page
        for page in SessionPage.objects.live().order_by("pk")
        if registration_opening_error(page) is None
    )
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    found = []
    for name, url in (("accueil", "/"), ("session", session.url)):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found.append((name, url, response.content))
    return found


def wrk(base: str, url: str, connections: int, seconds: int) -> float:
    """Requests per second of one wrk run; refuses a run with errors or other statuses."""
    run = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            "X-Forwarded-Proto: https",
            base + url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in run.stdout:
        raise SystemExit(f"wrk {url} :\n{run.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))


def check_headers(base: str, url: str, file_url: str) -> str:
    """The kept page's security headers are those of the file (both set by the same
    middleware), and the page is answered with an ETag."""
    headers = {"X-Forwarded-Proto": "https"}
    page = httpx.get(base + url, headers=headers)
    kept = httpx.get(base + url, headers=headers)
    static = httpx.get(base + file_url, headers=headers)
    assert kept.content == page.content, url
    missing = [h for h in SECURITY_HEADERS if h not in kept.headers]
    assert not missing, f"{url} : en-têtes absents {missing}"
    for header in SECURITY_HEADERS:
        if header in static.headers and header != "x-frame-options":
            assert kept.headers[header] == static.headers[header], header
    assert "etag" in kept.headers, url
    return kept.headers["cache-control"]


def main() -> None:
    args = parse_args()
    base = f"http://127.0.0.1:{args.port}"
    redis = start_redis(args.redis_port)
    try:
        with tempfile.TemporaryDirectory(prefix="portail-pages-") as tmp:
            static_root = Path(tmp) / "static"
            env = {
                **environment(args, str(static_root)),
                "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
                # A worker restarting after its 2,000 requests stalls a run for seconds.
                "GUNICORN_MAX_REQUESTS": "0",
            }
            if args.without_early:
                env["DJANGO_SETTINGS_MODULE"] = "bench.late_cache_settings"
                env["PYTHONPATH"] = str(ROOT)
            print("Base de données, démo et fichiers statiques…", flush=True)
            recreate_database(args.database_url)
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "load_demo")
            manage(env, "collectstatic", "--no-input", "-v0")
            setup_django(env)
            targets = []
            for name, url, content in pages():
                (static_root / "bench").mkdir(exist_ok=True)
                (static_root / "bench" / f"{name}.html").write_bytes(content)
                targets.append((name, url, f"/static/bench/{name}.html", len(content)))
            from django.db import connections

            connections.close_all()
            server = start_gunicorn(env, args, Path(tmp) / "gunicorn.log")
            rates: dict[str, dict[str, list[float]]] = {}
            try:
                load_before = os.getloadavg()[0]
                for name, url, file_url, size in targets:
                    cache_control = check_headers(base, url, file_url)
                    print(f"{name} {url} ({size} octets) : Cache-Control {cache_control}")
                    for target in (url, file_url):  # warm every worker
                        wrk(base, target, args.connections, 1)
                    rates[name] = {"page": [], "file": []}
                    for round_ in range(args.rounds):
                        order = ("page", "file") if round_ % 2 == 0 else ("file", "page")
                        for side in order:
                            target = url if side == "page" else file_url
                            rate = wrk(base, target, args.connections, args.seconds)
                            rates[name][side].append(rate)
                            print(f"  manche {round_ + 1}, {side} : {rate:.0f} requêtes/s")
                load_after = os.getloadavg()[0]
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    print()
    print(
        f"gunicorn {args.workers} workers, wrk {args.connections} connexions, "
        f"{args.rounds} manches de {args.seconds} s par côté ; {os.cpu_count()} cœurs, "
        f"load average {load_before:.1f} avant, {load_after:.1f} après."
    )
    print("| page | page (requêtes/s) | même octets en fichier (requêtes/s) | rapport |")
    print("| --- | ---: | ---: | ---: |")
    for name, url, _, _ in targets:
        page = sum(rates[name]["page"]) / args.rounds
        file = sum(rates[name]["file"]) / args.rounds
        print(f"| {name} `{url}` | {page:.0f} | {file:.0f} | {page / file:.0%} |")
    if not args.keep_database:
        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
