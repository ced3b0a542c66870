import pytest

from tests.membership.stripe_fake import FakeStripe


@pytest.fixture
def stripe_fake(settings):
    """A fake Stripe on localhost, and the portal configured to use it."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()
