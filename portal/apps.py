from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


def create_cache_tables(using: str, verbosity: int, **kwargs) -> None:
    """Create the database cache's table on every ``migrate``: production's cache, without Redis,
    is the database, and a cache switched to it later needs the table as much as a new site."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Portail"

    def ready(self):
        from .checks import shared_cache_check

        checks.register(shared_cache_check, checks.Tags.caches)
        post_migrate.connect(create_cache_tables, sender=self)
