"""Site chrome helpers: the main menu and optional URLs."""

from django import template
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page and its live children marked « afficher dans les menus »."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    root = site.root_page
    return [root, *root.get_children().live().in_menu().specific()]


@register.simple_tag
def url_or_none(name, *args, **kwargs):
    """Reverse ``name`` or return None when no such URL is installed (optional apps)."""
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return None
