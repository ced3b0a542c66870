"""Search benchmark: 10,000 sessions of French text on PostgreSQL, search and autocomplete latency.

    createdb -h 127.0.0.1 -U portail portail_bench   # once; any empty database will do
    DATABASE_URL=postgres://portail:portail@127.0.0.1:5432/portail_bench \\
        .venv/bin/python bench/search_bench.py --sessions 10000

Migrates the database, replaces the catalogue it generated on a previous run, writes the pages
in bulk (the page tree's paths are computed, not found one insert at a time), indexes them with
the configured search backend, then requests ``/api/search/`` and ``/api/search/autocomplete/``
through Django's test client (URL routing, validation, serialisation included) for a fixed set
of queries. Prints median and 95th percentile latency and the SQL queries per request.
"""

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from modelsearch.backends.database.postgres.weights import (  # noqa: E402
    get_sql_weights,
    get_weight,
)
from modelsearch.utils import get_descendants_content_types_pks  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402

from catalogue.models import (  # noqa: E402
    Audience,
    CatalogueIndexPage,
    CatalogueItemPage,
    Organisation,
    Person,
    RegistrationMode,
    SessionFormat,
    SessionKind,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    SpeakerRole,
    Theme,
)
from catalogue.search.backends.postgres import (  # noqa: E402
    RANKED_INDEX,
    forget_ranked_index,
    ranked_index_available,
)
from catalogue.search.queries import clean_query  # noqa: E402

BENCH_SLUG = "catalogue-benchmark"
SEEDS = Path(os.environ.get("SEEDS_DIR", "/work/shared/seeds"))

ACTIONS = [
    "Accueillir", "Mobiliser", "Animer", "Financer", "Évaluer", "Coopérer autour de",
    "Décrypter", "Accompagner", "Développer", "Structurer", "Piloter", "Valoriser",
    "Repenser", "Outiller", "Faire vivre", "Mailler",
]  # fmt: skip
TOPICS = [
    "les nouveaux bénévoles", "la mobilité solidaire", "l'habitat participatif",
    "l'alimentation locale", "la transition énergétique", "le tourisme durable",
    "les projets de jeunesse", "les circuits courts", "la santé en milieu rural",
    "le patrimoine bâti", "les tiers-lieux", "l'économie sociale et solidaire",
    "la coopération entre acteurs", "les services à la population", "l'installation agricole",
    "la revitalisation des centres-bourgs", "les espaces de vie sociale",
    "l'inclusion numérique", "la gestion de l'eau", "les collectifs citoyens",
]  # fmt: skip
COMPLEMENTS = [
    "dans les territoires ruraux", "avec les élus", "en intercommunalité",
    "au service des habitants", "par la démarche de projet", "entre action sociale et développement local",
    "avec les associations", "à l'échelle du pays", "en montagne", "dans les petites communes",
]  # fmt: skip
TOWNS = [
    "Die", "Crest", "Privas", "Aubenas", "Villefranche-sur-Saône", "Bourg-en-Bresse",
    "Le Puy-en-Velay", "Aurillac", "Montbrison", "Annonay", "Nyons", "Saint-Flour",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Dominique", "Marine", "Pascal", "Geneviève", "Julien", "Sophie", "Hélène",
    "Mathieu", "Élodie", "Thierry", "Nadia", "Olivier", "Léa", "François", "Inès",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Rouchouse", "Loviconi", "Ganivet", "Besombes", "Faure", "Chabert",
    "Roux", "Gauthier", "Mercier", "Blanchard", "Perrin", "Morel", "Garnier", "Lefaire",
]  # fmt: skip
ORGANISATIONS = [
    "Cap Rural", "Compétence Bénévolat", "Recherche et Solidarité", "Pays Beaujolais",
    "Parc naturel régional du Vercors", "Fédération des centres sociaux", "Chambre d'agriculture",
    "Mission locale rurale",
]  # fmt: skip

SEARCH_QUERIES = [
    {"q": "bénévoles"},
    {"q": "benevoles"},
    {"q": "coopérer"},
    {"q": "mobilité solidaire"},
    {"q": "habitat participatif"},
    {"q": "alimentation locale"},
    {"q": "transition énergétique"},
    {"q": "webconférence"},
    {"q": "élus"},
    {"q": "tourisme durable montagne"},
    {"q": "Loviconi"},
    {"q": "Compétence Bénévolat"},
    {"q": "financer projets jeunesse"},
    {"q": "tiers-lieux"},
    {"q": "circuits courts", "type": "session", "when": "upcoming"},
    {"q": "numérique", "format": "online"},
    {"q": "territoires ruraux", "open": "true"},
    {"q": "développement local", "cotisation": "true", "offset": "20"},
    {"q": "patrimoine bâti", "theme": "patrimoine"},
    {"q": "introuvable zzzz"},
]
AUTOCOMPLETE_QUERIES = [
    "bé", "béné", "benev", "coop", "mobi", "habitat p", "alim", "trans", "web", "tour",
    "jeun", "tiers", "circ", "sant", "patri", "fina", "éval", "accueillir les n", "numé", "zzz",
]  # fmt: skip


def seed_sentences() -> list[str]:
    """Sentences of the real catalogue pages, reused as body text."""
    text = " ".join(path.read_text() for path in sorted(SEEDS.glob("*.txt")))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n+", text)]
    return [s for s in sentences if len(s) > 40]


def paragraphs(rng: random.Random, sentences: list[str], count: int) -> str:
    return "".join(f"<p>{' '.join(rng.sample(sentences, 3))}</p>" for _ in range(count))


def reset(index: CatalogueIndexPage | None) -> None:
    """Delete a previous run's catalogue; its generated pages have no revisions nor references."""
    if index is None:
        return
    ids = list(Page.objects.child_of(index).values_list("pk", flat=True))
    tables = [
        (SessionOccurrence._meta.db_table, "session_id"),
        (SessionSpeaker._meta.db_table, "session_id"),
        (CatalogueItemPage.themes.through._meta.db_table, "catalogueitempage_id"),
        (CatalogueItemPage.audiences.through._meta.db_table, "catalogueitempage_id"),
        (SessionPage._meta.db_table, "catalogueitempage_ptr_id"),
        (CatalogueItemPage._meta.db_table, "page_ptr_id"),
        (Page._meta.db_table, "id"),
    ]
    # Deleting 10,000 pages through the ORM (signals, cascades) takes many minutes.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM wagtailsearch_indexentry WHERE object_id = ANY(%s)",
            [[str(pk) for pk in ids]],
        )
        for table, column in tables:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])  # noqa: S608
        Page.objects.filter(pk=index.pk).update(numchild=0)
    CatalogueIndexPage.objects.get(pk=index.pk).delete()


def snippets(rng: random.Random):
    themes = []
    for name in ["Bénévolat", "Coopération", "Mobilité", "Alimentation", "Patrimoine", "Jeunesse"]:
        theme, _ = Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        themes.append(theme)
    audiences = []
    for name in ["Élus", "Agents de développement", "Bénévoles", "Techniciens"]:
        audience, _ = Audience.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        audiences.append(audience)
    organisations = [Organisation.objects.get_or_create(name=name)[0] for name in ORGANISATIONS]
    people = []
    for index in range(60):
        person, _ = Person.objects.get_or_create(
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[index % len(LAST_NAMES)]}"
            + ("" if index < 16 else f"-{index}"),
            defaults={"organisation": rng.choice(organisations), "job_title": "chargée de mission"},
        )
        people.append(person)
    return themes, audiences, people


def generate(count: int, seed: int = 42) -> CatalogueIndexPage:
    rng = random.Random(seed)
    sentences = seed_sentences()
    themes, audiences, people = snippets(rng)
    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(
        instance=CatalogueIndexPage(title="Catalogue (banc d'essai)", slug=BENCH_SLUG)
    )
    content_type = ContentType.objects.get_for_model(SessionPage)
    now = timezone.now()
    sessions, pages = [], []
    for number in range(1, count + 1):
        kind = rng.choice(SessionKind.values)
        title = (
            f"{SessionKind(kind).label} : {rng.choice(ACTIONS)} {rng.choice(TOPICS)} "
            f"{rng.choice(COMPLEMENTS)}"
        )
        slug = f"{slugify(title)[:60]}-{number}"
        page = Page(
            title=title,
            slug=slug,
            content_type=content_type,
            path=Page._get_path(index.path, index.depth + 1, number),
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            draft_title=title,
            locale_id=index.locale_id,
        )
        fmt = rng.choice(SessionFormat.values)
        session = SessionPage(
            title=title,
            lead=" ".join(rng.sample(sentences, 2))[:400],
            kind=kind,
            rationale=paragraphs(rng, sentences, 2),
            objectives=paragraphs(rng, sentences, 1),
            audience_text=paragraphs(rng, sentences, 1),
            teaching_method=paragraphs(rng, sentences, 1),
            format=fmt,
            venue_name="Salle des fêtes" if fmt != SessionFormat.ONLINE else "",
            venue_town=rng.choice(TOWNS) if fmt != SessionFormat.ONLINE else "",
            meeting_url_sent_later=fmt != SessionFormat.IN_PERSON,
            capacity=rng.choice([None, 12, 20, 30]),
            registration_mode=rng.choice(
                [RegistrationMode.MEMBERS, RegistrationMode.MEMBERS, RegistrationMode.ACCOUNT]
            ),
        )
        pages.append(page)
        sessions.append(session)

    with transaction.atomic():
        Page.objects.bulk_create(pages, batch_size=1000)
        for page, session in zip(pages, sessions, strict=True):
            for field in Page._meta.concrete_fields:
                setattr(session, field.attname, getattr(page, field.attname))
            session.page_ptr_id = session.catalogueitempage_ptr_id = page.pk
        # bulk_create refuses multi-table inheritance: insert each level's own columns, as
        # Model.save() does for parents, in batches.
        for model in (CatalogueItemPage, SessionPage):
            fields = list(model._meta.local_concrete_fields)
            for start in range(0, len(sessions), 1000):
                model._base_manager._insert(sessions[start : start + 1000], fields=fields)
        Page.objects.filter(pk=index.pk).update(numchild=count)

        start_day = timezone.localdate() - dt.timedelta(days=365)
        occurrences, speakers, theme_rows, audience_rows = [], [], [], []
        ThemeLink = CatalogueItemPage.themes.through
        AudienceLink = CatalogueItemPage.audiences.through
        for session in sessions:
            day = start_day + dt.timedelta(days=rng.randrange(730))
            begin = dt.datetime.combine(
                day, dt.time(rng.choice([9, 10, 14])), tzinfo=timezone.get_default_timezone()
            )
            occurrences.append(
                SessionOccurrence(
                    session_id=session.pk,
                    start=begin,
                    end=begin + dt.timedelta(hours=3),
                    sort_order=0,
                )
            )
            for order, person in enumerate(rng.sample(people, rng.randint(1, 3))):
                speakers.append(
                    SessionSpeaker(
                        session_id=session.pk,
                        person=person,
                        role=SpeakerRole.SPEAKER,
                        sort_order=order,
                    )
                )
            for theme in rng.sample(themes, rng.randint(1, 2)):
                theme_rows.append(ThemeLink(catalogueitempage_id=session.pk, theme_id=theme.pk))
            for audience in rng.sample(audiences, rng.randint(1, 2)):
                audience_rows.append(
                    AudienceLink(catalogueitempage_id=session.pk, audience_id=audience.pk)
                )
        SessionOccurrence.objects.bulk_create(occurrences, batch_size=2000)
        SessionSpeaker.objects.bulk_create(speakers, batch_size=2000)
        ThemeLink.objects.bulk_create(theme_rows, batch_size=2000)
        AudienceLink.objects.bulk_create(audience_rows, batch_size=2000)
        # The listings' sort keys, which publishing stores and bulk inserts do not (as
        # ``refresh_listing_keys()`` sets them for a session: its one date, the day in Paris).
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {CatalogueItemPage._meta.db_table} c
                SET first_start = o.start, last_end = o."end",
                    sort_date = (o.start AT TIME ZONE %s)::date,
                    event_day = (o.start AT TIME ZONE %s)::date
                FROM {SessionOccurrence._meta.db_table} o
                WHERE o.session_id = c.page_ptr_id AND c.page_ptr_id = ANY(%s)
                """,  # noqa: S608
                [settings.TIME_ZONE, settings.TIME_ZONE, [session.pk for session in sessions]],
            )
    return index


def index_pages(index: CatalogueIndexPage) -> None:
    """Write the sessions' index entries in SQL, as Wagtail's indexer builds them.

    Wagtail's indexer reads each page and its relations in Python and sends one ``tsvector``
    expression per field: about 10 ms a session. The same vectors (title with its boost's
    weight, the other fields in the body, tags stripped, the speakers' names and organisations,
    the themes' names) come from one ``INSERT … SELECT`` here; ``--wagtail-indexer`` uses
    Wagtail's instead.
    """
    backend = get_search_backend()
    title_weight = get_weight(2)  # Page.search_fields: SearchField("title", boost=2)
    body_weight = get_weight(None)
    session = SessionPage._meta.db_table
    item = CatalogueItemPage._meta.db_table
    text = "regexp_replace(coalesce({}, ''), '<[^>]+>', ' ', 'g')"
    body = " || ' ' || ".join(
        [
            text.format("c.lead"),
            text.format("themes.names"),
            *(text.format(f"s.{f}") for f in ("rationale", "objectives", "audience_text")),
            *(text.format(f"s.{f}") for f in ("teaching_method", "case_study")),
            text.format("speakers.names"),
        ]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The text indexes are built once afterwards: faster than one insert at a time.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry' "
            "AND indexname IN ('search_indexentry_title_body_gin', %s)",
            [RANKED_INDEX],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            f"""
            INSERT INTO wagtailsearch_indexentry
                (content_type_id, object_id, title, autocomplete, body, title_norm,
                 title_text, body_text)
            SELECT %(ct)s, p.id::text,
                   setweight(to_tsvector(%(config)s::regconfig, p.title), %(title_weight)s),
                   setweight(to_tsvector(%(autocomplete)s::regconfig, p.title), 'D'),
                   setweight(to_tsvector(%(config)s::regconfig, b.body), %(body_weight)s),
                   1.0, p.title, b.body
            FROM wagtailcore_page p
            JOIN {item} c ON c.page_ptr_id = p.id
            JOIN {session} s ON s.catalogueitempage_ptr_id = p.id
            LEFT JOIN LATERAL (
                SELECT string_agg(t.name, ' ') AS names
                FROM {CatalogueItemPage.themes.through._meta.db_table} l
                JOIN {Theme._meta.db_table} t ON t.id = l.theme_id
                WHERE l.catalogueitempage_id = p.id
            ) themes ON TRUE
            LEFT JOIN LATERAL (
                SELECT string_agg(concat_ws(' ', pe.first_name, pe.last_name, o.name), ' '
                                  ORDER BY sp.sort_order) AS names
                FROM {SessionSpeaker._meta.db_table} sp
                JOIN {Person._meta.db_table} pe ON pe.id = sp.person_id
                LEFT JOIN {Organisation._meta.db_table} o ON o.id = pe.organisation_id
                WHERE sp.session_id = p.id
            ) speakers ON TRUE
            CROSS JOIN LATERAL (SELECT {body} AS body) b
            WHERE p.path LIKE %(path)s AND p.depth = %(depth)s
            """,  # noqa: S608
            {
                "ct": ContentType.objects.get_for_model(SessionPage).pk,
                "config": backend.config,
                "autocomplete": backend.autocomplete_config,
                "title_weight": title_weight,
                "body_weight": body_weight,
                "path": f"{index.path}%",
                "depth": index.depth + 1,
            },
        )
        # Wagtail's title_norm: the average title length over this title's.
        cursor.execute(
            """
            UPDATE wagtailsearch_indexentry SET title_norm =
                (SELECT avg(length(title)) FROM wagtailsearch_indexentry WHERE length(title) > 0)
                / length(title)
            WHERE length(title) > 0
            """
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks while indexing
        for _name, definition in indexes:
            cursor.execute(definition)


def index_pages_with_wagtail(index: CatalogueIndexPage) -> None:
    """Index as ``update_index`` does, in chunks, with the relations the index reads prefetched."""
    backend = get_search_backend()
    queryset = (
        SessionPage.objects.child_of(index)
        .prefetch_related("themes", "speakers__person__organisation")
        .order_by("pk")
    )
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = list(queryset.filter(pk__in=ids[start : start + 500]))
        backend.add_bulk(SessionPage, chunk)


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[int(share * (len(ordered) - 1))]


def floor_sql(ranked: bool) -> str:
    """The floor: one SQL top-20 of the words' matches on the index the search uses."""
    order = (
        "(e.title || e.body) <=> q"
        if ranked
        else f"ts_rank('{get_sql_weights()}'::float4[], e.title, q) * e.title_norm "
        f"+ ts_rank('{get_sql_weights()}'::float4[], e.body, q) DESC"
    )
    return (
        "SELECT e.object_id FROM wagtailsearch_indexentry e, "  # noqa: S608
        "plainto_tsquery(%s::regconfig, %s) q "
        f"WHERE e.content_type_id = ANY(%s) AND (e.title || e.body) @@ q ORDER BY {order} "
        "LIMIT 20 OFFSET %s"
    )


def measure_search(client: Client, rounds: int) -> dict:
    """Ours (``/api/search/`` through Django's test client) and the floor, interleaved query by
    query, so that the machine's load weighs on both alike."""
    config = get_search_backend().config
    content_types = list(get_descendants_content_types_pks(CatalogueItemPage))
    ranked = ranked_index_available(connection)
    floors = {"floor": floor_sql(ranked), "rank every match": floor_sql(False)}
    urls = [f"/api/search/?{urlencode(params)}" for params in SEARCH_QUERIES]

    def floor(sql: str, params: dict) -> None:
        with connection.cursor() as cursor:
            words = clean_query(params["q"])
            cursor.execute(sql, [config, words, content_types, int(params.get("offset", 0))])
            cursor.fetchall()

    for url, params in zip(urls, SEARCH_QUERIES, strict=True):  # warm caches and plans
        assert client.get(url).status_code == 200, url
        for sql in floors.values():
            floor(sql, params)
    timings: dict[str, list[float]] = {
        "ours": [],
        "ours, cold": [],
        **{name: [] for name in floors},
    }
    for _ in range(rounds):
        for url, params in zip(urls, SEARCH_QUERIES, strict=True):
            # Cold: the cache cleared first (not timed), so the counts are computed afresh.
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings["ours, cold"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            # Warm: the same request again, its counts now kept by the shared cache.
            started = time.perf_counter()
            response = client.get(url)
            timings["ours"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            for name, sql in floors.items():
                started = time.perf_counter()
                floor(sql, params)
                timings[name].append((time.perf_counter() - started) * 1000)
    queries = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries.append(len(captured))
    return {"ranked index": ranked, "timings": timings, "queries": queries}


def measure(client: Client, urls: list[str], rounds: int) -> dict:
    for url in urls:  # warm caches (content types, sites, query plans)
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
    return {"median_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95)}


def build(sessions: int, *, wagtail_indexer: bool) -> None:
    """Replace the benchmark's catalogue with ``sessions`` new ones, indexed."""
    reset(CatalogueIndexPage.objects.filter(slug=BENCH_SLUG).first())
    started = time.perf_counter()
    index = generate(sessions)
    generated = time.perf_counter()
    print(f"generated {sessions} sessions in {generated - started:.1f} s")
    (index_pages_with_wagtail if wagtail_indexer else index_pages)(index)
    print(f"indexed them in {time.perf_counter() - generated:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query set")
    parser.add_argument("--keep", action="store_true", help="measure the catalogue in place")
    parser.add_argument("--wagtail-indexer", action="store_true", help="index with Wagtail")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc d'essai mesure PostgreSQL : définissez DATABASE_URL=postgres://…")

    call_command("migrate", verbosity=0)
    forget_ranked_index()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    # Every request reads the database: no anonymous page cache.
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0
    client = Client()
    autocomplete_urls = [
        f"/api/search/autocomplete/?{urlencode({'q': q})}" for q in AUTOCOMPLETE_QUERIES
    ]
    sizes = [None] if args.keep else args.sizes
    for size in sizes:
        if size is not None:
            build(size, wagtail_indexer=args.wagtail_indexer)
        live = CatalogueItemPage.objects.live().count()
        print(
            f"PostgreSQL {version}, {live} live catalogue items, {args.rounds} rounds, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        result = measure_search(client, args.rounds)
        timings = result["timings"]
        print(
            f"search ({'RUM' if result['ranked index'] else 'GIN'} index), "
            f"{len(timings['ours'])} requests, SQL queries/request "
            f"{min(result['queries'])}–{max(result['queries'])}"
        )
        for label, key in (
            ("ours (counts kept)", "ours"),
            ("ours cold (cache cleared)", "ours, cold"),
        ):
            ours = percentile(timings[key], 0.95)
            for name in ("floor", "rank every match"):
                theirs = percentile(timings[name], 0.95)
                print(
                    f"  {live} sessions: {label} p95 {ours:.1f} ms / {name} p95 {theirs:.1f} ms "
                    f"= {ours / theirs:.2f}  (medians {statistics.median(timings[key]):.1f} / "
                    f"{statistics.median(timings[name]):.1f} ms)"
                )
        auto = measure(client, autocomplete_urls, args.rounds)
        print(f"  autocomplete median {auto['median_ms']:.1f} ms  p95 {auto['p95_ms']:.1f} ms")


if __name__ == "__main__":
    main()
