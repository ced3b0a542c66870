"""The listing's cost does not grow with the catalogue: stored sort keys, an index, a cached count."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from catalogue.models import CatalogueItemPage, SessionOccurrence, viewable_items
from catalogue.queries import ordered
from tests.catalogue.factories import (
    AudienceFactory,
    CatalogueIndexPageFactory,
    PersonFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)
from tests.catalogue.test_api import make_items
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The listing's own queries: a response kept by the page cache would read none."""
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0


def queries_for(client, url):
    body, queries = captured(client, url)
    return body, len(queries)


def captured(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.json(), [query["sql"] for query in queries]


def counts(queries):
    """The statements counting the listing's rows (the cards' seats are counted inside theirs)."""
    return [sql for sql in queries if sql.upper().startswith("SELECT COUNT(")]


def categories():
    return [ThemeFactory(), ThemeFactory()], [AudienceFactory()], [PersonFactory(), PersonFactory()]


def test_a_page_of_the_listing_costs_the_same_whatever_the_catalogue_size(client):
    themes, audiences, people = categories()
    urls = ["/api/catalogue/?limit=20", f"/api/catalogue/?limit=20&theme={themes[0].slug}"]
    make_items(30, themes, audiences, people)
    for url in urls:
        client.get(url)  # site root paths and content types cached, as in production
    small = [queries_for(client, url)[1] for url in urls]
    make_items(60, themes, audiences, people)
    large = []
    for url in urls:
        client.get(url)  # the count of the new catalogue cached, as for the smaller one
        body, count = queries_for(client, url)
        assert body["count"] == 90
        assert len(body["items"]) == 20
        large.append(count)
    assert large == small


def test_the_count_is_cached_for_visitors_and_follows_publishing(client):
    themes, audiences, people = categories()
    make_items(6, themes, audiences, people)
    first, cold = captured(client, "/api/catalogue/?limit=5")
    again, warm = captured(client, "/api/catalogue/?limit=5&offset=5")
    assert first["count"] == again["count"] == 6
    assert counts(cold) and not counts(warm)

    new = SessionPageFactory(parent=CatalogueItemPage.objects.first().get_parent(), live=False)
    new.save_revision().publish()
    assert queries_for(client, "/api/catalogue/?limit=5")[0]["count"] == 7
    new.refresh_from_db()
    new.unpublish()
    assert queries_for(client, "/api/catalogue/?limit=5")[0]["count"] == 6


def test_dates_filters_are_counted_each_time(client):
    themes, audiences, people = categories()
    make_items(3, themes, audiences, people)
    for _ in range(2):
        assert counts(captured(client, "/api/catalogue/?when=upcoming")[1])


def test_publishing_new_dates_moves_the_session_in_the_listing(client):
    soon = SessionPageFactory(title="Bientôt", occurrences=[(in_weeks(1), in_weeks(1, 12))])
    later = SessionPageFactory(
        title="Plus tard",
        parent=soon.get_parent(),
        occurrences=[(in_weeks(3), in_weeks(3, 12))],
    )
    order = [item["id"] for item in client.get("/api/catalogue/?ordering=date").json()["items"]]
    assert order == [soon.pk, later.pk]

    soon.occurrences = [SessionOccurrence(start=in_weeks(5), end=in_weeks(5, 12))]
    soon.save_revision().publish()
    soon.refresh_from_db()
    assert soon.first_start == in_weeks(5)
    order = [item["id"] for item in client.get("/api/catalogue/?ordering=date").json()["items"]]
    assert order == [later.pk, soon.pk]


def test_a_call_is_dated_by_its_first_meeting_and_its_earliest_step():
    call = WorkingGroupCallPageFactory()
    call.refresh_from_db()
    assert call.sort_date == call.first_meeting
    assert call.event_day == min(call.registration_deadline, call.first_meeting)
    assert call.first_start is None and call.last_end is None


@pytest.mark.postgres
@pytest.mark.parametrize(
    "ordering,index", [("-date", "catalogue_item_date_desc"), ("date", "catalogue_item_date")]
)
def test_the_listing_reads_its_first_rows_from_an_index(ordering, index):
    themes, audiences, people = categories()
    make_items(12, themes, audiences, people)
    # A dozen rows would be sorted in memory whatever the indexes: forbid full sorts, and the
    # plan shows whether one can be avoided (an incremental sort only breaks ties on the title).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = ordered(viewable_items(None), ordering)[:50].explain()
    assert f"Index Scan using {index} on catalogue_catalogueitempage" in plan, plan
    assert "Presorted Key: catalogue_catalogueitempage.sort_date" in plan, plan


def member_page(client, index, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(index.url + query)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def test_the_catalogue_page_keeps_its_counts_until_a_session_ends_or_the_content_changes(client):
    client.force_login(UserFactory())  # the page cache never serves a member
    index = CatalogueIndexPageFactory()
    member_page(client, index)  # the site's settings rows written on their first read
    soon = SessionPageFactory(parent=index, occurrences=[(in_weeks(1), in_weeks(1, 12))])
    SessionPageFactory(parent=index, occurrences=[(in_weeks(2), in_weeks(2, 12))])
    SessionPageFactory(parent=index, occurrences=[(in_weeks(-2), in_weeks(-2, 12))])
    first, cold = member_page(client, index)
    again, warm = member_page(client, index)
    assert counts(cold) and not counts(warm)
    assert "3 résultats" in first and "3 résultats" in again

    # Once the soonest session has ended, it is counted with the past ones.
    with time_machine.travel(in_weeks(1, 13), tick=False):
        content, queries = member_page(client, index)
    assert counts(queries)
    assert [soon.title in part for part in content.split('id="passes"')] == [False, True]

    SessionPageFactory(parent=index, occurrences=[(in_weeks(3), in_weeks(3, 12))])
    content, queries = member_page(client, index)
    assert counts(queries) and "4 résultats" in content


@pytest.mark.postgres
def test_the_catalogue_page_reads_its_upcoming_items_from_an_index(client):
    client.force_login(UserFactory())
    index = CatalogueIndexPageFactory()
    for week in range(-6, 6):
        SessionPageFactory(parent=index, occurrences=[(in_weeks(week), in_weeks(week, 12))])
    member_page(client, index)  # the first upcoming day found and kept
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    _, queries = member_page(client, index)
    listing = next(sql for sql in queries if "COALESCE" in sql and " LIMIT " in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {listing}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using catalogue_item_day on catalogue_catalogueitempage" in plan, plan
    assert "Index Cond: (COALESCE(event_day" in plan, plan


def test_the_count_is_cached_for_members_apart_from_what_they_may_not_see(client):
    themes, audiences, people = categories()
    make_items(4, themes, audiences, people)
    hidden = SessionPageFactory(parent=CatalogueItemPage.objects.first().get_parent())
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    assert queries_for(client, "/api/catalogue/?limit=2")[0]["count"] == 4
    client.force_login(UserFactory())
    first, cold = captured(client, "/api/catalogue/?limit=2")
    again, warm = captured(client, "/api/catalogue/?limit=2&offset=2")
    assert first["count"] == again["count"] == 5
    assert counts(cold) and not counts(warm)
