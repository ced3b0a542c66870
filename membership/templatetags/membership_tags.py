from django import template

from ..services import association_identity
from ..services import euros as format_euros
from ..years import year_label

register = template.Library()


@register.filter
def euros(amount) -> str:
    """« 1 234,50 € »."""
    return "" if amount in (None, "") else format_euros(amount)


@register.filter
def membership_year_label(year: int) -> str:
    return year_label(year)


@register.simple_tag(takes_context=True)
def association_name(context) -> str:
    """The association's name, e.g. for the admin's title."""
    return association_identity(context.get("request")).name
