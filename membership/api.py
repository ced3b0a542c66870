"""The signed-in member's API: profile and coverage, cotisations, receipts.

Authentication, tried in this order:

- ``Authorization: Bearer <token>`` for servers acting for one person: Wagtail's ``APIToken``
  (created in the admin under Users, or ``manage.py api_tokens create --user <username>
  --name <label>``); only its hash is stored;
- the Django session cookie for browsers, with the CSRF token required on writes.

Everything is filtered by the authenticated person: another person's data answers 404.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth

from . import payments, services
from .checkout import checkout_start
from .checkout_views import OWN, open_cotisation_for, return_urls
from .coverage import coverage_for
from .models import MemberProfile, OrganisationMembership
from .pdf import receipt_pdf
from .views import pdf_response, visible_cotisations, visible_receipts
from .years import membership_year, year_label

router = Router(tags=["espace adhérent"], auth=[BearerTokenAuth(), SessionAuth()])


class ProfileOut(Schema):
    email: str
    first_name: str
    last_name: str
    phone: str
    job_title: str
    category: str
    category_label: str


# Named apart from the catalogue's OrganisationOut (a partner structure): one OpenAPI name each.
class MemberOrganisationOut(Schema):
    id: int
    name: str
    kind: str
    attachment_status: str
    is_referent: bool


class CoverageOut(Schema):
    on: dt.date
    year: int
    year_label: str
    covered: bool
    description: str
    cotisation_id: int | None
    organisation_id: int | None
    organisation_name: str | None
    provisional_until: dt.date | None
    renewing: bool = Field(
        description="Covered by last year's cotisation during the grace period (« en "
        "renouvellement »): this year is still to pay."
    )
    renewing_until: dt.date | None


class MeOut(Schema):
    profile: ProfileOut
    coverage: CoverageOut
    organisations: list[MemberOrganisationOut]


class ReceiptOut(Schema):
    id: int
    number: str
    kind: str
    amount: Decimal
    issued_at: dt.datetime
    url: str


class CotisationOut(Schema):
    id: int
    year: int
    year_label: str
    holder: str
    organisation_id: int | None
    organisation_name: str | None
    category: str
    amount: Decimal
    status: str
    status_label: str
    provisional_until: dt.date | None
    paid_at: dt.datetime | None
    receipts: list[ReceiptOut]


def _profile(profile: MemberProfile) -> ProfileOut:
    return ProfileOut(
        email=profile.user.email,
        first_name=profile.first_name,
        last_name=profile.last_name,
        phone=profile.phone,
        job_title=profile.job_title,
        category=profile.category,
        category_label=profile.get_category_display(),
    )


def _coverage(user, on: dt.date) -> CoverageOut:
    coverage = coverage_for(user, on=on)
    year = membership_year(on)
    if coverage is None:
        return CoverageOut(
            on=on,
            year=year,
            year_label=year_label(year),
            covered=False,
            description=f"Pas de cotisation couvrant le {on:%d/%m/%Y}.",
            cotisation_id=None,
            organisation_id=None,
            organisation_name=None,
            provisional_until=None,
            renewing=False,
            renewing_until=None,
        )
    return CoverageOut(
        on=on,
        year=year,
        year_label=year_label(year),
        covered=True,
        description=f"Couvert(e) {coverage.description}.",
        cotisation_id=coverage.cotisation.pk,
        organisation_id=coverage.organisation.pk if coverage.organisation else None,
        organisation_name=coverage.organisation.name if coverage.organisation else None,
        provisional_until=coverage.until if coverage.is_provisional else None,
        renewing=coverage.is_renewing,
        renewing_until=coverage.until if coverage.is_renewing else None,
    )


def _receipt(receipt) -> ReceiptOut:
    return ReceiptOut(
        id=receipt.pk,
        number=receipt.display_number,
        kind=receipt.kind,
        amount=receipt.amount,
        issued_at=receipt.issued_at,
        url=reverse("api:me_receipt_pdf", kwargs={"receipt_id": receipt.pk}),
    )


@router.get("/", response=MeOut, summary="Mon profil et ma couverture")
def me(request: HttpRequest, on: dt.date | None = None) -> MeOut:
    """The person's profile, their coverage on ``on`` (today by default) and organisations."""
    user = request.user
    attachments = OrganisationMembership.objects.filter(user=user).select_related("organisation")
    return MeOut(
        profile=_profile(
            MemberProfile.objects.filter(user=user).first() or MemberProfile(user=user)
        ),
        coverage=_coverage(user, on or timezone.localdate()),
        organisations=[
            MemberOrganisationOut(
                id=a.organisation.pk,
                name=a.organisation.name,
                kind=a.organisation.kind,
                attachment_status=a.status,
                is_referent=a.is_referent,
            )
            for a in attachments
        ],
    )


@router.get("/cotisations/", response=list[CotisationOut], summary="Mes cotisations")
def my_cotisations(request: HttpRequest) -> list[CotisationOut]:
    """The person's own cotisations and those of the organisations they are confirmed in."""
    cotisations = visible_cotisations(request.user).prefetch_related("receipts")
    return [
        CotisationOut(
            id=c.pk,
            year=c.year,
            year_label=year_label(c.year),
            holder="organisation" if c.organisation_id else "individual",
            organisation_id=c.organisation_id,
            organisation_name=c.organisation.name if c.organisation_id else None,
            category=c.category,
            amount=c.amount,
            status=c.status,
            status_label=c.get_status_display(),
            provisional_until=c.provisional_until,
            paid_at=c.paid_at,
            receipts=[_receipt(r) for r in c.receipts.all()],
        )
        for c in cotisations
    ]


@router.get(
    "/receipts/{int:receipt_id}.pdf",
    url_name="me_receipt_pdf",
    summary="Télécharger un reçu (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le reçu en PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def my_receipt_pdf(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = visible_receipts(request.user).filter(pk=receipt_id).first()
    if receipt is None:
        raise Http404("Reçu introuvable.")
    identity = services.association_identity(request)
    return pdf_response(
        receipt_pdf(receipt, identity=identity), f"recu-{receipt.display_number}.pdf"
    )


class CheckoutIn(Schema):
    year: int | None = None
    organisation_id: int | None = None


class CheckoutOut(Schema):
    checkout_url: str


class CheckoutErrorOut(Schema):
    detail: str


@router.post(
    "/cotisations/checkout/",
    response={200: CheckoutOut, 400: CheckoutErrorOut, 503: CheckoutErrorOut},
    summary="Payer une cotisation en ligne",
)
def my_cotisation_checkout(request: HttpRequest, payload: CheckoutIn) -> Status:
    """Open Stripe's payment page for the person's cotisation, or for that of an organisation
    they are confirmed in (``organisation_id``), for ``year`` (this membership year by default,
    or the next one), and return its address. The cotisation is opened at the year's tariff if
    needed; calling again while the page is open returns the same address. 503 when online
    payment is not configured or Stripe cannot be reached."""
    if not payments.online_payment_enabled():
        return Status(
            503,
            CheckoutErrorOut(
                detail="Le paiement en ligne n’est pas disponible : réglez par chèque, virement ou "
                "mandat administratif avec le bulletin d’adhésion."
            ),
        )
    holder = OWN if payload.organisation_id is None else str(payload.organisation_id)
    success_url, cancel_url = return_urls()
    try:
        cotisation = open_cotisation_for(
            request.user,
            holder=holder,
            year=membership_year() if payload.year is None else payload.year,
        )
        url = checkout_start(
            cotisation=cotisation, user=request.user, success_url=success_url, cancel_url=cancel_url
        )
    except ValidationError as exc:
        return Status(400, CheckoutErrorOut(detail=" ".join(exc.messages)))
    except payments.PaymentProviderError as exc:
        return Status(503, CheckoutErrorOut(detail=str(exc)))
    return Status(200, CheckoutOut(checkout_url=url))
