"""What a search costs: a constant number of statements, facets in one pass, the best matches
read from the ranked index (RUM) on PostgreSQL, and the same answers without it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import RegistrationMode, SessionFormat
from catalogue.search import queries
from catalogue.search.backends import postgres
from catalogue.search.queries import Filters, search_catalogue
from tests.catalogue.factories import (
    AudienceFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def fixed_clock(settings):
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0  # the search's own queries, not the page cache's
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def categories():
    return (
        [ThemeFactory(name="Bénévolat", slug="benevolat"), ThemeFactory(slug="patrimoine")],
        [AudienceFactory(slug="elus"), AudienceFactory(slug="techniciens")],
    )


def make_matches(count, categories):
    """``count`` items of every type about volunteers, with varied filters' values."""
    themes, audiences = categories
    for n in range(count):
        common = {"themes": themes[: 1 + n % 2], "audiences": audiences[n % 2 :]}
        if n % 4 == 3:
            WorkingGroupCallPageFactory(title=f"Groupe bénévoles {n}", **common)
        elif n % 4 == 2:
            ResourceArticlePageFactory(title=f"Enquête bénévoles {n}", **common)
        else:
            SessionPageFactory(
                title=f"Accueillir les bénévoles {n}",
                format=[SessionFormat.ONLINE, SessionFormat.IN_PERSON][n % 2],
                meeting_url_sent_later=n % 2 == 0,
                registration_mode=[RegistrationMode.MEMBERS, RegistrationMode.ACCOUNT][n % 2],
                occurrences=[(in_weeks(n - 3), in_weeks(n - 3, 12))],
                **common,
            )


def statements(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.json(), [query["sql"] for query in captured]


URLS = [
    "/api/search/?q=bénévoles",
    "/api/search/?q=bénévoles&theme=benevolat&format=online&when=upcoming&open=true",
    "/api/search/?q=bénévoles&audience=elus&cotisation=false&limit=5&offset=2",
]
FILTERS = [
    Filters(),
    Filters(theme="benevolat", format="online", when="past", open=False),
    Filters(audience="elus", cotisation=False),
]


def search_statements(filters, *, kept=False):
    """The search's own statements: count, facets and a page of ids (the page's items are
    loaded by ``load_items``, whose cost the listing's tests hold); the counts computed
    afresh unless ``kept`` (then those the shared cache keeps, if any)."""
    if not kept:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        outcome = search_catalogue("bénévoles", filters)
        outcome.ids[0:5]
    return outcome, len(captured)


@pytest.mark.parametrize("filters", FILTERS)
def test_a_search_costs_the_same_statements_whatever_the_number_of_matches(categories, filters):
    make_matches(4, categories)
    search_statements(filters)  # content types, cached once a process
    few, few_statements = search_statements(filters)
    make_matches(16, categories)
    many, many_statements = search_statements(filters)
    assert many.count > few.count > 0
    assert many_statements == few_statements


@pytest.mark.postgres
def test_facets_are_counted_in_one_statement_without_resending_the_matches(client, categories):
    make_matches(8, categories)
    body, sql = statements(client, URLS[1])
    assert body["facets"]["theme"] and body["count"] >= 0
    assert len([s for s in sql if "count(*) FILTER" in s]) == 1, "\n".join(sql)
    assert not [s for s in sql if "unnest" in s], "the matched ids went back to the database"


@pytest.mark.postgres
def test_the_best_matches_are_read_in_order_from_the_ranked_index(categories):
    postgres.forget_ranked_index()
    if not postgres.ranked_index_available(connection):
        pytest.skip("the rum extension is not installed (Debian: postgresql-15-rum)")
    make_matches(8, categories)
    outcome = search_catalogue("bénévoles", Filters(type="session"))
    with CaptureQueriesContext(connection) as captured:
        assert len(outcome.ids[:3]) == 3
    (ranked,) = captured.captured_queries
    # A few rows would be read whole and sorted whatever the indexes: forbid both, and the plan
    # shows whether the index gives the order itself.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {ranked['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {postgres.RANKED_INDEX}" in plan, plan
    assert "Order By: ((title || body) <=>" in plan, plan
    assert "Sort Key" not in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(theme="benevolat", when="upcoming"),
        Filters(type="session", format="online", open=True),
        Filters(audience="elus", cotisation=False, when="past"),
        Filters(open=False, cotisation=True, theme="patrimoine"),
    ],
)
def test_the_database_counts_what_the_generic_path_counts(categories, filters, monkeypatch):
    """The one-pass facets and the ranked ids agree with the per-facet queries over the ids
    that other backends use."""
    make_matches(12, categories)
    fast = search_catalogue("bénévoles", filters)
    monkeypatch.setattr(queries, "_searches_in_database", lambda: False)
    generic = search_catalogue("bénévoles", filters)
    assert fast.count == generic.count
    assert sorted(fast.ids) == sorted(generic.ids)
    assert fast.facets == generic.facets


@pytest.mark.postgres
def test_without_the_ranked_index_search_ranks_its_matches_as_before(categories, monkeypatch):
    make_matches(8, categories)
    SessionPageFactory(title="Bénévoles", lead="Bénévoles, bénévoles.")
    with_index = search_catalogue("bénévoles")
    monkeypatch.setattr(postgres, "ranked_index_available", lambda connection: False)
    without = search_catalogue("bénévoles")
    assert without.count == with_index.count
    assert sorted(without.ids) == sorted(with_index.ids)
    assert without.ids[0] == with_index.ids[0]  # the page about nothing else comes first


@pytest.mark.parametrize("filters", FILTERS)
def test_a_repeated_search_reads_its_counts_from_the_cache(categories, filters):
    make_matches(4, categories)
    search_statements(filters)
    cold, cold_statements = search_statements(filters)
    warm, warm_statements = search_statements(filters, kept=True)
    assert (warm.count, warm.facets) == (cold.count, cold.facets)
    assert warm_statements < cold_statements
    make_matches(16, categories)
    search_statements(filters, kept=True)
    again, again_statements = search_statements(filters, kept=True)
    assert again_statements == warm_statements  # constant in the number of matches
    assert again.count > warm.count


def test_a_change_of_content_gives_fresh_counts_at_once(categories):
    make_matches(4, categories)
    before = search_catalogue("bénévoles")
    assert search_catalogue("bénévoles").count == before.count  # kept
    SessionPageFactory(title="Encore des bénévoles", occurrences=[(in_weeks(2), in_weeks(2, 12))])
    published = search_catalogue("bénévoles")
    assert published.count == before.count + 1
    session = SessionPageFactory(
        title="Bénévoles au complet", capacity=1, occurrences=[(in_weeks(3), in_weeks(3, 12))]
    )
    session.unpublish()
    assert search_catalogue("bénévoles").count == published.count


def test_the_clock_alone_gives_fresh_date_facets(categories):
    SessionPageFactory(
        title="Bénévoles demain",
        occurrences=[(NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=3))],
    )

    def when(outcome):
        return {value.value: value.count for value in outcome.facets["when"]}

    assert when(search_catalogue("bénévoles")) == {"upcoming": 1, "past": 0}
    with time_machine.travel(NOW + dt.timedelta(hours=4), tick=False):
        assert when(search_catalogue("bénévoles")) == {"upcoming": 0, "past": 1}


def test_a_seat_taken_gives_fresh_counts_at_once(categories):
    from catalogue.models import Registration, RegistrationStatus
    from tests.membership.factories import UserFactory

    make_matches(4, categories)
    search_statements(Filters())
    _cold, cold_statements = search_statements(Filters())
    _warm, warm_statements = search_statements(Filters(), kept=True)
    session = SessionPageFactory(title="Bénévoles en place", capacity=3)
    search_statements(Filters(), kept=True)
    Registration.objects.create(
        session=session, user=UserFactory(), status=RegistrationStatus.CONFIRMED, position=0
    )
    _fresh, fresh_statements = search_statements(Filters(), kept=True)
    # counted afresh (the view restrictions, whose own version a seat keeps, are not re-read)
    assert cold_statements >= fresh_statements > warm_statements
    assert search_statements(Filters(), kept=True)[1] == warm_statements
