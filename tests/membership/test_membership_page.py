"""The public « Adhérer » page and ``GET /api/membership/tariffs/``: the prices of this year and
the next, what a cotisation covers, the ways to pay."""

from decimal import Decimal

import pytest

from membership.models import MemberCategory, MembershipPage, TariffFormula
from membership.years import membership_year, year_start

from .dues_helpers import BIC, IBAN_DISPLAY, set_bank_details
from .factories import TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tariffs():
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.INDIVIDUAL, amount=Decimal("40.00"))
    TariffFactory(year=year + 1, category=MemberCategory.INDIVIDUAL, amount=Decimal("42.00"))
    TariffFactory(
        year=year,
        category=MemberCategory.COMMUNE,
        formula=TariffFormula.PER_INHABITANT,
        amount=None,
        per_inhabitant=Decimal("0.12"),
        floor=Decimal("80"),
        ceiling=Decimal("2500"),
    )
    return year


@pytest.fixture
def membership_page(home_page):
    page = MembershipPage(title="Adhérer", slug="adherer", show_in_menus=True)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_page_shows_both_years_prices_in_words_in_the_sites_menu(
    client, tariffs, membership_page
):
    set_bank_details()

    page = client.get(membership_page.url).content.decode()

    assert 'class="site-header"' in page  # the site's layout
    assert f'href="{membership_page.url}" aria-current="page">Adhérer' in page  # in the menu
    assert f"Tarifs {tariffs}" in page and f"Tarifs {tariffs + 1}" in page
    assert "40,00 €" in page and "42,00 €" in page
    assert "0,12 € par habitant, au minimum 80,00 € et au maximum 2\xa0500,00 €" in page
    assert "Tarif pas encore fixé" in page
    assert "rattachement à l’organisation est confirmé" in page
    assert IBAN_DISPLAY in page and BIC in page and "Mandat administratif" in page


def test_online_payment_is_a_way_only_when_stripe_is_configured(client, settings, tariffs):
    settings.PORTAIL_STRIPE_SECRET_KEY = settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""
    methods = [w["method"] for w in client.get("/api/membership/tariffs/").json()["payment_ways"]]
    assert methods == ["cheque", "mandate"]  # no IBAN in the settings yet: no transfer

    set_bank_details()
    settings.PORTAIL_STRIPE_SECRET_KEY = "sk_test_portail"
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = "whsec_portail"
    methods = [w["method"] for w in client.get("/api/membership/tariffs/").json()["payment_ways"]]
    assert methods == ["stripe", "transfer", "cheque", "mandate"]


def test_the_tariffs_api_is_public_and_gives_each_category_and_formula(client, tariffs):
    set_bank_details()

    response = client.get("/api/membership/tariffs/")

    assert response.status_code == 200
    data = response.json()
    current, following = data["years"]
    assert (current["year"], following["year"]) == (tariffs, tariffs + 1)
    assert current["starts_on"] == year_start(tariffs).isoformat()
    by_category = {t["category"]: t for t in current["tariffs"]}
    assert len(by_category) == len(MemberCategory)
    assert by_category["individual"]["amount"] == "40.00"
    assert by_category["individual"]["holder"] == "individual"
    commune = by_category["commune"]
    assert commune["formula"] == "per_inhabitant" and commune["holder"] == "organisation"
    assert (commune["per_inhabitant"], commune["floor"], commune["ceiling"]) == (
        "0.1200",
        "80.00",
        "2500.00",
    )
    assert by_category["association"] == {
        **by_category["association"],
        "is_set": False,
        "formula_text": "Tarif pas encore fixé",
    }
    assert any("organisation" in line for line in data["covers"])
    transfer = next(w for w in data["payment_ways"] if w["method"] == "transfer")
    assert {"label": "IBAN", "value": IBAN_DISPLAY} in transfer["details"]


def test_the_tariffs_api_costs_a_constant_number_of_queries(
    client, tariffs, django_assert_max_num_queries
):
    client.get("/api/membership/tariffs/")  # the site and its settings, cached after
    with django_assert_max_num_queries(4):
        client.get("/api/membership/tariffs/")
