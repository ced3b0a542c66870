"""Searching the catalogue: query cleaning, filters, facet counts, autocomplete.

Shared by the search page and the search API. The full-text match runs once and gives the
ranked ids of every matching live item (at most ``MAX_MATCHES``); the catalogue's filters and
the facet counts are then plain SQL on those ids, whatever the search backend.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone

from ..filters import ITEM_TYPE_LABELS, WHEN_CHOICES, filter_catalogue, item_types
from ..models import (
    Audience,
    CatalogueItemPage,
    RegistrationMode,
    SessionFormat,
    Theme,
    viewable_items,
)

MAX_QUERY_LENGTH = 200  # characters kept from what the visitor typed
MAX_TERMS = 12
MAX_MATCHES = 10_000  # like Elasticsearch's default result window
AUTOCOMPLETE_LIMIT = 8

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

    @property
    def active(self) -> dict:
        return {name: value for name, value in self.as_kwargs().items() if value is not None}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchOutcome:
    query: str
    count: int
    ids: list[int] = field(default_factory=list)  # every result, best first
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
    ranked = _matching_ids(query, request)
    matches = CatalogueItemPage.objects.filter(_among(ranked))

    ids = ranked
    if filters.active:
        narrowed = filter_catalogue(matches, now=now, **filters.as_kwargs())
        kept = set(narrowed.values_list("pk", flat=True))
        ids = [pk for pk in ranked if pk in kept]
    return SearchOutcome(
        query=query, count=len(ids), ids=ids, facets=facet_counts(matches, filters, now=now)
    )


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
    selected = {
        "type": filters.type,
        "format": filters.format,
        "when": filters.when,
        "open": None if filters.open is None else str(filters.open).lower(),
        "cotisation": None if filters.cotisation is None else str(filters.cotisation).lower(),
    }

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
