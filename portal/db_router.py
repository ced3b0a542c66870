"""Reads of public content from a PostgreSQL streaming replica, everything else from the primary.

Enabled by ``DATABASE_REPLICA_URL`` (the ``replica`` alias, see ``portal/settings/base.py``). A
query goes to the replica only when all of these hold:

- it reads public content (pages, their snippets, images, documents, tags: ``PUBLIC_CONTENT``),
  never a member's data (accounts, cotisations, registrations…), which people expect to see as
  they just left it;
- it runs inside a web request that ``ReplicaMiddleware`` let use the replica: a GET or HEAD,
  outside the admin, from a browser that has not written in the last ``PIN_SECONDS`` (a POST,
  or any request that wrote, sets a short cookie that sends that person's reads to the primary,
  so they see what they just wrote whatever the replica's lag);
- nothing was written earlier in the request, and no transaction is open on the primary (a read
  inside ``atomic()`` must see the transaction's own writes);
- the replica answers: checked once per request with a short connection timeout; when it does
  not, it is left alone for ``RETRY_SECONDS`` and every read goes to the primary meanwhile;
- the replica has replayed the last write made through the portal (its *fence*: the primary's
  WAL position after each writing transaction, kept in the shared cache). Otherwise a visitor
  right after a seat was taken would read the seat as free, and the page cache, whose version
  that write just changed, would keep it so.

Task workers and management commands never read from the replica: they run outside requests.
"""

from __future__ import annotations

import logging
import time
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.http import HttpRequest, HttpResponse
from wagtail.models import Page

REPLICA = "replica"
# A browser that wrote reads from the primary this long (the replica's lag is far below it).
PIN_COOKIE = "portail_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FENCE_KEY = "portail:replica:fence"
# Models read from the replica (besides every page type), as ``app_label.model_name``.
PUBLIC_CONTENT = frozenset(
    {
        "contenttypes.contenttype",
        "wagtailcore.site",
        "wagtailcore.pageviewrestriction",
        "wagtailcore.locale",
        "wagtailcore.collection",
        "wagtailimages.image",
        "wagtailimages.rendition",
        "wagtaildocs.document",
        "taggit.tag",
        "taggit.taggeditem",
        "catalogue.theme",
        "catalogue.audience",
        "catalogue.organisation",
        "catalogue.person",
        "catalogue.sessionoccurrence",
        "catalogue.sessionspeaker",
        "catalogue.applicationquestion",
        "catalogue.relatedsession",
    }
)

logger = logging.getLogger(__name__)


@dataclass
class RequestState:
    """What the router knows of the current request."""

    may_use_replica: bool
    wrote: bool = False
    replica_ok: bool | None = None  # checked at the first read that could go there


_request: ContextVar[RequestState | None] = ContextVar("portail_replica_request", default=None)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, f"PORTAIL_REPLICA_{name}", default))


def is_public_content(model) -> bool:
    # The database cache asks too, with a model of its own that has only these two names.
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return label in PUBLIC_CONTENT or (isinstance(model, type) and issubclass(model, Page))


def _lsn(position: str) -> int:
    high, low = position.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def record_fence() -> None:
    """Remember the primary's WAL position after a write: a replica that has not replayed it
    is not read from."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (position,) = cursor.fetchone()
    kept = cache.get(FENCE_KEY)
    if kept is None or _lsn(kept) < _lsn(position):
        cache.set(FENCE_KEY, position, timeout=24 * 3600)


def replica_answers() -> bool:
    """Whether the replica's connection works (a short connection timeout at most) and it has
    replayed the fence. A replica that did not answer is not asked again for
    ``RETRY_SECONDS``; one that is behind is asked again at the next request."""
    connection = connections[REPLICA]
    now = time.monotonic()
    if now < getattr(connection, "portail_down_until", 0.0):
        return False
    fence = cache.get(FENCE_KEY)
    try:
        connection.ensure_connection()
        # The driver's own cursor: one round trip, not counted among the request's queries.
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            (replayed,) = cursor.fetchone()
    except DatabaseError as error:
        connection.portail_down_until = now + _setting("RETRY_SECONDS", 5)
        with suppress(DatabaseError):
            connection.close()
        logger.warning("replica unavailable, reading from the primary: %s", error)
        return False
    # ``replayed`` is empty when the server is not a standby (a primary named as replica).
    return fence is None or replayed is None or _lsn(replayed) >= _lsn(fence)


class ReplicaRouter:
    """Public content read in a request that may use the replica goes there; all else to the
    primary. Only the primary is migrated."""

    def db_for_read(self, model, **hints) -> str:
        state = _request.get()
        if (
            state is None
            or not state.may_use_replica
            or state.wrote
            or not is_public_content(model)
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        if state.replica_ok is None:
            state.replica_ok = replica_answers()
        return REPLICA if state.replica_ok else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        # The database cache's writes (its entry is no model) change nothing a person sees.
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            return DEFAULT_DB_ALIAS
        state = _request.get()
        if state is not None:
            state.wrote = True
        primary = connections[DEFAULT_DB_ALIAS]
        # Once per transaction (Django keeps (savepoints, callback, robust) per on_commit).
        if primary.in_atomic_block and not any(
            entry[1] is record_fence for entry in primary.run_on_commit
        ):
            # Robust: the write is committed whatever happens to its fence.
            transaction.on_commit(record_fence, robust=True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Says which requests may read from the replica; pins a browser that wrote to the primary.

    Place it first: it must see the cookie before anything reads, and set it on every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        primary_paths = getattr(settings, "PORTAIL_REPLICA_PRIMARY_PATHS", ("/admin/",))
        state = RequestState(
            may_use_replica=request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and not request.path.startswith(tuple(primary_paths))
        )
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote:
            record_fence()  # writes made outside a transaction
        # A response a CDN may share (the page cache's) carries no cookie: a GET of a page
        # that wrote for everyone (an image's first rendition) pins nobody.
        shared = "public" in response.get("Cache-Control", "")
        if (state.wrote or request.method not in SAFE_METHODS) and not shared:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(_setting("PIN_SECONDS", 10)),
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
