"""What the catalogue does once a write it must follow has happened.

Publishing a catalogue item stores its listings' sort keys. Any write to what a visitor may see
gives a new content version (``catalogue.cache``), whatever made it: the editor, the admin's
snippets and settings, a registration service, a management command. Receivers, not calls in
each of those paths, because those paths are Wagtail's and Django's own as much as ours; they
only announce, and the work is in the queryset method and the cache module.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished

from .cache import content_changed
from .models import CatalogueItemPage, Registration, SessionPage

# Models whose rows anonymous pages show, beyond the catalogue app's own (pages, dates, speakers,
# registrations, snippets).
SHOWN = (Page, PageViewRestriction, Site, BaseGenericSetting, BaseSiteSetting)
# What saving a draft writes on the live page's row: nothing a visitor sees.
DRAFT_FIELDS = {
    "draft_title",
    "has_unpublished_changes",
    "latest_revision",
    "latest_revision_created_at",
    "locked",
    "locked_at",
    "locked_by",
}


def refresh_listing_keys(sender, instance, **kwargs):
    # Wagtail saves the page row, then its inline dates, then sends page_published: this is
    # the first moment the new dates can be read (a save() override would see the old ones).
    if isinstance(instance, CatalogueItemPage):
        CatalogueItemPage.objects.filter(pk=instance.pk).refresh_listing_keys()
    content_changed()


def _shown(instance) -> bool:
    return instance._meta.app_label == "catalogue" or isinstance(instance, SHOWN)


def content_written(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= DRAFT_FIELDS:
        return
    if _shown(instance):
        content_changed(restrictions=isinstance(instance, PageViewRestriction))
    if isinstance(instance, Registration) and _frontend_cache_configured():
        # A seat taken or freed: a CDN forgets the session's page and its API detail (Wagtail's
        # frontend cache app purges pages on publishing and unpublishing itself).
        session_id = instance.session_id
        transaction.on_commit(lambda: _purge_session(session_id))


def _frontend_cache_configured() -> bool:
    """Whether a CDN or proxy cache is to be told (``wagtail.contrib.frontend_cache``)."""
    return bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def _purge_session(session_id: int) -> None:
    from wagtail.contrib.frontend_cache.utils import purge_page_from_cache, purge_url_from_cache

    session = SessionPage.objects.filter(pk=session_id).first()
    if session is None or not session.live:
        return
    purge_page_from_cache(session)
    root = session.get_site().root_url if session.get_site() else ""
    if root:
        purge_url_from_cache(f"{root}/api/catalogue/{session_id}/")


def unpublished(sender, instance, **kwargs):
    content_changed()


def register_signal_handlers():
    page_published.connect(refresh_listing_keys, dispatch_uid="catalogue_refresh_listing_keys")
    page_unpublished.connect(unpublished, dispatch_uid="catalogue_content_unpublished")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_written, dispatch_uid=f"catalogue_content_written_{id(signal)}")
