"""Reads of catalogue items for the API and search: specific pages in a constant number of queries."""

import datetime as dt
import json
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    F,
    Func,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, JSONArray
from django.http import HttpRequest
from wagtail.fields import RichTextField, StreamField

from .models import (
    ApplicationQuestion,
    CatalogueItemPage,
    Registration,
    RegistrationStatus,
    RelatedSession,
    ResourceArticlePage,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    WorkingGroupCallPage,
    viewable_items,
)

ITEM_MODELS: tuple[type[CatalogueItemPage], ...] = (
    SessionPage,
    WorkingGroupCallPage,
    ResourceArticlePage,
)

# Orderings the API accepts, as (name, expressions). "date" is the item's reference day:
# a session's first day, a call's first meeting (else its deadline), an article's date.
ORDERINGS: dict[str, list] = {
    "date": [F("sort_date").asc(nulls_last=True), F("first_start").asc(nulls_last=True), "title"],
    "-date": [
        F("sort_date").desc(nulls_last=True),
        F("first_start").desc(nulls_last=True),
        "title",
    ],
    "title": ["title", "pk"],
    "-title": ["-title", "-pk"],
    "published": [F("first_published_at").asc(nulls_last=True), "pk"],
    "-published": [F("first_published_at").desc(nulls_last=True), "-pk"],
}


def ordered(queryset: QuerySet, ordering: str = "-date") -> QuerySet:
    """Order catalogue items by one of ``ORDERINGS``, on the keys stored on each item."""
    return queryset.order_by(*ORDERINGS[ordering])


def _long_text_fields(model: type[CatalogueItemPage]) -> list[str]:
    """The rich text and stream fields of ``model``: pages only, never cards."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, RichTextField | StreamField)
    ]


def _prefetched(
    model: type[CatalogueItemPage], queryset: QuerySet, *, detail: bool, request
) -> QuerySet:
    if not detail:
        queryset = queryset.defer(*_long_text_fields(model))
    if model is SessionPage:
        queryset = queryset.with_confirmed_count().prefetch_related("occurrences")
    elif model is ResourceArticlePage and not detail:
        queryset = queryset.select_related("author")  # cards name the author
    if detail:
        queryset = queryset.select_related("contact__organisation")
        if model is SessionPage:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "speakers",
                    queryset=SessionSpeaker.objects.select_related("person__organisation"),
                )
            )
        elif model is WorkingGroupCallPage:
            queryset = queryset.prefetch_related(
                Prefetch("questions", queryset=ApplicationQuestion.objects.all())
            )
        elif model is ResourceArticlePage:
            queryset = queryset.select_related("author__organisation").prefetch_related(
                Prefetch(
                    "related_sessions",
                    queryset=RelatedSession.objects.filter(
                        session__in=viewable_items(request, SessionPage.objects.all()).values("pk")
                    )
                    .select_related("session")
                    .prefetch_related("session__occurrences"),
                )
            )
    return queryset


def load_items(
    queryset: QuerySet | Iterable, *, detail: bool = False, request: HttpRequest | None = None
) -> list[CatalogueItemPage]:
    """Return the specific pages of a CatalogueItemPage queryset, in its order, prefetched.

    Costs one query for the ids, one per page type present (with confirmed seats), one each
    for themes and audiences, one for occurrences; with ``detail`` also contact, speakers with
    their person and organisation, questions, author and related sessions — whatever the
    number of items. An article's related sessions are those ``request`` may view.
    A slice of the queryset (``qs[offset:offset + limit]``) is honoured.
    """
    rows = list(queryset.values_list("pk", "content_type_id"))
    models = {ContentType.objects.get_for_model(model).pk: model for model in ITEM_MODELS}
    pks_by_model: dict[type[CatalogueItemPage], list[int]] = {}
    for pk, content_type_id in rows:
        model = models.get(content_type_id)
        if model is not None:
            pks_by_model.setdefault(model, []).append(pk)
    pages: dict[int, CatalogueItemPage] = {}
    for model, pks in pks_by_model.items():
        specific = _prefetched(
            model, model.objects.filter(pk__in=pks), detail=detail, request=request
        )
        pages.update((page.pk, page) for page in specific)
    items = [pages[pk] for pk, _ in rows if pk in pages]
    # Themes and audiences live on the shared parent table: one query each for every type.
    prefetch_related_objects(items, "themes", "audiences")
    return items


# --------------------------------------------------------------------------- listing rows

# What a listing card shows, read as columns: the shared item's, then each type's own.
CARD_COLUMNS = (
    "pk",
    "content_type_id",
    "title",
    "url_path",
    "lead",
    "registration_mode",
    "registration_url",
    "registration_opens_at",
    "registration_deadline",
    "fee_note",
    "first_published_at",
    "sessionpage__kind",
    "sessionpage__format",
    "sessionpage__venue_name",
    "sessionpage__venue_town",
    "sessionpage__capacity",
    "sessionpage__attendance_mode",
    "workinggroupcallpage__first_meeting",
    "workinggroupcallpage__meeting_place",
    "resourcearticlepage__date",
)


class JSONArrayAgg(Aggregate):
    """The rows' values as one JSON array in the order of ``ordering``: PostgreSQL's
    ``json_agg(… ORDER BY …)``; SQLite's ``json_group_array``, which takes no order (its rows
    are sorted in Python, as SQLite compares text: by code points)."""

    function = "JSON_AGG"
    arg_joiner = " ORDER BY "
    output_field = TextField()

    def __init__(self, value, *ordering):
        order = Func(*ordering, template="%(expressions)s", output_field=TextField())
        super().__init__(value, order)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"JSON_GROUP_ARRAY({sql})", params


def _json_list(queryset: QuerySet, link: str, values: list[str], ordering: list[str]) -> Subquery:
    """One item's rows of ``queryset`` (``link`` naming the item) as a JSON array of arrays."""
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONArrayAgg(JSONArray(*values), *ordering))
        .values("rows")
    )


def listing_rows(queryset: QuerySet, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """The cards of ``queryset[offset:offset + limit]`` as rows, in its order, without building
    pages, in one query: the cards' columns with their confirmed seats, the sessions' dates,
    the themes and the audiences, each list aggregated in the item's row.

    Each row has ``CARD_COLUMNS`` plus ``model`` (the item's page model), ``confirmed_count``,
    ``occurrences`` (``(id, start, end, label)`` in time order), ``themes`` and ``audiences``
    (``(slug, name)`` by name). Items of other page types are left out, as in ``load_items``.
    """
    models = {ContentType.objects.get_for_model(model).pk: model for model in ITEM_MODELS}
    confirmed = (
        Registration.objects.filter(session_id=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ThemeLink = CatalogueItemPage.themes.through
    AudienceLink = CatalogueItemPage.audiences.through
    rows = queryset.annotate(
        confirmed_count=Coalesce(Subquery(confirmed), 0),
        occurrence_list=_json_list(
            SessionOccurrence.objects,
            "session_id",
            ["pk", "start", "end", "label", "sort_order"],
            ["start", "sort_order", "pk"],
        ),
        theme_list=_json_list(
            ThemeLink.objects,
            "catalogueitempage_id",
            ["theme__slug", "theme__name"],
            ["theme__name", "theme__slug"],
        ),
        audience_list=_json_list(
            AudienceLink.objects,
            "catalogueitempage_id",
            ["audience__slug", "audience__name"],
            ["audience__name", "audience__slug"],
        ),
    ).values(*CARD_COLUMNS, "confirmed_count", "occurrence_list", "theme_list", "audience_list")
    end = None if limit is None else offset + limit
    rows = [row for row in rows[offset:end] if row["content_type_id"] in models]
    unsorted = connections[queryset.db].vendor == "sqlite"
    for row in rows:
        row["model"] = models[row["content_type_id"]]
        occurrences = [
            (pk, _moment(start), _moment(end), label, order)
            for pk, start, end, label, order in _loads(row.pop("occurrence_list"))
        ]
        if unsorted:
            occurrences.sort(key=lambda o: (o[1], o[4], o[0]))
        row["occurrences"] = [o[:4] for o in occurrences]
        for name in ("themes", "audiences"):
            pairs = [tuple(pair) for pair in _loads(row.pop(name[:-1] + "_list"))]
            row[name] = sorted(pairs, key=lambda pair: (pair[1], pair[0])) if unsorted else pairs
    return rows


def _loads(value: str | list | None) -> list:
    # PostgreSQL's driver decodes JSON itself; SQLite's gives its text.
    return json.loads(value) if isinstance(value, str) else value or []


def _moment(value: str) -> dt.datetime:
    """A date and time from JSON, as PostgreSQL (ISO 8601 with an offset) or SQLite (UTC,
    space-separated) writes it."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
