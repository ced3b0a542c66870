"""Reads of catalogue items for the API and search: specific pages in a constant number of queries."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce, Least, TruncDate
from django.http import HttpRequest

from .models import (
    ApplicationQuestion,
    CatalogueItemPage,
    Registration,
    RelatedSession,
    ResourceArticlePage,
    SessionPage,
    SessionSpeaker,
    WorkingGroupCallPage,
)
from .page_access import viewable

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


def viewable_items(request: HttpRequest | None, queryset: QuerySet | None = None) -> QuerySet:
    """Live catalogue items the person making ``request`` may view (None: anyone)."""
    queryset = CatalogueItemPage.objects.all() if queryset is None else queryset
    return viewable(queryset.live(), request)


def public_items(queryset: QuerySet | None = None) -> QuerySet:
    """Live catalogue items anyone may view (no view restriction)."""
    return viewable_items(None, queryset)


def ordered(queryset: QuerySet, ordering: str = "-date") -> QuerySet:
    """Order catalogue items by one of ``ORDERINGS``.

    The filtered queryset becomes a ``pk__in`` subquery so that joins made by filters
    (themes, audiences) never duplicate rows nor clash with ``DISTINCT``.
    """
    items = CatalogueItemPage.objects.filter(pk__in=queryset.values("pk")).with_dates()
    items = items.annotate(
        sort_date=Coalesce(
            TruncDate("first_start"),
            F("workinggroupcallpage__first_meeting"),
            F("workinggroupcallpage__registration_deadline"),
            F("resourcearticlepage__date"),
        )
    )
    return items.order_by(*ORDERINGS[ordering])


def _prefetched(
    model: type[CatalogueItemPage], queryset: QuerySet, *, detail: bool, request
) -> QuerySet:
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


# --------------------------------------------------------------------------- the catalogue page


def _event_day():
    """The day the catalogue page dates an item by: a session's first day (Paris), the earlier of
    a call's deadline and first meeting (what a visitor must act on first), an article's date."""
    deadline = F("workinggroupcallpage__registration_deadline")
    first_meeting = F("workinggroupcallpage__first_meeting")
    return Coalesce(
        TruncDate("first_start"),
        # SQLite's MIN() is NULL as soon as one argument is: give each side the other as fallback.
        Least(Coalesce(deadline, first_meeting), Coalesce(first_meeting, deadline)),
        F("resourcearticlepage__date"),
    )


def by_event_day(queryset: QuerySet, *, latest_first: bool = False) -> QuerySet:
    """Order items by their event day, then start time, then id; undated items last.

    Ties end on the id, never on the title, so SQLite and PostgreSQL (whose collations sort
    accents and capitals differently) give the same order.
    """
    items = CatalogueItemPage.objects.filter(pk__in=queryset.values("pk")).with_dates()
    items = items.annotate(event_day=_event_day())
    if latest_first:
        return items.order_by(
            F("event_day").desc(nulls_last=True), F("first_start").desc(nulls_last=True), "-pk"
        )
    return items.order_by(
        F("event_day").asc(nulls_last=True), F("first_start").asc(nulls_last=True), "pk"
    )


def catalogue_sections(queryset: QuerySet, *, now=None) -> dict[str, QuerySet]:
    """Split items into the catalogue page's sections, each in reading order: ``upcoming``
    (sessions and calls not over, soonest first), ``resources`` (articles, newest first) and
    ``past`` (sessions and calls over, latest first). Every item falls in exactly one."""
    past = queryset.past(now)
    return {
        "upcoming": by_event_day(
            queryset.not_type(ResourceArticlePage).exclude(pk__in=past.values("pk"))
        ),
        "resources": by_event_day(queryset.type(ResourceArticlePage), latest_first=True),
        "past": by_event_day(past, latest_first=True),
    }


def prefetch_cards(items: Iterable[CatalogueItemPage]) -> list[CatalogueItemPage]:
    """The items as a list, with session dates, seats and authors fetched once for all cards."""
    items = list(items)
    sessions = [item for item in items if isinstance(item, SessionPage)]
    prefetch_related_objects(sessions, "occurrences")
    prefetch_related_objects([i for i in items if isinstance(i, ResourceArticlePage)], "author")
    uncounted = [s for s in sessions if "confirmed_count" not in s.__dict__]
    if uncounted:
        counts = dict(
            Registration.objects.confirmed()
            .filter(session__in=uncounted)
            .values_list("session_id")
            .annotate(n=Count("pk"))
        )
        for session in uncounted:
            # Fills the cached property, so seats_left() asks no more queries.
            session.confirmed_count = counts.get(session.pk, 0)
    return items


def load_cards(listings: dict[str, Iterable[int]]) -> dict[str, list[CatalogueItemPage]]:
    """The specific pages of several lists of ids, in their order, ready for their cards.

    The lists are fetched together: the cost depends on the page types present, not on how
    many items or lists there are.
    """
    ids = {name: list(pks) for name, pks in listings.items()}
    every_id = [pk for pks in ids.values() for pk in pks]
    pages = CatalogueItemPage.objects.filter(pk__in=every_id).specific(defer=False)
    by_pk = {page.pk: page for page in prefetch_cards(pages)}
    return {name: [by_pk[pk] for pk in pks if pk in by_pk] for name, pks in ids.items()}
