"""The journey a host relies on, run by .ci/plugin-install inside the fresh `wagtail start` site.

Staff publish a catalogue index and a session under the host's own home page; a visitor reads
it, finds it in the API, the plugin's search API and the host's own search; a member signs up,
is recorded as paid offline, registers, and receives the confirmation with its .ics invitation.
Every request goes through Django's test client (the full URL, middleware and template stack),
emails to locmem.
"""

import datetime as dt
import re
import sys
from decimal import Decimal

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # locmem emails, the "testserver" host

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from catalogue.models import (  # noqa: E402
    CatalogueIndexPage,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionFormat,
    SessionKind,
    SessionOccurrence,
    SessionPage,
)
from membership import services  # noqa: E402
from membership.models import MemberCategory, MemberProfile, PaymentMethod, Tariff  # noqa: E402
from membership.years import membership_year  # noqa: E402

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(
        ("ok    " if ok else "FAIL  ") + what + (f"\n      {detail}" if not ok and detail else "")
    )
    if not ok:
        failures.append(what)
    return ok


def get(client: Client, url: str, **params):
    response = client.get(url, params)
    return response, response.content.decode(errors="replace")


# --------------------------------------------------------------------------- staff

staff = get_user_model().objects.create_superuser("redaction", "redaction@example.org", "x")
site = Site.objects.get(is_default_site=True)
home = site.root_page.specific
check(type(home).__module__ == "home.models", "the host keeps its own home page")

index = CatalogueIndexPage(title="Formations du réseau", slug="formations")
home.add_child(instance=index)
index.save_revision(user=staff).publish(user=staff)

start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
start += dt.timedelta(days=28)
session = SessionPage(
    title="Atelier agroécologie des communes rurales",
    slug="atelier-agroecologie",
    kind=SessionKind.EXPLORATION,
    lead="Une journée pour croiser les pratiques agroécologiques des territoires.",
    format=SessionFormat.IN_PERSON,
    venue_name="Salle des fêtes",
    venue_town="Die",
    capacity=12,
    registration_mode=RegistrationMode.MEMBERS,
)
index.add_child(instance=session)
SessionOccurrence.objects.create(session=session, start=start, end=start + dt.timedelta(hours=2))
session.save_revision(user=staff).publish(user=staff)
session.refresh_from_db()

# --------------------------------------------------------------------------- visitor

visitor = Client()
response, page = get(visitor, session.url)
check(
    response.status_code == 200 and session.title in page,
    "the session page is served",
    f"{response.status_code} {page[:300]}",
)
response, page = get(visitor, index.url)
check(
    response.status_code == 200 and session.title in page,
    "the catalogue index lists it",
    f"{response.status_code} {page[:300]}",
)

response = visitor.get("/api/catalogue/")
ids = (
    [item.get("id") for item in response.json().get("items", [])]
    if response.status_code == 200
    else []
)
check(session.pk in ids, "the API lists it", f"{response.status_code} {response.content[:300]}")
response = visitor.get(f"/api/catalogue/{session.pk}/")
check(
    response.status_code == 200 and response.json().get("title") == session.title,
    "the API gives its detail",
    f"{response.status_code} {response.content[:300]}",
)
response = visitor.get("/api/openapi.json")
check(response.status_code == 200, "the API's OpenAPI document is served")

response = visitor.get("/api/search/", {"q": "agroécologie"})
found = (
    [item.get("id") for item in response.json().get("items", [])]
    if response.status_code == 200
    else []
)
check(
    session.pk in found,
    "the plugin's search API finds it",
    f"{response.status_code} {response.content[:300]}",
)

response, page = get(visitor, "/search/", query="agroécologie")
check(
    response.status_code == 200 and session.title in page,
    "the host's search finds it",
    f"{response.status_code} {page[:300]}",
)

# --------------------------------------------------------------------------- member

member = Client()
email, password = "camille@exemple.fr", "Un-mot-de-passe-42"
response = member.post(
    "/comptes/signup/", {"email": email, "password1": password, "password2": password}
)
check(response.status_code == 302, "a person signs up", f"{response.status_code}")
links = (
    re.findall(r"https?://\S+/comptes/confirm-email/\S+/", mail.outbox[-1].body)
    if mail.outbox
    else []
)
if check(
    bool(links),
    "the confirmation email carries an absolute link",
    mail.outbox[-1].body if mail.outbox else "no email",
):
    path = "/" + links[0].split("/", 3)[3]
    member.post(path)
response = member.post("/comptes/login/", {"login": email, "password": password})
user = get_user_model().objects.get(email=email)
check(
    response.status_code == 302 and member.session.get("_auth_user_id") == str(user.pk),
    "the member logs in",
    f"{response.status_code}",
)

MemberProfile.objects.update_or_create(
    user=user,
    defaults={
        "first_name": "Camille",
        "last_name": "Martin",
        "category": MemberCategory.INDIVIDUAL,
    },
)
year = membership_year(timezone.localdate(start))
Tariff.objects.get_or_create(
    year=year, category=MemberCategory.INDIVIDUAL, defaults={"amount": Decimal("30")}
)
cotisation = services.cotisation_open(user=user, year=year)
services.offline_payment_record(
    cotisation=cotisation,
    method=PaymentMethod.CHEQUE,
    amount=cotisation.amount,
    reference="Chèque 1234567",
    received_on=timezone.localdate(),
    recorded_by=staff,
)
cotisation.refresh_from_db()
check(
    cotisation.status == "paid",
    "staff record the cheque: the cotisation is paid",
    cotisation.status,
)

mail.outbox.clear()
response = member.post(f"/inscriptions/session/{session.pk}/")
registration = Registration.objects.filter(session=session, user=user).first()
check(
    registration is not None and registration.status == RegistrationStatus.CONFIRMED,
    "the member registers",
    f"{response.status_code} {response.content[:300]}",
)
confirmations = [m for m in mail.outbox if email in m.to]
check(
    bool(confirmations),
    "the confirmation email is delivered",
    f"outbox: {[m.subject for m in mail.outbox]}",
)
if confirmations:
    message = confirmations[0]
    ics = [
        a
        for a in message.attachments
        if (getattr(a, "mimetype", None) or a[2]).startswith("text/calendar")
    ]
    check(bool(ics), "it carries the .ics invitation", f"attachments: {message.attachments!r}")
    check(settings.PORTAIL_SITE_URL in message.body, "its links start with PORTAIL_SITE_URL")

print(f"\n{len(failures)} step(s) failed" if failures else "\nthe whole journey passed")
sys.exit(1 if failures else 0)
