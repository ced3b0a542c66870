"""System checks of the site's deployment."""

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Error
from django.utils.module_loading import import_string

# Caches each process keeps for itself (or not at all): what one counts, the others never see.
PER_PROCESS_CACHES = (LocMemCache, DummyCache)


def shared_cache_check(app_configs, **kwargs) -> list[Error]:
    """Several web processes need one cache they share: allauth counts failed logins and its
    other rate limits in the default cache, and cache-backed sessions live in theirs."""
    processes = getattr(settings, "PORTAIL_WEB_PROCESSES", 1)
    if processes <= 1:
        return []
    aliases = {DEFAULT_CACHE_ALIAS}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache":
        aliases.add(settings.SESSION_CACHE_ALIAS)
    errors = []
    for alias in sorted(aliases & settings.CACHES.keys()):
        backend = settings.CACHES[alias]["BACKEND"]
        if issubclass(import_string(backend), PER_PROCESS_CACHES):
            errors.append(
                Error(
                    f"The {alias!r} cache ({backend}) is kept in each process, but "
                    f"{processes} web processes run (WEB_CONCURRENCY): each would count failed "
                    "logins on its own and allow its own quota of them.",
                    hint=(
                        "Set REDIS_URL, or use django.core.cache.backends.db.DatabaseCache "
                        "(production's default without REDIS_URL), or run a single web process "
                        "(WEB_CONCURRENCY=1)."
                    ),
                    id="portal.E001",
                )
            )
    return errors
