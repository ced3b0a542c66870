"""Receipts, forms and emails read French whatever language the host has active."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from membership import pdf, services


def test_amounts_are_french_in_an_english_site():
    with translation.override("en"):
        assert services.euros(Decimal("1234.5")) == "1\xa0234,50 €"


def test_receipt_dates_are_french_in_an_english_site():
    with translation.override("en"):
        assert pdf._date(dt.date(2031, 3, 1)) == "1 mars 2031"
