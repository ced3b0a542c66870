"""Searching the catalogue: query cleaning, filters, facet counts, autocomplete.

Shared by the search page and the search API. On PostgreSQL with the portal's backend, the
database does it all: one statement counts the results and every facet value over the matches,
another reads the page of ranked ids from the index (``_search_in_database``). With another
backend (SQLite, a search server), the full-text match gives the ranked ids of every matching
live item (at most ``MAX_MATCHES``) and the filters and facet counts are plain SQL on those ids.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend

from ..cache import is_anonymous, versioned_key
from ..filters import ITEM_TYPE_LABELS, WHEN_CHOICES, filter_catalogue, item_types
from ..models import (
    Audience,
    CatalogueItemPage,
    RegistrationMode,
    SessionFormat,
    SessionOccurrence,
    Theme,
    viewable_items,
)

MAX_QUERY_LENGTH = 200  # characters kept from what the visitor typed
MAX_TERMS = 12
MAX_MATCHES = 10_000  # like Elasticsearch's default result window
AUTOCOMPLETE_LIMIT = 8
COUNTS_CACHE_SECONDS = 24 * 3600  # at most; less when a match's dates change its facets sooner

# Words too common to narrow anything; PostgreSQL's French configuration drops them too, SQLite
# (and an AND query) would otherwise demand them in every result.
STOP_WORDS = frozenset(
    [
        "a",
        "à",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "ils",
        "j",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "m",
        "ma",
        "mes",
        "n",
        "ne",
        "nos",
        "notre",
        "on",
        "ou",
        "où",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "un",
        "une",
        "vos",
        "votre",
        "y",
    ]
)
WORD = re.compile(r"\w+", re.UNICODE)

FILTER_NAMES = ("type", "theme", "audience", "format", "when", "open", "cotisation")


def clean_query(raw: str | None, *, keep_last: bool = False) -> str:
    """Words of a visitor's query, without punctuation, operators or common words.

    Everything that is not a letter or a digit separates words, so quotes, SQL or HTML
    fragments can never reach the search syntax. ``keep_last`` keeps the last word even if
    common (autocomplete: the visitor may still be typing it).
    """
    text = unicodedata.normalize("NFC", (raw or "")[:MAX_QUERY_LENGTH]).lower()
    words = [word for word in WORD.findall(text) if word != "_"][:MAX_TERMS]
    kept = [word for word in words if word not in STOP_WORDS]
    if keep_last and words and words[-1] in STOP_WORDS:
        kept.append(words[-1])
    return " ".join(kept)


@dataclass(frozen=True)
class Filters:
    """Validated filter values, as ``catalogue.filters.filter_catalogue`` takes them."""

    type: str | None = None
    theme: str | None = None
    audience: str | None = None
    format: str | None = None
    when: str | None = None
    open: bool | None = None
    cotisation: bool | None = None

    def as_kwargs(self, *, without: str | None = None) -> dict:
        return {name: getattr(self, name) for name in FILTER_NAMES if name != without}

    def facet_values(self) -> dict[str, str | None]:
        """The value each facet with fixed values has selected, as the facets spell it."""
        return {
            "type": self.type,
            "format": self.format,
            "when": self.when,
            "open": None if self.open is None else str(self.open).lower(),
            "cotisation": None if self.cotisation is None else str(self.cotisation).lower(),
        }

    @property
    def active(self) -> dict:
        return {name: value for name, value in self.as_kwargs().items() if value is not None}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


class RankedIds(Sequence):
    """Every result's id, best first, read a slice at a time: ``ids[20:40]`` is one query."""

    def __init__(self, count: int, read: Callable[[int, int], list[int]]):
        self._count, self._read = count, read

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return iter(self[:])

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, list | tuple | Sequence) else False

    __hash__ = None

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                raise ValueError("step not supported")
            return self._read(start, stop - start) if stop > start else []
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._read(index % self._count, 1)[0]


@dataclass
class SearchOutcome:
    query: str
    count: int
    ids: Sequence[int] = field(default_factory=list)  # every result, best first
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def _matching_ids(query: str, request: HttpRequest | None) -> list[int]:
    """Ids of live catalogue items the request may view matching the words, best first."""
    items = viewable_items(request)
    results = items.search(query, operator="and", order_by_relevance=True)[:MAX_MATCHES]
    if hasattr(results, "get_queryset"):
        # Database backends: the ranked ids straight from SQL, without building thousands of pages.
        return list(results.get_queryset().values_list("pk", flat=True))
    return [page.pk for page in results]


def _among(ids: list[int]) -> Q:
    """``pk__in=ids``; on PostgreSQL as one array parameter, not thousands of them."""
    if ids and connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::integer[])", (ids,)))
    return Q(pk__in=ids)


def search_catalogue(
    raw_query: str,
    filters: Filters | None = None,
    *,
    now=None,
    request: HttpRequest | None = None,
) -> SearchOutcome:
    """Rank the catalogue's live items ``request`` may view (None: anyone) for ``raw_query``,
    narrow them, count the facets."""
    filters = filters or Filters()
    now = now or timezone.now()
    query = clean_query(raw_query)
    if not query:
        return SearchOutcome(query="", count=0)
    if _searches_in_database():
        return _search_in_database(query, filters, now=now, request=request)
    ranked = _matching_ids(query, request)
    matches = CatalogueItemPage.objects.filter(_among(ranked))

    ids = ranked
    if filters.active:
        narrowed = filter_catalogue(matches, now=now, **filters.as_kwargs())
        kept = set(narrowed.values_list("pk", flat=True))
        ids = [pk for pk in ranked if pk in kept]
    facets = kept_counts(
        ("generic", query, filters),
        request,
        lambda: (0, facet_counts(matches, filters, now=now), next_change(matches, now=now)),
        now=now,
    )[1]
    return SearchOutcome(query=query, count=len(ids), ids=ids, facets=facets)


def next_change(matches: QuerySet, *, now) -> dt.datetime:
    """The first moment after ``now`` at which the clock alone may change what the filters on
    dates (``when``, ``open``) say of one of ``matches``: a date of a session starting or
    ending, a registration opening, or the next local midnight (deadlines, meetings are days)."""
    midnight = dt.datetime.combine(
        timezone.localdate(now) + dt.timedelta(days=1),
        dt.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    sessions = SessionOccurrence.objects.filter(session_id__in=matches.values("pk"))
    moments = [
        midnight,
        sessions.filter(start__gt=now).aggregate(m=Min("start"))["m"],
        sessions.filter(end__gt=now).aggregate(m=Min("end"))["m"],
        matches.filter(registration_opens_at__gt=now).aggregate(m=Min("registration_opens_at"))[
            "m"
        ],
    ]
    return min(moment for moment in moments if moment is not None)


def kept_counts(
    parts: tuple, request: HttpRequest | None, compute: Callable[[], tuple], *, now
) -> tuple:
    """``(total, facets)`` of a search, kept in the shared cache for the content version (any
    visible change gives fresh counts at once) until the clock may change them
    (``compute()`` gives ``(total, facets, next_change)``). Only what anyone sees is kept: a
    signed-in person's counts, which may include restricted pages, are computed each time."""
    if request is not None and not is_anonymous(request):
        total, facets, _until = compute()
        return total, facets
    key = versioned_key("search-counts", *parts)
    kept = cache.get(key)
    if kept is not None:
        return kept
    total, facets, until = compute()
    timeout = min(int((until - now).total_seconds()), COUNTS_CACHE_SECONDS)
    if timeout >= 1:
        cache.set(key, (total, facets), timeout)
    return total, facets


def facet_counts(matches: QuerySet, filters: Filters, *, now) -> dict[str, list[FacetValue]]:
    """How many results each filter value would give, the other active filters applied.

    One query per filter whose own value is set, plus one shared by all the others
    (and one each for themes and audiences, counted by grouping).
    """

    def base(without: str) -> QuerySet:
        narrowed = filter_catalogue(matches, now=now, **filters.as_kwargs(without=without))
        return CatalogueItemPage.objects.filter(pk__in=narrowed.values("pk"))

    matched = matches  # the period and registration subqueries need only look at the matches
    content_types = ContentType.objects.get_for_models(*item_types().values())
    conditions: dict[str, list[tuple[str, str, Q]]] = {
        "type": [
            (name, ITEM_TYPE_LABELS[name], Q(content_type=content_types[model]))
            for name, model in item_types().items()
        ],
        "format": [
            (value, label, Q(sessionpage__format=value)) for value, label in SessionFormat.choices
        ],
        "when": [
            (
                "upcoming",
                dict(WHEN_CHOICES)["upcoming"],
                Q(pk__in=matched.upcoming(now).values("pk")),
            ),
            ("past", dict(WHEN_CHOICES)["past"], Q(pk__in=matched.past(now).values("pk"))),
        ],
        "open": [
            (
                "true",
                "Inscriptions ouvertes",
                Q(pk__in=matched.open_for_registration(now).values("pk")),
            )
        ],
        "cotisation": [
            ("true", "Réservé aux adhérents", Q(registration_mode=RegistrationMode.MEMBERS)),
            ("false", "Sans cotisation", ~Q(registration_mode=RegistrationMode.MEMBERS)),
        ],
    }
    selected = filters.facet_values()

    facets: dict[str, list[FacetValue]] = {}
    # Filters without a value of their own share one base: count them in one query.
    shared = [name for name in conditions if getattr(filters, name) is None]
    groups = [shared] + [[name] for name in conditions if name not in shared]
    for names in groups:
        if not names:
            continue
        queryset = base(without=names[0]) if len(names) == 1 else base(without="")
        aggregates = {
            f"{name}__{index}": Count("pk", filter=condition, distinct=True)
            for name in names
            for index, (_value, _label, condition) in enumerate(conditions[name])
        }
        counts = queryset.aggregate(**aggregates)
        for name in names:
            facets[name] = [
                FacetValue(value, label, counts[f"{name}__{index}"], selected[name] == value)
                for index, (value, label, _condition) in enumerate(conditions[name])
            ]

    for name, model, relation in (("theme", Theme, "themes"), ("audience", Audience, "audiences")):
        rows = (
            base(without=name)
            .filter(**{f"{relation}__isnull": False})
            .values(f"{relation}__slug")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        counts = {row[f"{relation}__slug"]: row["n"] for row in rows}
        facets[name] = [
            FacetValue(slug, label, counts.get(slug, 0), getattr(filters, name) == slug)
            for slug, label in model.objects.values_list("slug", "name")
        ]
    return {name: facets[name] for name in FILTER_NAMES}


def _searches_in_database() -> bool:
    if connection.vendor != "postgresql":
        return False
    from .backends.postgres import FrenchPostgresSearchBackend

    return isinstance(get_search_backend(), FrenchPostgresSearchBackend)


def _search_in_database(
    query: str, filters: Filters, *, now, request: HttpRequest | None
) -> SearchOutcome:
    """Count, facets and ranked ids of a search on PostgreSQL, in two statements.

    The facet statement reads the matches once, with one boolean or value per filter, and
    counts every facet value in one pass (``count(*) FILTER``), themes and audiences grouped
    over their link tables; the ids are then read a page at a time in ranking order, from the
    RUM index when there is one (``backends/postgres.py``).
    """
    from .backends.postgres import match_sql

    backend = get_search_backend()
    matches, ranking, match_params = match_sql(backend.config, query)
    ranking_params = match_params * ranking.count("plainto_tsquery")
    content_types = list(get_descendants_content_types_pks(CatalogueItemPage))
    # ``+ 0``: the content type is checked on the rows the text index finds, never read from
    # its own index (which would make PostgreSQL check every entry's vectors instead).
    # The total and the facets are exact up to ``MAX_MATCHES`` matches and stop there, as a
    # search server's total does: a common word of a large catalogue does not make every
    # search read all its matches' rows.
    matched_ids = (
        "SELECT e.object_id::integer FROM wagtailsearch_indexentry e "  # noqa: S608
        f"WHERE e.content_type_id + 0 = ANY(%s) AND {matches} LIMIT %s"
    )
    items = viewable_items(request)

    def compute() -> tuple:
        # One row per match with what each filter looks at.
        anyone = CatalogueItemPage.objects.all()
        flags = {
            "ct": F("content_type_id"),
            "fmt": F("sessionpage__format"),
            "members": Q(registration_mode=RegistrationMode.MEMBERS),
            "upcoming": anyone._upcoming_q(now),
            "past": anyone._past_q(now),
            "open": anyone._open_q(now),
        }
        through = {
            "theme": CatalogueItemPage.themes.through,
            "audience": CatalogueItemPage.audiences.through,
        }
        for name, model in through.items():
            if getattr(filters, name):
                links = model.objects.filter(**{f"{name}__slug": getattr(filters, name)})
                flags[f"in_{name}"] = Q(pk__in=links.values("catalogueitempage_id"))
        rows = (
            items.filter(pk__in=RawSQL(matched_ids, (content_types, *match_params, MAX_MATCHES)))
            .annotate(
                **{
                    key: ExpressionWrapper(value, output_field=BooleanField())
                    if isinstance(value, Q)
                    else value
                    for key, value in flags.items()
                }
            )
            .values("pk", *flags)
            .order_by()
        )
        rows_sql, rows_params = rows.query.sql_with_params()

        item_types_ct = ContentType.objects.get_for_models(*item_types().values())
        type_ct = {name: item_types_ct[model].pk for name, model in item_types().items()}
        # The SQL condition of each active filter, on the columns above.
        active: dict[str, tuple[str, list]] = {}
        if filters.type:
            active["type"] = ("m.ct = %s", [type_ct[filters.type]])
        for name in ("theme", "audience"):
            if getattr(filters, name):
                active[name] = (f"m.in_{name} IS TRUE", [])
        if filters.format:
            active["format"] = ("m.fmt = %s", [filters.format])
        if filters.when in ("upcoming", "past"):
            active["when"] = (f"m.{filters.when} IS TRUE", [])
        if filters.open is not None:
            active["open"] = ("m.open IS TRUE" if filters.open else "m.open IS NOT TRUE", [])
        if filters.cotisation is not None:
            active["cotisation"] = (
                "m.members IS TRUE" if filters.cotisation else "m.members IS NOT TRUE",
                [],
            )

        def where(without: str | None, condition: str = "TRUE", params=()) -> tuple[str, list]:
            parts = [sql for name, (sql, _p) in active.items() if name != without]
            values = [v for name, (_s, p) in active.items() if name != without for v in p]
            return " AND ".join([*parts, condition]), [*values, *params]

        conditions: dict[str, list[tuple[str, str, str, list]]] = {
            "type": [
                (name, ITEM_TYPE_LABELS[name], "m.ct = %s", [type_ct[name]])
                for name in item_types()
            ],
            "format": [
                (value, label, "m.fmt = %s", [value]) for value, label in SessionFormat.choices
            ],
            "when": [(value, label, f"m.{value} IS TRUE", []) for value, label in WHEN_CHOICES],
            "open": [("true", "Inscriptions ouvertes", "m.open IS TRUE", [])],
            "cotisation": [
                ("true", "Réservé aux adhérents", "m.members IS TRUE", []),
                ("false", "Sans cotisation", "m.members IS NOT TRUE", []),
            ],
        }
        counts_sql, counts_params = [], []
        total, total_params = where(None)
        counts_sql.append(f"count(*) FILTER (WHERE {total})")
        counts_params += total_params
        for name, values in conditions.items():
            for _value, _label, condition, params in values:
                sql, sql_params = where(name, condition, params)
                counts_sql.append(f"count(*) FILTER (WHERE {sql})")
                counts_params += sql_params
        statement = [
            f"WITH m(id, {', '.join(flags)}) AS ({rows_sql}) "
            f"SELECT NULL, NULL, ARRAY[{', '.join(counts_sql)}] FROM m"
        ]
        params = [*rows_params, *counts_params]
        for name, model in through.items():
            column = f"{name}_id"
            sql, sql_params = where(name)
            statement.append(
                f"SELECT '{name}', l.{column}, ARRAY[count(*)] FROM m "  # noqa: S608
                f"JOIN {model._meta.db_table} l ON l.catalogueitempage_id = m.id "
                f"WHERE {sql} GROUP BY l.{column}"
            )
            params += sql_params
        # PostgreSQL does not count the cost of reading each row's vectors back from TOAST: for a
        # common word it would check every entry's vectors (a sequential scan) rather than take
        # the matches from the text index. Only for this statement.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(" UNION ALL ".join(statement), params)
            results = cursor.fetchall()
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")

        scalar = next(counts for facet, _value, counts in results if facet is None)
        grouped = {(facet, value): counts[0] for facet, value, counts in results if facet}
        selected = filters.facet_values()
        facets: dict[str, list[FacetValue]] = {}
        position = 1
        for name, values in conditions.items():
            facets[name] = []
            for value, label, _condition, _params in values:
                facets[name].append(
                    FacetValue(value, label, scalar[position], selected[name] == value)
                )
                position += 1
        for name, model in (("theme", Theme), ("audience", Audience)):
            facets[name] = [
                FacetValue(slug, label, grouped.get((name, pk), 0), getattr(filters, name) == slug)
                for pk, slug, label in model.objects.values_list("pk", "slug", "name")
            ]
        matched = CatalogueItemPage.objects.filter(
            pk__in=RawSQL(matched_ids, (content_types, *match_params, MAX_MATCHES))
        )
        return scalar[0], facets, next_change(matched, now=now)

    total, facets = kept_counts(("database", query, filters), request, compute, now=now)

    narrowed = filter_catalogue(items, now=now, **filters.as_kwargs()).values("pk").order_by()
    narrowed_sql, narrowed_params = narrowed.query.sql_with_params()

    def read(offset: int, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.object_id::integer "  # noqa: S608
                "FROM wagtailsearch_indexentry e WHERE e.content_type_id + 0 = ANY(%s) "
                f"AND {matches} AND e.object_id::integer IN ({narrowed_sql}) "
                f"ORDER BY {ranking} LIMIT %s OFFSET %s",
                [content_types, *match_params, *narrowed_params, *ranking_params, limit, offset],
            )
            return [pk for (pk,) in cursor.fetchall()]

    return SearchOutcome(
        query=query,
        count=total,
        ids=RankedIds(total, read),
        facets={name: facets[name] for name in FILTER_NAMES},
    )


def autocomplete_catalogue(
    raw_query: str, *, limit: int = AUTOCOMPLETE_LIMIT, request: HttpRequest | None = None
) -> list:
    """Live items ``request`` may view whose title starts words with what the visitor typed,
    best first."""
    query = clean_query(raw_query, keep_last=True)
    if not query:
        return []
    results = viewable_items(request).specific().autocomplete(query, operator="and")
    return list(results[:limit])
