"""Listing benchmark: ``GET /api/catalogue/?limit=50`` against the floor, at two catalogue sizes.

    createdb -h 127.0.0.1 -U portail portail_bench   # once; any empty database will do
    DATABASE_URL=postgres://portail:portail@127.0.0.1:5432/portail_bench \\
        .venv/bin/python bench/listing_bench.py --sizes 1000 100000

For each size, writes that many sessions in bulk (``search_bench.generate``: bulk SQL inserts,
then the stored sort keys), then sends, interleaved request by request through Django's test
client (routing, middleware, validation and serialisation included; the anonymous page cache
turned off, so every request reads the database), the portal's listing and the *floor*: a bare
Django view returning the same 50 rows, in the same order, read with ``.values()``, and their
count, as JSON. Prints each one's median and 95th percentile, the ratio of ours to the floor's,
and at the end the ratio of our median at the largest size to the smallest.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from search_bench import BENCH_SLUG, generate, reset  # noqa: E402  (sets Django up)

import portal.urls  # noqa: E402
from catalogue.models import CatalogueIndexPage, CatalogueItemPage  # noqa: E402
from catalogue.queries import ORDERINGS  # noqa: E402

URL = "/api/catalogue/?limit=50"
FLOOR_URL = "/banc-essai/plancher/"


def floor(request):
    """The least work that returns the same rows: one SELECT of their columns, one COUNT."""
    items = CatalogueItemPage.objects.live().order_by(*ORDERINGS["-date"])
    rows = list(
        items.values(
            "pk",
            "title",
            "url_path",
            "lead",
            "first_start",
            "last_end",
            "sort_date",
            "registration_mode",
            "registration_deadline",
            "registration_opens_at",
            "first_published_at",
            "fee_note",
            "registration_url",
        )[:50]
    )
    body = {"count": items.count(), "items": rows}
    return HttpResponse(json.dumps(body, default=str), content_type="application/json")


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=200, help="of each kind, per size")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc d'essai mesure PostgreSQL : définissez DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0  # measure the listing, not the page cache
    portal.urls.urlpatterns.insert(0, path(FLOOR_URL.strip("/") + "/", floor))
    clear_url_caches()

    client = Client()
    medians = {}
    for size in args.sizes:
        reset(CatalogueIndexPage.objects.filter(slug=BENCH_SLUG).first())
        started = time.perf_counter()
        generate(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{size} sessions written in {time.perf_counter() - started:.1f} s")
        for _ in range(10):  # warm-up: caches, query plans, the cached count
            timed(client, URL)
            timed(client, FLOOR_URL)
        ours, bare = [], []
        for _ in range(args.requests):  # interleaved: both see the same load
            ours.append(timed(client, URL))
            bare.append(timed(client, FLOOR_URL))
        medians[size] = statistics.median(ours)
        print(
            f"  ours  median {statistics.median(ours):.1f} ms  p95 {p95(ours):.1f} ms\n"
            f"  floor median {statistics.median(bare):.1f} ms  p95 {p95(bare):.1f} ms\n"
            f"  ratio (medians) {statistics.median(ours) / statistics.median(bare):.2f}"
        )
    if len(medians) > 1:
        small, large = min(medians), max(medians)
        print(f"ours at {large} ÷ ours at {small}: {medians[large] / medians[small]:.2f}")


if __name__ == "__main__":
    main()
