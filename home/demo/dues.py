"""The dues part of the demo: tariffs for this membership year and the next, the association's
bank details and cheque address, and the public « Adhérer » page.

Like the rest of the demo it creates what is missing and leaves alone what exists: a tariff staff
changed keeps its amount, bank details already entered stay.
"""

from decimal import Decimal as D

from wagtail.models import Site

from membership.models import MemberCategory, MembershipPage, Tariff, TariffFormula
from membership.services import association_identity
from membership.years import membership_year

C = MemberCategory

# (category, flat amount) or (category, (per inhabitant, floor, ceiling)), this year then next:
# the orders of magnitude of a regional rural-development network.
TARIFFS = {
    0: {
        C.INDIVIDUAL: D("30"),
        C.REDUCED: D("15"),
        C.SMALL_COMMUNE: D("80"),
        C.COMMUNE: (D("0.10"), D("100"), D("1500")),
        C.INTERCOMMUNALITE: (D("0.03"), D("400"), D("3000")),
        C.DEPARTEMENT: D("3000"),
        C.ASSOCIATION: D("60"),
        C.PUBLIC_BODY: D("250"),
        C.OTHER: D("120"),
    },
    1: {
        C.INDIVIDUAL: D("32"),
        C.REDUCED: D("15"),
        C.SMALL_COMMUNE: D("85"),
        C.COMMUNE: (D("0.11"), D("110"), D("1600")),
        C.INTERCOMMUNALITE: (D("0.03"), D("420"), D("3200")),
        C.DEPARTEMENT: D("3100"),
        C.ASSOCIATION: D("65"),
        C.PUBLIC_BODY: D("260"),
        C.OTHER: D("125"),
    },
}

# A test IBAN (right check digits, no real account) and a BIC of the right form.
BANK = {
    "bank_account_holder": "Cap Rural (compte de démonstration)",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP882",
    "cheque_payee": "Cap Rural",
    "cheque_address": "Cap Rural — Trésorerie\nAdresse de démonstration\n26000 Valence",
}

MEMBERSHIP_PAGE = {
    "title": "Adhérer",
    "show_in_menus": True,
    "intro": (
        "<p>Élus, agents de développement, bénévoles, collectivités et associations : adhérer à "
        "Cap Rural, c’est rejoindre un réseau d’échanges sur le développement rural et accéder "
        "aux sessions réservées aux adhérents.</p>"
    ),
}
MEMBERSHIP_SLUG = "adherer"


def _tariff_fields(price) -> dict:
    if isinstance(price, tuple):
        per_inhabitant, floor, ceiling = price
        return {
            "formula": TariffFormula.PER_INHABITANT,
            "amount": None,
            "per_inhabitant": per_inhabitant,
            "floor": floor,
            "ceiling": ceiling,
        }
    return {"formula": TariffFormula.FLAT, "amount": price}


def load_dues(report, today=None) -> None:
    """Add the demo's tariffs, bank details and « Adhérer » page; ``report`` records each."""
    current = membership_year(today)
    for offset, prices in TARIFFS.items():
        for category, price in prices.items():
            _tariff, created = Tariff.objects.get_or_create(
                year=current + offset, category=category, defaults=_tariff_fields(price)
            )
            report.record(f"tarif {current + offset} « {category.label} »", created)

    identity = association_identity()
    blank = not identity.iban and not identity.bic
    if blank:
        for name, value in BANK.items():
            setattr(identity, name, value)
        identity.full_clean()
        identity.save()
    report.record("coordonnées bancaires de l'association", blank)

    home = Site.objects.get(is_default_site=True).root_page
    missing = not MembershipPage.objects.child_of(home).filter(slug=MEMBERSHIP_SLUG).exists()
    if missing:
        page = MembershipPage(slug=MEMBERSHIP_SLUG, **MEMBERSHIP_PAGE)
        home.add_child(instance=page)
        page.save_revision().publish()
    report.record("page « Adhérer »", missing)
