"""Who may reach what: every URL pattern and API operation, for every kind of person.

The table below gives, for each route of Django's URL resolver and each operation of the API's
OpenAPI document, the answer each actor gets. Two tests read the resolver and the document and
fail when a route or an operation is missing from the table (or the table names one that no
longer exists), so a new endpoint cannot go unchecked. Then every row is requested as every
actor, against real objects: an online session with a meeting link, registrations, an
application, paid cotisations with their receipts, profiles. Besides the status, no response may
show the meeting link (sent by email only) nor one person's profile, registration,
application or receipt to anybody else.

Actors: anonymous; an account without cotisation; a covered member (the owner of the private
rows below); another covered member; an editor (Wagtail's "Editors" group: admin, no staff
flag); a superuser.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from catalogue.models import RegistrationMode, SessionFormat
from catalogue.registrations import services as catalogue_services
from membership.models import AttachmentStatus, CotisationStatus, PaymentMethod
from membership.services import offline_payment_record
from membership.years import membership_year
from tests.catalogue.factories import (
    ResourceArticlePageFactory,
    SessionPageFactory,
    WorkingGroupCallPageFactory,
)
from tests.membership.factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "no_cotisation", "member", "other_member", "editor", "superuser")

# What an answer is, in the table.
OK = "2xx"
LOGIN = "→ login"  # redirect to the site's login page, with ?next=
ADMIN_LOGIN = "→ admin login"
REDIRECT = "→ elsewhere"  # any other redirect (a form's success, an already signed-in visitor)

# Routes not in the table, with the reason. Prefixes of the resolver's route strings.
EXCLUDED = {
    "admin/": "Wagtail's admin: its own permission checks; the dashboard is in the table",
    "django-admin/": "Django's admin, superusers only; its index is in the table",
    "documents/": "Wagtail's document serving (collection privacy), no portal document is private",
    "_util/": "Wagtail's internal page-privacy forms, for password-protected pages (none here)",
    "_allauth/app/": "allauth's app-client API: the browser API's twin, by session token",
}


@dataclass(frozen=True)
class Row:
    route: str  # as the URL resolver spells it
    method: str
    path: str  # filled from the objects below: {session}, {receipt}, …
    expected: tuple  # one per actor, in ACTORS order
    data: dict = field(default_factory=dict)
    as_json: bool = False


def row(route, method, path, *expected, data=None, as_json=False):
    assert len(expected) == len(ACTORS), route
    return Row(route, method, path, expected, data or {}, as_json)


WAGTAIL_PAGES = r"^((?:[\w\-]+/)*)$"

# fmt: off
TABLE = [
    #   route                                                 method    path                                        anonymous    no cotis.    member       other        editor       superuser
    # --- the site's pages (Wagtail) ------------------------------------------------------------
    row(WAGTAIL_PAGES,                                        "GET",    "/",                                        OK,          OK,          OK,          OK,          OK,          OK),
    row(WAGTAIL_PAGES,                                        "GET",    "{index_url}",                              OK,          OK,          OK,          OK,          OK,          OK),
    row(WAGTAIL_PAGES,                                        "GET",    "{session_url}",                            OK,          OK,          OK,          OK,          OK,          OK),
    row(WAGTAIL_PAGES,                                        "GET",    "{call_url}",                               OK,          OK,          OK,          OK,          OK,          OK),
    row(WAGTAIL_PAGES,                                        "GET",    "{article_url}",                            OK,          OK,          OK,          OK,          OK,          OK),
    row(WAGTAIL_PAGES,                                        "GET",    "{draft_url}",                              404,         404,         404,         404,         404,         404),
    row("recherche/",                                         "GET",    "/recherche/?q=session",                    OK,          OK,          OK,          OK,          OK,          OK),
    # --- accounts (allauth pages) ---------------------------------------------------------------
    row("comptes/login/",                                     "GET",    "/comptes/login/",                          OK,          REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT),
    row("comptes/logout/",                                    "GET",    "/comptes/logout/",                         REDIRECT,    OK,          OK,          OK,          OK,          OK),
    row("comptes/inactive/",                                  "GET",    "/comptes/inactive/",                       OK,          OK,          OK,          OK,          OK,          OK),
    row("comptes/signup/",                                    "GET",    "/comptes/signup/",                         OK,          REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT),
    row("comptes/reauthenticate/",                            "GET",    "/comptes/reauthenticate/",                 LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("comptes/email/",                                     "GET",    "/comptes/email/",                          LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("comptes/confirm-email/",                             "GET",    "/comptes/confirm-email/",                  OK,          OK,          OK,          OK,          OK,          OK),
    row("comptes/password/change/",                           "GET",    "/comptes/password/change/",                LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("comptes/password/set/",                              "GET",    "/comptes/password/set/",                   LOGIN,       REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT),
    row("comptes/password/reset/",                            "GET",    "/comptes/password/reset/",                 OK,          OK,          OK,          OK,          OK,          OK),
    row("comptes/login/code/confirm/",                        "GET",    "/comptes/login/code/confirm/",             REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT),
    row(r"comptes/^confirm-email/(?P<key>[-:\w]+)/$",         "GET",    "/comptes/confirm-email/cle-inconnue/",     OK,          OK,          OK,          OK,          OK,          OK),
    row("comptes/password/reset/key/done/",                   "GET",    "/comptes/password/reset/key/done/",        OK,          OK,          OK,          OK,          OK,          OK),
    row(r"comptes/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
                                                         "GET",    "/comptes/password/reset/key/1-cle/",      OK,          OK,        OK,        OK,        OK,          OK),
    row("comptes/password/reset/done/",                       "GET",    "/comptes/password/reset/done/",            OK,          OK,          OK,          OK,          OK,          OK),
    # --- accounts (allauth's headless API, browser client) ----------------------------------------
    row("_allauth/browser/v1/config",                         "GET",    "/_allauth/browser/v1/config",              OK,          OK,          OK,          OK,          OK,          OK),
    row("_allauth/browser/v1/auth/session",                   "GET",    "/_allauth/browser/v1/auth/session",        401,         OK,          OK,          OK,          OK,          OK),
    row("_allauth/browser/v1/auth/reauthenticate",            "GET",    "/_allauth/browser/v1/auth/reauthenticate", 401,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/auth/code/confirm",              "GET",    "/_allauth/browser/v1/auth/code/confirm",   409,         409,         409,         409,         409,         409),
    row("_allauth/browser/v1/auth/password/request",          "GET",    "/_allauth/browser/v1/auth/password/request", 405,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/auth/password/reset",            "GET",    "/_allauth/browser/v1/auth/password/reset", 400,         400,         400,         400,         400,         400),
    row("_allauth/browser/v1/auth/login",                     "GET",    "/_allauth/browser/v1/auth/login",          405,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/auth/signup",                    "GET",    "/_allauth/browser/v1/auth/signup",         405,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/auth/email/verify",              "GET",    "/_allauth/browser/v1/auth/email/verify",   400,         400,         400,         400,         400,         400),
    row("_allauth/browser/v1/auth/email/verify/resend",       "GET",    "/_allauth/browser/v1/auth/email/verify/resend", 405,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/auth/phone/verify",              "GET",    "/_allauth/browser/v1/auth/phone/verify",   404,         404,         404,         404,         404,         404),
    row("_allauth/browser/v1/auth/phone/verify/resend",       "GET",    "/_allauth/browser/v1/auth/phone/verify/resend", 404,         404,         404,         404,         404,         404),
    row("_allauth/browser/v1/account/password/change",        "GET",    "/_allauth/browser/v1/account/password/change", 401,         405,         405,         405,         405,         405),
    row("_allauth/browser/v1/account/email",                  "GET",    "/_allauth/browser/v1/account/email",       401,         OK,          OK,          OK,          OK,          OK),
    row("_allauth/browser/v1/account/phone",                  "GET",    "/_allauth/browser/v1/account/phone",       404,         404,         404,         404,         404,         404),
    # --- the member's pages ---------------------------------------------------------------------
    row("adhesion/",                                          "GET",    "/adhesion/",                               LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/profil/",                                   "GET",    "/adhesion/profil/",                        LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/profil/",                                   "POST",   "/adhesion/profil/",                        LOGIN,       OK,          OK,          OK,          OK,          OK,
        data={"first_name": "x" * 300}),
    row("adhesion/organisation/",                             "GET",    "/adhesion/organisation/",                  LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/organisation/<int:pk>/commande/",           "GET",    "/adhesion/organisation/{organisation}/commande/", LOGIN, 404,       OK,          404,         404,         OK),
    row("adhesion/organisation/<int:pk>/commande/",           "POST",   "/adhesion/organisation/{organisation}/commande/", LOGIN, 404,       OK,          404,         404,         OK,
        data={"commitment_number": "x" * 300}),
    row("adhesion/rattachements/<int:pk>/",                   "POST",   "/adhesion/rattachements/{attachment}/",    LOGIN,       404,         REDIRECT,    404,         404,         REDIRECT,
        data={"decision": "refuse"}),
    row("adhesion/rattachements/<int:pk>/",                   "GET",    "/adhesion/rattachements/{attachment}/",    LOGIN,       405,         405,         405,         405,         405),
    row("adhesion/bulletin/",                                 "GET",    "/adhesion/bulletin/",                      LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/recus/<int:pk>.pdf",                        "GET",    "/adhesion/recus/{receipt}.pdf",            LOGIN,       404,         OK,          404,         404,         404),
    row("adhesion/mes-donnees.json",                          "GET",    "/adhesion/mes-donnees.json",               LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/supprimer-mon-compte/",                     "GET",    "/adhesion/supprimer-mon-compte/",          LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/paiement/",                                 "GET",    "/adhesion/paiement/",                      LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("adhesion/paiement/merci/",                           "GET",    "/adhesion/paiement/merci/",                LOGIN,       404,         404,         404,         404,         404),
    row("adhesion/paiement/annule/",                          "GET",    "/adhesion/paiement/annule/",               LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("membership/stripe/webhook/",                         "POST",   "/membership/stripe/webhook/",              400,         400,         400,         400,         400,         400),
    row("membership/stripe/webhook/",                         "GET",    "/membership/stripe/webhook/",              405,         405,         405,         405,         405,         405),
    # --- registrations and applications (pages) ---------------------------------------------------
    row("inscriptions/session/<int:session_id>/",             "GET",    "/inscriptions/session/{session}/",         LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("inscriptions/session/<int:session_id>/",             "POST",   "/inscriptions/session/{session}/",         LOGIN,       403,         REDIRECT,    REDIRECT,    403,         403),
    row("inscriptions/appel/<int:call_id>/candidature/",      "GET",    "/inscriptions/appel/{call}/candidature/",  LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("inscriptions/appel/<int:call_id>/candidature/",      "POST",   "/inscriptions/appel/{call}/candidature/",  LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("inscriptions/mes-inscriptions/",                     "GET",    "/inscriptions/mes-inscriptions/",          LOGIN,       OK,          OK,          OK,          OK,          OK),
    row("inscriptions/<int:pk>/annuler/",                     "POST",   "/inscriptions/{registration}/annuler/",    LOGIN,       404,         REDIRECT,    404,         404,         404),
    row("inscriptions/<int:pk>/annuler/",                     "GET",    "/inscriptions/{registration}/annuler/",    LOGIN,       405,         405,         405,         405,         405),
    row("inscriptions/<int:pk>/agenda.ics",                   "GET",    "/inscriptions/{registration}/agenda.ics",  LOGIN,       404,         OK,          404,         404,         404),
    row("inscriptions/<int:pk>/certificat.pdf",               "GET",    "/inscriptions/{registration}/certificat.pdf", LOGIN,    404,         409,         404,         404,         404),
    row("inscriptions/<int:pk>/emarger/<str:key>/",           "POST",   "/inscriptions/{registration}/emarger/{half_day}/", LOGIN, 404,      REDIRECT,    404,         404,         404),
    row("inscriptions/<int:pk>/emarger/<str:key>/",           "GET",    "/inscriptions/{registration}/emarger/{half_day}/", LOGIN, 405,      405,         405,         405,         405),
    row("inscriptions/emargement/<int:session_id>/<str:key>/<str:code>/",
                                                              "GET",    "/inscriptions/emargement/{session}/{half_day}/code-perime/", LOGIN, OK, OK,     OK,          OK,          OK),
    row("inscriptions/emargement/<int:session_id>/<str:key>/<str:code>/",
                                                              "POST",   "/inscriptions/emargement/{session}/{half_day}/code-perime/", LOGIN, 409, 409,   409,         409,         409),
    # a survey link needs no login: its signed token is the only key (tests/catalogue/test_surveys.py)
    row("inscriptions/enquete/<str:token>/",                  "GET",    "/inscriptions/enquete/faux-jeton/",        404,         404,         404,         404,         404,         404),
    row("inscriptions/enquete/<str:token>/",                  "POST",   "/inscriptions/enquete/faux-jeton/",        404,         404,         404,         404,         404,         404),
    # --- the portal's API -------------------------------------------------------------------------
    row("api/",                                               "GET",    "/api/",                                    404,         404,         404,         404,         404,         404),
    row("api/openapi.json",                                   "GET",    "/api/openapi.json",                        OK,          OK,          OK,          OK,          OK,          OK),
    row("api/docs",                                           "GET",    "/api/docs",                                OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/",                                     "GET",    "/api/catalogue/",                          OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/by-path/",                             "GET",    "/api/catalogue/by-path/?path={session_url}", OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/<int:item_id>/",                       "GET",    "/api/catalogue/{session}/",                OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/<int:item_id>/",                       "GET",    "/api/catalogue/{draft}/",                  404,         404,         404,         404,         404,         404),
    row("api/catalogue/preview/",                             "GET",    "/api/catalogue/preview/?{preview_query}",  OK,          OK,          OK,          OK,          OK,          OK),
    row("api/calendar.ics",                                   "GET",    "/api/calendar.ics",                        OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/<int:item_id>/calendar.ics",           "GET",    "/api/catalogue/{session}/calendar.ics",    OK,          OK,          OK,          OK,          OK,          OK),
    row("api/catalogue/<int:item_id>/registrations/",         "POST",   "/api/catalogue/{session}/registrations/",  401,         403,         409,         409,         403,         403,
        as_json=True),
    row("api/me/registrations/",                              "GET",    "/api/me/registrations/",                   401,         OK,          OK,          OK,          OK,          OK),
    row("api/me/registrations/<int:registration_id>/",        "DELETE", "/api/me/registrations/{registration}/",    401,         404,         OK,          404,         404,         404),
    row("api/catalogue/<int:item_id>/applications/",          "POST",   "/api/catalogue/{call}/applications/",      401,         422,         409,         422,         422,         422,
        data={"answers": {}}, as_json=True),
    row("api/me/applications/",                               "GET",    "/api/me/applications/",                    401,         OK,          OK,          OK,          OK,          OK),
    row("api/search/",                                        "GET",    "/api/search/?q=session",                   OK,          OK,          OK,          OK,          OK,          OK),
    row("api/search/autocomplete/",                           "GET",    "/api/search/autocomplete/?q=ses",          OK,          OK,          OK,          OK,          OK,          OK),
    row("api/membership/tariffs/",                            "GET",    "/api/membership/tariffs/",                 OK,          OK,          OK,          OK,          OK,          OK),
    row("api/me/",                                            "GET",    "/api/me/",                                 401,         OK,          OK,          OK,          OK,          OK),
    row("api/me/cotisations/",                                "GET",    "/api/me/cotisations/",                     401,         OK,          OK,          OK,          OK,          OK),
    row("api/me/receipts/<int:receipt_id>.pdf",               "GET",    "/api/me/receipts/{receipt}.pdf",           401,         404,         OK,          404,         404,         404),
    row("api/me/registrations/<int:registration_id>/certificate.pdf",
                                                              "GET",    "/api/me/registrations/{registration}/certificate.pdf", 401, 404,   409,         404,         404,         404),
    row("api/me/cotisations/checkout/",                       "POST",   "/api/me/cotisations/checkout/",            401,         503,         503,         503,         503,         503,
        as_json=True),
    # --- Wagtail's page API (v2) ------------------------------------------------------------------
    row("api/v2/^pages/",                                     "GET",    "/api/v2/pages/?type=catalogue.SessionPage&fields=*", OK,          OK,          OK,          OK,          OK,          OK),
    row("api/v2/^pages/<int:pk>/",                            "GET",    "/api/v2/pages/{session}/",                 OK,          OK,          OK,          OK,          OK,          OK),
    row("api/v2/^pages/<int:pk>/",                            "GET",    "/api/v2/pages/{draft}/",                   404,         404,         404,         404,         404,         404),
    row("api/v2/^pages/find/",                                "GET",    "/api/v2/pages/find/?html_path={session_url}", REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT),
    row("api/v2/^images/",                                    "GET",    "/api/v2/images/",                          OK,          OK,          OK,          OK,          OK,          OK),
    row("api/v2/^images/<int:pk>/",                           "GET",    "/api/v2/images/999999/",                   404,         404,         404,         404,         404,         404),
    row("api/v2/^images/find/",                               "GET",    "/api/v2/images/find/?id=999999",           404,         404,         404,         404,         404,         404),
    row("api/v2/^documents/",                                 "GET",    "/api/v2/documents/",                       OK,          OK,          OK,          OK,          OK,          OK),
    row("api/v2/^documents/<int:pk>/",                        "GET",    "/api/v2/documents/999999/",                404,         404,         404,         404,         404,         404),
    row("api/v2/^documents/find/",                            "GET",    "/api/v2/documents/find/?id=999999",        404,         404,         404,         404,         404,         404),
    # --- the admins' front doors ------------------------------------------------------------------
    row("admin/",                                             "GET",    "/admin/",                                  ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK,          OK),
    row("django-admin/",                                      "GET",    "/django-admin/",                           REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    REDIRECT,    OK),
]
# fmt: on


# --------------------------------------------------------------------------- the routes


def resolver_routes(patterns=None, prefix=""):
    """Every route of the URL resolver, as a string such as ``adhesion/recus/<int:pk>.pdf``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from resolver_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def excluded(route: str) -> bool:
    return any(route.startswith(prefix) for prefix in EXCLUDED)


def openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_url_pattern_is_in_the_table():
    routes = {route for route in resolver_routes() if not excluded(route)}
    in_table = {r.route for r in TABLE}

    missing = sorted(routes - in_table)
    gone = sorted(in_table - routes - {"admin/", "django-admin/"})
    assert not missing, (
        "New URL patterns without an expected answer per actor: add a row for each to TABLE in "
        "tests/test_authorisation.py (or, for a third-party app's internals, a prefix to "
        "EXCLUDED with the reason):\n  " + "\n  ".join(missing)
    )
    assert not gone, "TABLE names routes that no longer exist:\n  " + "\n  ".join(gone)


def test_every_api_operation_is_in_the_table(client):
    document = client.get("/api/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    }
    in_table = {(r.method, openapi_path(r.route)) for r in TABLE}

    missing = sorted(operations - in_table)
    assert not missing, (
        "New API operations without an expected answer per actor: add a row for each to TABLE "
        "in tests/test_authorisation.py:\n  " + "\n  ".join(f"{m} {p}" for m, p in missing)
    )


# --------------------------------------------------------------------------- the world

MEETING_URL = "https://visio.exemple.fr/salle-privee-7f3a9c"
PROFILE_SECRET = "Cheffe de projet Bocage-4821"
PHONE_SECRET = "06 48 21 77 90"
# ASCII without quotes: HTML and JSON escaping would hide anything else from the search.
ANSWER_SECRET = "Reponse confidentielle a l appel 9d2e"


@pytest.fixture
def world(db, home_page):
    session = SessionPageFactory(
        format=SessionFormat.ONLINE,
        meeting_url=MEETING_URL,
        registration_mode=RegistrationMode.MEMBERS,
        venue_name="",
        venue_town="",
    )
    session.save_revision().publish()
    # The year the session falls in: in late December, four weeks ahead is next year.
    year = membership_year(timezone.localdate(session.starts_at))
    TariffFactory(year=year, amount=Decimal("45.00"))

    member = ProfileFactory(job_title=PROFILE_SECRET, phone=PHONE_SECRET).user
    other = ProfileFactory().user
    no_cotisation = ProfileFactory().user
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    superuser = UserFactory(is_staff=True, is_superuser=True)

    staff = UserFactory(is_staff=True)
    receipts = {}
    for person in (member, other):
        cotisation = CotisationFactory(user=person, year=year, status=CotisationStatus.PENDING)
        payment = offline_payment_record(
            cotisation=cotisation,
            method=PaymentMethod.TRANSFER,
            amount=cotisation.amount,
            reference=f"VIR-{person.pk}",
            received_on=dt.date.today(),
            recorded_by=staff,
        )
        receipts[person] = payment.receipts.get()

    call = WorkingGroupCallPageFactory(parent=session.get_parent())
    call.save_revision().publish()
    article = ResourceArticlePageFactory(parent=session.get_parent())
    draft = ResourceArticlePageFactory(parent=session.get_parent(), live=False)

    registration = catalogue_services.registration_create(
        session=session, user=member, occurrence=None
    )
    catalogue_services.registration_create(session=session, user=other, occurrence=None)
    question = call.questions.get()
    catalogue_services.application_submit(
        call=call, user=member, answers={str(question.pk): ANSWER_SECRET}
    )

    # The member is the referent of an organisation; someone asks to join it.
    organisation = OrganisationFactory()
    AttachmentFactory(
        user=member, organisation=organisation, status=AttachmentStatus.CONFIRMED, is_referent=True
    )
    request = AttachmentFactory(
        user=UserFactory(), organisation=organisation, status=AttachmentStatus.REQUESTED
    )

    # A draft of the session as the headless preview stores it: the token alone opens it.
    preview_query = urlencode(
        {"content_type": "catalogue.sessionpage", "token": session.create_page_preview().token}
    )

    receipt = receipts[member]
    values = {
        "index_url": session.get_parent().url,
        "session_url": session.url,
        "call_url": call.url,
        "article_url": article.url,
        "draft_url": f"{session.get_parent().url}{draft.slug}/",
        "session": session.pk,
        "call": call.pk,
        "draft": draft.pk,
        "registration": registration.pk,
        "half_day": session.half_days[0].key,
        "receipt": receipt.pk,
        "attachment": request.pk,
        "organisation": organisation.pk,
        "preview_query": preview_query,
    }
    # What only the member may ever see, and where it shows.
    owned_by_member = [
        PROFILE_SECRET,
        PHONE_SECRET,
        ANSWER_SECRET,
        receipt.display_number,
        f"/adhesion/recus/{receipt.pk}.pdf",
        f"/api/me/receipts/{receipt.pk}.pdf",
        reverse("catalogue:cancel", args=[registration.pk]),
        reverse("catalogue:registration_ics", args=[registration.pk]),
    ]
    actors = {
        "anonymous": None,
        "no_cotisation": no_cotisation,
        "member": member,
        "other_member": other,
        "editor": editor,
        "superuser": superuser,
    }
    return values, actors, owned_by_member


def outcome(response) -> object:
    """The class of an answer, as written in TABLE."""
    if 200 <= response.status_code < 300:
        return OK
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(reverse("account_login") + "?next="):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def send(client: Client, r: Row, path: str):
    if r.as_json:
        return client.generic(
            r.method, path, data=json.dumps(r.data), content_type="application/json"
        )
    if r.method == "POST":
        return client.post(path, r.data)
    return client.generic(r.method, path)


def test_each_actor_gets_the_expected_answer_and_nothing_of_anyone_else(world):
    values, actors, owned_by_member = world
    wrong, leaks, seen_by_member = [], [], set()
    for r in TABLE:
        path = r.path.format(**values)
        # Each row starts from the same world: what a request writes is rolled back after it.
        with transaction.atomic():
            for name, expected in zip(ACTORS, r.expected, strict=True):
                client = Client()
                if actors[name] is not None:
                    client.force_login(actors[name])
                response = send(client, r, path)
                got = outcome(response)
                if got != expected:
                    wrong.append(f"{r.method:6} {path:55} {name:14} expected {expected}, got {got}")
                text = body(response)
                if MEETING_URL in text:
                    leaks.append(f"{r.method} {path} as {name}: the meeting link")
                if name == "member":
                    seen_by_member |= {secret for secret in owned_by_member if secret in text}
                else:
                    leaks += [
                        f"{r.method} {path} as {name}: the member's « {secret} »"
                        for secret in owned_by_member
                        if secret in text
                    ]
            transaction.set_rollback(True)

    assert not wrong, "Unexpected answers:\n" + "\n".join(wrong)
    assert not leaks, "Private data shown to the wrong person:\n" + "\n".join(leaks)
    # The secrets searched for are real: the member does see each of them somewhere.
    assert seen_by_member == set(owned_by_member)
