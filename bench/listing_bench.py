"""Listing benchmark: ``GET /api/catalogue/?limit=50`` against the floor, at two catalogue sizes.

    createdb -h 127.0.0.1 -U portail portail_bench   # once; any empty database will do
    DATABASE_URL=postgres://portail:portail@127.0.0.1:5432/portail_bench \\
        .venv/bin/python bench/listing_bench.py --sizes 1000 100000

For each size, writes that many sessions in bulk (``search_bench.generate``: bulk SQL inserts,
then the stored sort keys), then sends through Django's test client (routing, middleware,
validation and serialisation included; the anonymous page cache turned off, so every request
reads the database), each pair interleaved request by request:

- the portal's listing and the *floor*: a bare Django view returning the same 50 rows, in the
  same order, read with ``.values()``, and their count, as JSON;
- Wagtail's own v2 listing of the same 50 sessions with the card's fields
  (``/api/v2/pages/?type=catalogue.SessionPage&limit=50&fields=…``) and the portal's listing;
- the built-in catalogue page (HTML) for a signed-in member, whom the page cache never serves,
  and the portal's listing.

Prints each one's median and 95th percentile and the ratios of medians; at the end, the ratios
of our medians at the largest size to the smallest, for the listing and the catalogue page.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
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
# The card's fields, as Wagtail's v2 API names them.
V2_FIELDS = (
    "kind,lead,occurrences,attendance_mode,format,venue_name,venue_town,capacity,"
    "registration_mode,registration_url,registration_opens_at,registration_deadline,fee_note,"
    "themes,audiences,first_published_at"
)
V2_URL = f"/api/v2/pages/?type=catalogue.SessionPage&limit=50&fields={V2_FIELDS}"
MEMBER_EMAIL = "membre.banc-essai@example.org"


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
    member = Client()
    member.force_login(bench_member())
    medians: dict[str, dict[int, float]] = {"listing": {}, "page": {}}
    for size in args.sizes:
        reset(CatalogueIndexPage.objects.filter(slug=BENCH_SLUG).first())
        started = time.perf_counter()
        index = generate(size)
        with connection.cursor() as cursor:
            # The previous size's rows were deleted: without a vacuum, counting every row (the
            # floor) would also read them.
            cursor.execute("VACUUM ANALYZE")
        print(f"{size} sessions written in {time.perf_counter() - started:.1f} s")
        page_url = index.get_url()
        pairs = [
            ("listing", (client, URL), "floor", (client, FLOOR_URL)),
            ("Wagtail v2", (client, V2_URL), "listing", (client, URL)),
            ("page (member)", (member, page_url), "listing", (client, URL)),
        ]
        for first, (first_client, first_url), second, (second_client, second_url) in pairs:
            for _ in range(10):  # warm-up: caches, query plans, the cached count
                timed(first_client, first_url)
                timed(second_client, second_url)
            ones, twos = [], []
            for _ in range(args.requests):  # interleaved: both see the same load
                ones.append(timed(first_client, first_url))
                twos.append(timed(second_client, second_url))
            one, two = statistics.median(ones), statistics.median(twos)
            print(
                f"  {first:<14} median {one:7.1f} ms  p95 {p95(ones):7.1f} ms\n"
                f"  {second:<14} median {two:7.1f} ms  p95 {p95(twos):7.1f} ms\n"
                f"  ratio {first} / {second} (medians) {one / two:.2f}"
            )
            if first == "listing":
                medians["listing"][size] = one
            if first.startswith("page"):
                medians["page"][size] = one
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for name, by_size in medians.items():
            ratio = by_size[large] / by_size[small]
            print(f"{name}: ours at {large} ÷ ours at {small}: {ratio:.2f}")


def bench_member():
    """A signed-in member: the page cache never serves them, so the page reads the database."""
    user, _ = get_user_model().objects.get_or_create(
        username="membre-banc-essai", defaults={"email": MEMBER_EMAIL}
    )
    return user


if __name__ == "__main__":
    main()
