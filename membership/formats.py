"""Amounts as French readers expect them, whatever language the host has active."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format


def euros(amount: Decimal, *, decimal_pos: int = 2) -> str:
    """« 1 234,50 € »."""
    with translation.override("fr"):
        number = number_format(amount, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)
        return f"{number} €"


def rate_euros(rate: Decimal) -> str:
    """A rate per unit with the cents and the digits beyond them that matter: « 0,125 € »."""
    exponent = rate.normalize().as_tuple().exponent
    return euros(rate, decimal_pos=max(2, -exponent if isinstance(exponent, int) else 2))
