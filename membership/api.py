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

from . import dues, payments, services
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
    amount_due: Decimal | None = Field(
        description="Ce qu'il reste à régler pour être couvert(e) cette année-là : 0 si la "
        "personne est couverte (ou si sa cotisation est réglée), le montant de sa cotisation "
        "individuelle sinon ; null quand il ne peut pas encore être calculé (voir "
        "`amount_due_message`)."
    )
    amount_due_message: str | None = Field(
        description="Pourquoi le montant n'est pas connu, et qui contacter."
    )
    payment_reference: str = Field(
        description="La référence à indiquer sur un virement ou un chèque : celle de la "
        "cotisation qui couvre la personne, ou de sa cotisation individuelle."
    )
    renewing: bool = Field(
        description="Couvert(e) par la cotisation de l'année précédente pendant le délai de "
        "renouvellement (« en renouvellement ») : l'année en cours reste à régler."
    )
    renewing_until: dt.date | None


class DueOut(Schema):
    """A cotisation the person may pay for a year: their own, or an organisation's."""

    year: int
    year_label: str
    holder: str = Field(description="`individual` ou `organisation`.")
    holder_name: str
    organisation_id: int | None
    category: str
    category_label: str
    amount_due: Decimal | None
    amount_due_message: str | None
    payment_reference: str
    cotisation_id: int | None
    status: str | None
    settled: bool = Field(
        description="Payée, paiement en cours de réception ou couverture "
        "provisoire : rien à régler."
    )


class MeOut(Schema):
    profile: ProfileOut
    coverage: CoverageOut
    organisations: list[MemberOrganisationOut]
    dues: list[DueOut] = Field(
        description="Les cotisations de l'année de `on` que la personne peut régler, avec "
        "leur montant et leur référence de paiement."
    )


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


def _due(due: dues.Due) -> DueOut:
    return DueOut(
        year=due.year,
        year_label=due.year_label,
        holder="organisation" if due.organisation else "individual",
        holder_name=due.holder_name,
        organisation_id=due.organisation.pk if due.organisation else None,
        category=due.category,
        category_label=due.category_label,
        amount_due=Decimal(0) if due.settled else due.amount,
        amount_due_message=due.problem.member_message if due.problem else None,
        payment_reference=due.reference,
        cotisation_id=due.cotisation.pk if due.cotisation else None,
        status=due.cotisation.status if due.cotisation else None,
        settled=due.settled,
    )


def _coverage(user, on: dt.date, own: dues.Due) -> CoverageOut:
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
            amount_due=Decimal(0) if own.settled else own.amount,
            amount_due_message=own.problem.member_message if own.problem else None,
            payment_reference=own.reference,
            renewing=False,
            renewing_until=None,
        )
    if coverage.is_renewing:
        # Last year's cotisation covers through the grace period: this year's is still to pay.
        to_pay = {
            "amount_due": Decimal(0) if own.settled else own.amount,
            "amount_due_message": own.problem.member_message if own.problem else None,
            "payment_reference": own.reference,
        }
    else:
        to_pay = {
            "amount_due": Decimal(0),
            "amount_due_message": None,
            "payment_reference": coverage.cotisation.payment_reference,
        }
    return CoverageOut(
        **to_pay,
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
    """The person's profile, their coverage on ``on`` (today by default) with what is left to
    pay and the payment reference, their organisations, and the cotisations of that year they
    may pay."""
    user = request.user
    on = on or timezone.localdate()
    attachments = OrganisationMembership.objects.filter(user=user).select_related("organisation")
    year_dues = dues.dues_of(user, year=membership_year(on))
    return MeOut(
        profile=_profile(
            MemberProfile.objects.filter(user=user).first() or MemberProfile(user=user)
        ),
        coverage=_coverage(user, on, year_dues[0]),
        dues=[_due(due) for due in year_dues],
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


# --------------------------------------------------------------------------- public prices

public_router = Router(tags=["adhésion"])


class TariffOut(Schema):
    category: str
    category_label: str
    holder: str = Field(description="`individual` ou `organisation` : qui règle cette catégorie.")
    is_set: bool = Field(description="Le tarif de cette année est-il fixé ?")
    formula: str | None = Field(description="`flat` (forfait) ou `per_inhabitant`.")
    formula_text: str = Field(description="La formule en toutes lettres, en français.")
    amount: Decimal | None = Field(description="Le forfait (formule `flat`).")
    per_inhabitant: Decimal | None
    floor: Decimal | None = Field(description="Plancher (formule `per_inhabitant`).")
    ceiling: Decimal | None = Field(description="Plafond (formule `per_inhabitant`).")


class TariffYearOut(Schema):
    year: int
    year_label: str
    starts_on: dt.date
    tariffs: list[TariffOut]


class PaymentWayDetailOut(Schema):
    label: str
    value: str


class PaymentWayOut(Schema):
    method: str = Field(description="`stripe`, `transfer`, `cheque` ou `mandate`.")
    label: str
    summary: str
    details: list[PaymentWayDetailOut]


class TariffsOut(Schema):
    years: list[TariffYearOut] = Field(description="L'année d'adhésion en cours et la suivante.")
    covers: list[str] = Field(description="Ce que couvre une cotisation.")
    payment_ways: list[PaymentWayOut]


def _tariff(price: dues.CategoryPrice) -> TariffOut:
    tariff = price.tariff
    return TariffOut(
        category=price.category,
        category_label=price.label,
        holder="individual" if price.is_individual else "organisation",
        is_set=tariff is not None,
        formula=tariff.formula if tariff else None,
        formula_text=price.formula_text,
        amount=tariff.amount if tariff else None,
        per_inhabitant=tariff.per_inhabitant if tariff else None,
        floor=tariff.floor if tariff else None,
        ceiling=tariff.ceiling if tariff else None,
    )


@public_router.get(
    "/tariffs/", response=TariffsOut, summary="Tarifs des cotisations et moyens de paiement"
)
def tariffs(request: HttpRequest) -> TariffsOut:
    """Public: each member category's tariff for the current and the next membership year, the
    formula in words, what a cotisation covers and the ways to pay."""
    offer = dues.public_offer(request=request)
    return TariffsOut(
        years=[
            TariffYearOut(
                year=year.year,
                year_label=year.label,
                starts_on=year.start,
                tariffs=[_tariff(price) for price in year.prices],
            )
            for year in offer.years
        ],
        covers=offer.covers,
        payment_ways=[
            PaymentWayOut(
                method=way.method,
                label=way.label,
                summary=way.summary,
                details=[PaymentWayDetailOut(label=k, value=v) for k, v in way.details],
            )
            for way in offer.ways
        ],
    )
