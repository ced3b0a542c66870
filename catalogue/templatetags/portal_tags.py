"""Site chrome helpers: the main menu and optional URLs."""

from django import template
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

from catalogue.cache import cached_value

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page and its live children marked « afficher dans les menus ».

    Each entry is ``(page, current)``: ``current`` is the value of ``aria-current`` for the
    link, « page » on that very page, « true » anywhere below it (a session under its
    catalogue), None elsewhere. The home page is current only on itself, or it would be
    current everywhere.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    shown = context.get("page")
    entries = []
    for item in _menu_pages(site):
        current = None
        if shown is not None and getattr(shown, "pk", None) == item.pk:
            current = "page"
        elif item.pk != site.root_page_id and getattr(shown, "path", "").startswith(item.path):
            current = "true"
        entries.append((item, current))
    return entries


@register.simple_tag
def url_or_none(name, *args, **kwargs):
    """Reverse ``name`` or return None when no such URL is installed (optional apps)."""
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _menu_pages(site: Site) -> list:
    """The site's home page and its live children in menus, kept for the content version: the
    children's query walks every descendant's path, so it would grow with the catalogue."""

    def read() -> list:
        root = site.root_page
        return [root, *root.get_children().live().in_menu().specific()]

    return cached_value("main-menu", (site.pk,), read, timeout=3600)
