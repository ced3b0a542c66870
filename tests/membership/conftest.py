from decimal import Decimal

import pytest

from membership import services
from membership.checkout import checkout_start
from membership.models import Payment
from membership.years import membership_year
from tests.membership.factories import ProfileFactory, TariffFactory
from tests.membership.stripe_fake import FakeStripe


@pytest.fixture
def stripe_fake(settings):
    """A fake Stripe on localhost, and the portal configured to use it."""
    fake = FakeStripe().start()
    settings.PORTAIL_STRIPE_SECRET_KEY = fake.api_key
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.PORTAIL_STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def paying_member(db):
    """A member with a verified email and this year's individual tariff set."""
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    return ProfileFactory().user


@pytest.fixture
def stripe_checkout(stripe_fake, paying_member):
    """Open the member's cotisation and start paying it online; returns the Stripe payment."""

    def start(user=paying_member, **holder):
        cotisation = services.cotisation_open(**(holder or {"user": user}), year=membership_year())
        checkout_start(
            cotisation=cotisation,
            user=user,
            success_url="http://testserver/adhesion/paiement/merci/?session_id={CHECKOUT_SESSION_ID}",
            cancel_url="http://testserver/adhesion/paiement/annule/",
        )
        return Payment.objects.get(cotisation=cotisation, status="pending")

    return start
