"""The admin dashboard's figures for this membership year, and the lists they link to."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from membership import services
from membership.models import Cotisation, CotisationStatus
from membership.years import membership_year

from .factories import PAID_AT, CotisationFactory, PaymentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def panel(client) -> str:
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    start = page.index('id="membership-cotisations-content"')
    return page[start : page.index("</ul>", start)]


def figure(html: str, label: str) -> str:
    return re.search(rf"<span>([^<]*)</span> {label}", html).group(1)


def test_the_figures_count_each_state_once_and_the_money_kept(staff_client):
    year = membership_year()
    # Paid by card, 30 €; paid 80 € then refunded 20 €; paid 50 € then fully refunded.
    card = PaymentFactory(cotisation__year=year, amount=Decimal("30.00"))
    services.payment_succeeded(payment=card, paid_at=PAID_AT)
    partly = PaymentFactory(
        cotisation__year=year, cotisation__amount=Decimal("80.00"), amount=Decimal("80.00")
    )
    services.payment_succeeded(payment=partly, paid_at=PAID_AT)
    services.payment_refunded(payment=partly, amount_refunded=Decimal("20.00"))
    refunded = PaymentFactory(
        cotisation__year=year, cotisation__amount=Decimal("50.00"), amount=Decimal("50.00")
    )
    services.payment_succeeded(payment=refunded, paid_at=PAID_AT)
    services.payment_refunded(payment=refunded, amount_refunded=Decimal("50.00"))
    # Not paid yet: one pending, one whose SEPA debit is on its way; last year's paid one.
    CotisationFactory(year=year)
    services.payment_awaiting_funds(payment=PaymentFactory(cotisation__year=year))
    last_year = PaymentFactory(cotisation__year=year - 1)
    services.payment_succeeded(payment=last_year, paid_at=PAID_AT)

    html = panel(staff_client)

    assert figure(html, "payées") == "2"
    assert figure(html, "en attente de paiement") == "2"
    assert figure(html, "encaissés").replace("\xa0", " ") == "90,00 €"  # 30 + 80 − 20


def test_each_figure_links_to_the_list_of_what_it_counts(staff_client):
    year = membership_year()
    CotisationFactory(year=year)
    services.payment_awaiting_funds(payment=PaymentFactory(cotisation__year=year))
    paid = PaymentFactory(cotisation__year=year)
    services.payment_succeeded(payment=paid, paid_at=PAID_AT)
    CotisationFactory(year=year - 1)

    html = panel(staff_client)
    for label, status in (
        ("en attente de paiement", [CotisationStatus.PENDING, CotisationStatus.AWAITING_FUNDS]),
        ("payée", [CotisationStatus.PAID]),
    ):
        url = re.search(rf'<a href="([^"]+)"><span>\d+</span> {label}', html).group(1)
        listed = staff_client.get(url.replace("&amp;", "&")).context["object_list"]
        expected = Cotisation.objects.filter(year=year, status__in=status)
        assert sorted(c.pk for c in listed) == sorted(c.pk for c in expected)
        assert len(listed) == int(figure(html, label + "s?"))
