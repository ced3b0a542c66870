"""French formats for amounts, shared by documents, emails and the admin."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format


def euros(amount: Decimal) -> str:
    """« 1 234,50 € », whatever language the host has active."""
    with translation.override("fr"):
        return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} €"
