"""Every admin screen of the catalogue and membership apps opens for staff, never a server error.

The URLs are read from Django's resolver: each modeladmin view (index, inspect, edit, history…)
and each snippet view of ``catalogue`` and ``membership``, so a screen added later is checked
too. Each is requested by a superuser against one real object of its model; list and inspect
screens must render (200), the others may also refuse or redirect (a read-only list has no edit
form), but none may answer 5xx or 404.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from catalogue.registrations.services import application_submit, registration_create
from home.demo.surveys import survey_template
from membership import services
from membership.models import (
    BankEntry,
    BankEntryReason,
    Invoice,
    Reminder,
    RenewalRule,
    StripeEvent,
    StripeEventOutcome,
    TaskFailure,
)
from tests.catalogue.factories import (
    AudienceFactory,
    PersonFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
)
from tests.catalogue.factories import OrganisationFactory as StructureFactory
from tests.catalogue.registration_helpers import session_member
from tests.membership.factories import (
    PAID_AT,
    AttachmentFactory,
    PaymentFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

APPS = ("catalogue", "membership")
MODELADMIN = re.compile(rf"^(?P<model>({'|'.join(APPS)})_\w+?)_modeladmin_(?P<view>\w+)$")
SNIPPET = re.compile(rf"^wagtailsnippets_(?P<model>({'|'.join(APPS)})_\w+):(?P<view>\w+)$")
MUST_RENDER = {"index", "inspect", "list", "list_results", "history", "history_results", "usage"}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def admin_screens() -> list[tuple[str, str, str, bool]]:
    """(URL name, model key, view, takes an object) of every admin screen of the two apps."""
    screens = []
    for name, route in _names(get_resolver().url_patterns):
        match = MODELADMIN.match(name) or SNIPPET.match(name)
        if match:
            takes_object = "pk>" in route
            screens.append((name, match["model"], match["view"], takes_object))
    return sorted(set(screens))


SCREENS = admin_screens()


@pytest.fixture
def objects(db) -> dict:
    """One object of each model these screens show, keyed as their URL names spell it."""
    session = SessionPageFactory()
    call = WorkingGroupCallPageFactory()
    question = str(call.questions.get().pk)
    payment = PaymentFactory(cotisation__user=ProfileFactory().user)
    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    attachment = AttachmentFactory()
    return {
        "catalogue_registration": registration_create(
            session=session, user=session_member(session)
        ),
        "catalogue_application": application_submit(
            call=call, user=ProfileFactory().user, answers={question: "Échanger entre pairs"}
        ),
        "catalogue_person": PersonFactory(),
        "catalogue_organisation": StructureFactory(),
        "catalogue_theme": ThemeFactory(),
        "catalogue_audience": AudienceFactory(),
        "catalogue_surveytemplate": survey_template(),
        "membership_cotisation": payment.cotisation,
        "membership_payment": payment,
        "membership_receipt": receipt,
        "membership_memberorganisation": attachment.organisation,
        "membership_memberprofile": payment.cotisation.user.member_profile,
        "membership_organisationmembership": attachment,
        "membership_tariff": TariffFactory(amount=Decimal("45.00")),
        "membership_invoice": Invoice.objects.create(
            series="F2026",
            number=1,
            cotisation=payment.cotisation,
            amount=payment.cotisation.amount,
            issued_on=dt.date(2026, 3, 2),
            due_on=dt.date(2026, 4, 1),
            buyer_name=payment.cotisation.holder_name,
            document=b"%PDF-1.7",
        ),
        "membership_bankentry": BankEntry.objects.create(
            entry_reference="2026030200017",
            booked_on=dt.date(2026, 3, 2),
            amount=Decimal("12.00"),
            text="VIR SEPA COTISATION",
            reason=BankEntryReason.NO_REFERENCE,
        ),
        "membership_renewalrule": RenewalRule.objects.create(
            category="individual", next_year_from="01/10", grace_until="31/03"
        ),
        "membership_reminder": Reminder.objects.create(
            user=payment.cotisation.user, year=payment.cotisation.year, recipients="a@example.org"
        ),
        "membership_stripeevent": StripeEvent.objects.create(
            event_id="evt_test_1",
            type="charge.refunded",
            payload={"id": "evt_test_1", "data": {"object": {"id": "ch_test_1"}}},
            attempts=1,
            outcome=StripeEventOutcome.IGNORED,
            ignored_reason="l’objet ch_test_1 est inconnu de Stripe.",
        ),
        "membership_taskfailure": TaskFailure.objects.create(
            task_path="catalogue.registrations.emails.send_registration_email",
            args=[1, "confirmation"],
            exception_class="smtplib.SMTPException",
            message="Connexion au serveur SMTP refusée",
        ),
    }


def test_the_resolver_lists_the_screens_staff_use():
    views = {(model, view) for _, model, view, _ in SCREENS}
    assert ("catalogue_application", "inspect") in views
    assert ("membership_stripeevent", "inspect") in views
    assert ("catalogue_person", "list") in views


@pytest.mark.parametrize(
    ("name", "model", "view", "takes_object"), SCREENS, ids=[s[0] for s in SCREENS]
)
def test_every_admin_screen_opens_for_staff(objects, name, model, view, takes_object):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    args = [objects[model].pk] if takes_object else []

    response = client.get(reverse(name, args=args))

    if view in MUST_RENDER:
        assert response.status_code == 200
    else:
        assert response.status_code in {200, 302, 403}
