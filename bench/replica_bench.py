"""Replica benchmark: what reading the catalogue from a streaming replica costs a request.

    .venv/bin/python bench/replica_bench.py --requests 300

Makes a PostgreSQL primary and its streaming replica on localhost (Debian's ``initdb``,
``pg_basebackup -R``, ``pg_ctl``, as ``tests/scaleout`` does; run as root or as ``postgres``),
migrates the primary, publishes ``--sessions`` sessions, then, in one process with production's
settings (``DATABASE_URL`` the primary, ``DATABASE_REPLICA_URL`` the replica), sends
``GET /api/catalogue/?limit=50`` through Django's test client, the anonymous page cache off,
alternating request by request between:

- ours: an anonymous visitor, read from the replica (the router checks the replica and its
  fence once per request, then sends the catalogue's queries there);
- the floor: the same request by a browser pinned to the primary (the router's middleware runs,
  but every query goes to the primary, as without a replica).

Prints each one's median and 95th percentile and the ratio of ours to the floor's. Both servers
share this machine: the figure is the router's cost, not the gain of a second machine (which is
the primary's CPU left to writes).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scaleout.services import production_env, python, streaming_replica  # noqa: E402

MEASURE = """
import json, statistics, time
from django.conf import settings
from django.db import connections
from django.test import Client
settings.PORTAIL_PAGE_CACHE_SECONDS = 0
URL = '/api/catalogue/?limit=50'
visitor, pinned = Client(), Client()
pinned.cookies['portail_primary'] = '1'
times = {'ours': [], 'floor': []}
replica_queries = []
for i in range(REQUESTS + 10):
    for name, client in (('ours', visitor), ('floor', pinned)):
        seen = []
        with connections['replica'].execute_wrapper(lambda e, s, p, m, c: seen.append(s) or e(s, p, m, c)):
            start = time.perf_counter()
            response = client.get(URL, secure=True)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        if i >= 10:  # the first requests warm connections and caches
            times[name].append(elapsed * 1000)
            if name == 'ours':
                replica_queries.append(len(seen))
            else:
                assert not seen, 'the pinned browser read from the replica'
assert min(replica_queries) > 0, 'the visitor did not read from the replica'
def q(values, p):
    return statistics.quantiles(values, n=100)[p - 1]
print(json.dumps({name: {'median': statistics.median(v), 'p95': q(v, 95)} for name, v in times.items()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=60)
    args = parser.parse_args()

    with streaming_replica() as (primary, replica):
        env = production_env(DATABASE_URL=primary.url())
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        python(
            "from catalogue.models import CatalogueIndexPage\n"
            "from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory\n"
            "parent = CatalogueIndexPageFactory()\n"
            f"for n in range({args.sessions}):\n"
            "    SessionPageFactory(parent=parent, title=f'Session {n}', slug=f'session-{n}')"
            ".save_revision().publish()",
            env,
            timeout=600,
        )
        code = MEASURE.replace("REQUESTS", str(args.requests))
        out = python(
            code,
            production_env(DATABASE_URL=primary.url(), DATABASE_REPLICA_URL=replica.url()),
            timeout=1800,
        )
        result = json.loads(out.strip().splitlines()[-1])
    ours, floor = result["ours"], result["floor"]
    print(f"GET /api/catalogue/?limit=50, {args.sessions} sessions, {args.requests} requests each")
    print(f"  ours (replica):          median {ours['median']:.2f} ms, p95 {ours['p95']:.2f} ms")
    print(f"  floor (pinned, primary): median {floor['median']:.2f} ms, p95 {floor['p95']:.2f} ms")
    print(f"  ratio ours / floor:      median {ours['median'] / floor['median']:.2f}×")


if __name__ == "__main__":
    main()
