"""What anonymous visitors are shown, kept in the cache every web process shares.

Everything cached here is keyed by one *content version*, a token in ``CACHES["default"]``
replaced whenever something a visitor may see changes (``content_changed()``): a page
published, unpublished, moved or deleted, a seat taken or freed, a snippet or a setting edited.
Entries of earlier versions are never read again and expire on their own. A token (not a
counter) makes two changes at once from two processes each give a version never seen before.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.http import HttpRequest
from wagtail.models import PageViewRestriction

VERSION_KEY = "portail:content-version"
# Replaced only when a view restriction is written: pages ask whether any exists at every check,
# and seats taken in a burst must not make each of them read the restrictions again.
RESTRICTIONS_VERSION_KEY = "portail:restrictions-version"


def content_version(key: str = VERSION_KEY) -> str:
    """The current version; a new one when the cache has none (an empty or restarted cache)."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or ""
    return version


def _new_version(keys: tuple[str, ...]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def content_changed(*, restrictions: bool = False) -> None:
    """Forget every cached page and count once the current transaction commits (a reader
    between the write and the commit would otherwise cache what is about to change), and at
    once too, so that reads later in this transaction do not take the old version's entries.
    ``restrictions``: a view restriction was written, forget what was known of them too.

    With the database cache, writing at once would join the transaction and hold the version's
    row locked until it commits, making every write of the site wait for every other: only the
    commit writes it then.
    """
    keys = (VERSION_KEY, RESTRICTIONS_VERSION_KEY) if restrictions else (VERSION_KEY,)
    if not isinstance(caches["default"], DatabaseCache):
        _new_version(keys)
    transaction.on_commit(lambda: _new_version(keys))


def is_anonymous(request: HttpRequest) -> bool:
    """Whether ``request`` sees what any visitor sees: nobody signed in, no password passed.

    Without a user attribute (a request that has not been through the middleware) nothing is
    assumed: the request is not anonymous.
    """
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return not (
        session is not None
        and session.get(PageViewRestriction.passed_view_restrictions_session_key)
    )


def versioned_key(prefix: str, *parts: Any, version_key: str = VERSION_KEY) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"portail:{prefix}:{content_version(version_key)}:{digest}"


def cached_value(
    prefix: str,
    parts: tuple,
    compute: Callable[[], Any],
    timeout: int,
    *,
    version_key: str = VERSION_KEY,
) -> Any:
    """``compute()``'s result for the current version (of ``version_key``) and ``parts``."""
    key = versioned_key(prefix, *parts, version_key=version_key)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def current_site(request: HttpRequest):
    """``Site.find_for_request(request)``, kept for the content version (a site edited
    replaces it), so that a listing's links do not cost a query for the site each time."""
    from wagtail.models import Site  # noqa: PLC0415  (this module is imported at app loading)

    key = versioned_key("site", request.get_host(), request.get_port())
    found = cache.get(key)
    if found is None:
        found = Site.find_for_request(request) or False
        cache.set(key, found, timeout=24 * 3600)
    return found or None
