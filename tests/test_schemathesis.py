"""Property-based tests of the portal's API against its own OpenAPI document (schemathesis).

Schemathesis reads ``/api/openapi.json`` from the WSGI application and, for every operation,
generates requests from the schema: valid ones and (in its negative mode) ones that break it.
Every answer must be a non-5xx, with a status code, content type and body that the document
describes. What is covered, and why:

- every operation, reads and writes, signed in as a covered member with a bearer token (as a
  front-end server would be): the member's routes answer with real rows, and writes can only
  touch that member's own registrations, applications and cotisations;
- the database holds a real catalogue (a session, a call with questions, an article), and the
  member has a registration, an application and a paid cotisation with its receipt, so ids in
  the low range hit real rows as well as missing ones;
- bounded for the suite: a few dozen examples per operation, no Hypothesis deadline (the first
  request warms caches), derandomised and without an example database, so a run is
  reproducible and leaves nothing behind. Stripe is the local fake, so the checkout really
  opens a payment page (for next year: this year is paid) instead of answering its 503;
- path parameters stay non-negative integers, also in negative mode: the URL patterns
  (``<int:…>``) route nothing else to the API, and Django answers its own 404 page (or, for a
  DELETE, the CSRF check of the page behind) before the API is reached.
"""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.models import APIToken

from catalogue.models import RegistrationMode
from catalogue.registrations import services as catalogue_services
from membership.models import CotisationStatus, PaymentMethod
from membership.services import offline_payment_record
from membership.years import membership_year
from tests.catalogue.factories import (
    ResourceArticlePageFactory,
    SessionPageFactory,
    WorkingGroupCallPageFactory,
)
from tests.membership.factories import (
    CotisationFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)
from tests.membership.stripe_fake import FakeStripe

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go through the bare WSGI application, whose end-of-request signal would close
    the test's database connection (fatal to its transaction on PostgreSQL); Django's own test
    client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def stripe(settings):
    fake = FakeStripe().start()
    settings.PORTAIL_STRIPE_SECRET_KEY = fake.api_key
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.PORTAIL_STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def member_token(db):
    """A covered member with a registration, an application and a receipt; their API token."""
    user = ProfileFactory().user
    session = SessionPageFactory(registration_mode=RegistrationMode.MEMBERS)
    # The year the session falls in: in late December, four weeks ahead is next year.
    year = membership_year(timezone.localdate(session.starts_at))
    for tariff_year in (year, year + 1):
        TariffFactory(year=tariff_year, amount=Decimal("45.00"))
    cotisation = CotisationFactory(user=user, year=year, status=CotisationStatus.PENDING)
    offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=cotisation.amount,
        reference="VIR-0001",
        received_on=dt.date.today(),
        recorded_by=UserFactory(is_staff=True),
    )
    call = WorkingGroupCallPageFactory()
    ResourceArticlePageFactory()
    catalogue_services.registration_create(session=session, user=user, occurrence=None)
    question = call.questions.get()
    catalogue_services.application_submit(
        call=call, user=user, answers={str(question.pk): "Partager nos pratiques."}
    )
    _token, plaintext = APIToken.create_token(user=user, name="schemathesis")
    return plaintext


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_every_request_as_its_openapi_document_says(case, member_token, stripe):
    if not all(isinstance(v, int) and v >= 0 for v in (case.path_parameters or {}).values()):
        return  # not routed to the API at all (see the module docstring)
    case.call_and_validate(headers={"Authorization": f"Bearer {member_token}"}, checks=CHECKS)
