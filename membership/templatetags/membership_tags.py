from django import template

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
