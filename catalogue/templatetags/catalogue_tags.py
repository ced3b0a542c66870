"""French presentation of catalogue facts: dates, hours, registration states, kinds.

Hours use no-break spaces (« 14\u00a0h\u00a0– 16\u00a0h ») as French typography wants, so a
line never breaks inside an hour or before the dash.
"""

import datetime as dt

from django import template
from django.utils import timezone
from wagtail.models import Site

from catalogue.blocks import HalfDayBlock
from catalogue.filters import item_type
from catalogue.models import CatalogueIndexPage, RegistrationMode, prefetch_cards

register = template.Library()

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _local(value):
    """A datetime in Europe/Paris (the site's time zone), whatever zone is active."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone())
    return value


def _day_number(day: int) -> str:
    return "1er" if day == 1 else str(day)


@register.filter
def fr_date(value, with_weekday=True):
    """« jeudi 1er octobre 2020 » (or « 1er octobre 2020 » with ``fr_date:False``)."""
    if not value:
        return ""
    value = _local(value)
    text = f"{_day_number(value.day)} {MONTHS[value.month - 1]} {value.year}"
    if with_weekday:
        text = f"{DAYS[value.weekday()]} {text}"
    return text


@register.filter
def fr_month_year(value):
    """« janvier 2022 »."""
    if not value:
        return ""
    value = _local(value)
    return f"{MONTHS[value.month - 1]} {value.year}"


@register.filter
def fr_time(value):
    """« 14 h » or « 9 h 30 »."""
    if not value:
        return ""
    value = _local(value)
    if value.minute:
        return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"
    return f"{value.hour}\u00a0h"


@register.simple_tag
def fr_hours(start, end):
    """« 14 h – 16 h », « à partir de 14 h », « jusqu'à 16 h »."""
    if start and end:
        return f"{fr_time(start)}\u00a0– {fr_time(end)}"
    if start:
        return f"à partir de {fr_time(start)}"
    if end:
        return f"jusqu’à {fr_time(end)}"
    return ""


@register.simple_tag
def fr_datetime_range(start, end):
    """« jeudi 1er octobre 2020, 14 h – 16 h »; across days, both ends in full."""
    if not start:
        return ""
    start, end = _local(start), _local(end)
    if not end:
        return f"{fr_date(start)}, {fr_time(start)}"
    if start.date() == end.date():
        return f"{fr_date(start)}, {fr_time(start)}\u00a0– {fr_time(end)}"
    return f"du {fr_date(start)}, {fr_time(start)}, au {fr_date(end)}, {fr_time(end)}"


@register.filter
def occurrence_label(occurrence):
    return fr_datetime_range(occurrence.start, occurrence.end)


@register.simple_tag
def meetings_per_year(low, high):
    """« 3 à 4 réunions par an », « 4 réunions par an », « au moins 3 réunions par an »."""
    if low and high and low != high:
        return f"{low} à {high} réunions par an"
    count = low or high
    if not count:
        return ""
    noun = "réunion" if count == 1 else "réunions"
    if low and not high:
        return f"au moins {count} {noun} par an"
    if high and not low:
        return f"jusqu’à {count} {noun} par an"
    return f"{count} {noun} par an"


@register.filter
def item_kind(page):
    """What the item is, for a kicker: the session kind, or the page type."""
    return page.kind_label


STATE_LABELS = {
    "open": "Inscriptions ouvertes",
    "full": "Complet — liste d’attente",
    "closed": "Inscriptions closes",
    "not_open": "Inscriptions bientôt ouvertes",
    "past": "Passé",
    "external": "Inscription externe",
    "none": "Sans inscription",
}
APPLICATION_LABELS = {
    "open": "Sur candidature",
    "closed": "Candidatures closes",
    "not_open": "Candidatures bientôt ouvertes",
}


@register.filter
def registration_state_label(page):
    """The human French label of ``page.registration_state()``."""
    state = page.registration_state()
    if page.registration_mode == RegistrationMode.APPLICATION and state in APPLICATION_LABELS:
        return APPLICATION_LABELS[state]
    return STATE_LABELS.get(state, "")


@register.filter
def registration_state(page):
    return page.registration_state()


@register.filter
def is_past(page):
    return page.is_past()


cards = register.simple_tag(prefetch_cards, name="cards")


@register.filter
def seats_label(count):
    if count is None:
        return ""
    if count == 0:
        return "aucune place restante"
    return f"{count} place restante" if count == 1 else f"{count} places restantes"


@register.filter(name="item_type")
def item_type_filter(page):
    """« session », « working_group_call » or « resource_article », to pick what a card shows."""
    return item_type(page)


@register.filter
def half_day_label(value):
    """« Matin », « Après-midi », « Soirée » for a half-day block's period."""
    return dict(HalfDayBlock.base_blocks["period"].field.choices).get(value, value)


@register.simple_tag(takes_context=True)
def site_catalogues(context):
    """The live catalogues of the current site, in tree order, for « voir tout le catalogue » links."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return CatalogueIndexPage.objects.none()
    return CatalogueIndexPage.objects.live().descendant_of(site.root_page).order_by("path")


@register.filter
def hours_label(hours):
    """A duration in hours as French reads it: « 7 h », « 6 h 30 »."""
    from ..information import hours_label as label

    return label(hours)
