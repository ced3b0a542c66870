"""Which reads the replica router sends to the replica (``portal/db_router.py``).

Its run against a real primary and streaming replica is in ``tests/scaleout/test_replica.py``;
these state the rules on their own, without a replica.
"""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from catalogue.models import Registration, SessionPage, Theme
from membership.models import Cotisation
from portal import db_router
from portal.db_router import PIN_COOKIE, ReplicaMiddleware, ReplicaRouter, RequestState

router = ReplicaRouter()


@pytest.fixture
def in_request():
    """A request that may use the replica, the replica answering."""
    state = RequestState(may_use_replica=True, replica_ok=True)
    token = db_router._request.set(state)
    yield state
    db_router._request.reset(token)


def test_public_content_read_in_a_request_goes_to_the_replica(in_request):
    assert router.db_for_read(SessionPage) == "replica"
    assert router.db_for_read(Theme) == "replica"


def test_a_members_data_is_always_read_from_the_primary(in_request):
    assert router.db_for_read(Registration) == "default"
    assert router.db_for_read(Cotisation) == "default"
    assert router.db_for_read(get_user_model()) == "default"


def test_after_a_write_the_rest_of_the_request_reads_from_the_primary(in_request):
    assert router.db_for_write(Registration) == "default"
    assert router.db_for_read(SessionPage) == "default"
    assert in_request.wrote


def test_the_database_caches_writes_do_not_pin_the_request(in_request):
    class CacheEntry:  # what Django's DatabaseCache hands the router
        class _meta:
            app_label, model_name = "django_cache", "cacheentry"

    router.db_for_write(CacheEntry)
    assert router.db_for_read(CacheEntry) == "default"
    assert router.db_for_read(SessionPage) == "replica"


def test_a_replica_that_did_not_answer_is_not_used(in_request):
    in_request.replica_ok = False
    assert router.db_for_read(SessionPage) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(in_request):
    # The test runs inside a transaction (pytest-django's), as a service's reads inside atomic().
    assert router.db_for_read(SessionPage) == "default"


def test_outside_requests_everything_reads_from_the_primary():
    # Task workers and management commands: no request, no replica.
    assert router.db_for_read(SessionPage) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "catalogue")
    assert not router.allow_migrate("replica", "catalogue")


def middleware_run(request):
    seen = {}

    def view(request):
        seen["state"] = db_router._request.get()
        if request.method == "POST":
            router.db_for_write(Registration)
        return HttpResponse("ok")

    response = ReplicaMiddleware(view)(request)
    return seen["state"], response


def test_a_get_may_use_the_replica_and_pins_nobody():
    state, response = middleware_run(RequestFactory().get("/catalogue/"))
    assert state.may_use_replica
    assert PIN_COOKIE not in response.cookies
    assert db_router._request.get() is None  # nothing left for the next request


@pytest.mark.django_db  # a request that wrote records the primary's position (PostgreSQL)
def test_a_post_pins_the_browser_to_the_primary_for_a_few_seconds():
    state, response = middleware_run(RequestFactory().post("/inscription/"))
    assert not state.may_use_replica
    cookie = response.cookies[PIN_COOKIE]
    assert 0 < int(cookie["max-age"]) <= 60
    assert cookie["httponly"]

    # The next requests of that browser read from the primary.
    request = RequestFactory().get("/catalogue/")
    request.COOKIES[PIN_COOKIE] = cookie.value
    state, _ = middleware_run(request)
    assert not state.may_use_replica


@pytest.mark.django_db
def test_a_get_that_wrote_pins_the_browser_too():
    def view(request):
        router.db_for_write(Registration)
        return HttpResponse("ok")

    response = ReplicaMiddleware(view)(RequestFactory().get("/catalogue/"))
    assert PIN_COOKIE in response.cookies


@pytest.mark.django_db
def test_a_response_a_cdn_may_share_carries_no_pin():
    def view(request):
        router.db_for_write(Registration)  # say, the first rendition of an image on the page
        response = HttpResponse("ok")
        response["Cache-Control"] = "public, max-age=0, s-maxage=60"
        return response

    response = ReplicaMiddleware(view)(RequestFactory().get("/catalogue/"))
    assert PIN_COOKIE not in response.cookies


def test_the_admin_always_reads_from_the_primary():
    state, _ = middleware_run(RequestFactory().get("/admin/pages/"))
    assert not state.may_use_replica
