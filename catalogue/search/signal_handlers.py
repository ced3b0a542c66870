"""Keep the search index in step with what staff publish.

Wagtail indexes a page when the page row is saved, which on publishing happens before the
page's inline children (speakers, dates) are written: the index would keep the previous
speakers. Re-indexing once publishing is complete fixes that; it goes through the same task
as Wagtail's own indexing (immediate by default, the worker when ``TASKS`` says so).
"""

from modelsearch.tasks import insert_or_update_object_task
from wagtail.signals import page_published


def reindex_published_page(sender, instance, **kwargs):
    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


def register_signal_handlers():
    page_published.connect(reindex_published_page, dispatch_uid="search_reindex_published_page")
