"""What a holder owes for a membership year, and how they may pay it.

One read, ``amount_due``, prices a holder's cotisation from the year's tariff of their category;
``cotisation_open`` and every page, document and API that shows a price go through it (or through
``due_for``, which also gives the live cotisation and the payment reference). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from . import payments
from .formats import euros
from .identity import association_identity
from .models import (
    INDIVIDUAL_CATEGORIES,
    AssociationSettings,
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    MemberCategory,
    MemberOrganisation,
    MemberProfile,
    PaymentMethod,
    Tariff,
)
from .references import payment_reference
from .years import membership_year, year_label, year_start

NO_TARIFF = "no_tariff"
NO_INHABITANTS = "no_inhabitants"

# Nothing left to pay for the year: paid, or money on its way, or covered until it comes.
SETTLED = {CotisationStatus.PAID, CotisationStatus.AWAITING_FUNDS, CotisationStatus.PROVISIONAL}


def _admin_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _contact(identity: AssociationSettings) -> str:
    """« Cap Rural (contact@caprural.org, 04 76 00 00 00) », or the name alone."""
    details = ", ".join(part for part in [identity.email, identity.phone] if part)
    return f"{identity.name} ({details})" if details else identity.name


class AmountUnknown(ValidationError):
    """The amount due cannot be computed yet: no tariff for the year and category, or a tariff
    per inhabitant for an organisation whose number of inhabitants is not known.

    Its message is for the member (whom to contact); ``staff_message`` is for staff (what to
    fill in, with a link to it in the admin).
    """

    def __init__(
        self,
        reason: str,
        *,
        year: int,
        category: str,
        organisation: MemberOrganisation | None = None,
        identity: AssociationSettings | None = None,
    ):
        self.reason = reason
        self.year = year
        self.category = category
        self.organisation = organisation
        self.identity = identity or association_identity()
        super().__init__(self.member_message, code=reason)

    @property
    def category_label(self) -> str:
        return MemberCategory(self.category).label

    @property
    def member_message(self) -> str:
        contact = _contact(self.identity)
        if self.reason == NO_INHABITANTS:
            return (
                f"Le montant de la cotisation {year_label(self.year)} de "
                f"{self.organisation.name} dépend de son nombre d’habitants, que nous ne "
                f"connaissons pas encore : indiquez-le à {contact}."
            )
        return (
            f"Le tarif {year_label(self.year)} de la catégorie « {self.category_label} » n’est "
            f"pas encore fixé : pour connaître le montant de votre cotisation, contactez "
            f"{contact}."
        )

    @property
    def staff_message(self) -> SafeString:
        if self.reason == NO_INHABITANTS:
            url = _admin_url("membership_memberorganisation_modeladmin_edit", self.organisation.pk)
            return format_html(
                "Le tarif {} de « {} » est calculé par habitant, et le nombre d’habitants de {} "
                'n’est pas renseigné : <a href="{}">complétez sa fiche</a>.',
                year_label(self.year),
                self.category_label,
                self.organisation.name,
                url,
            )
        url = _admin_url("membership_tariff_modeladmin_create")
        return format_html(
            'Le tarif {} de la catégorie « {} » n’est pas encore fixé : <a href="{}">fixez-le '
            "dans les tarifs</a>, puis recommencez.",
            year_label(self.year),
            self.category_label,
            url,
        )


def holder_category(*, user=None, organisation: MemberOrganisation | None = None) -> str:
    if organisation is not None:
        return organisation.category
    profile = MemberProfile.objects.filter(user=user).first()
    return profile.category if profile else MemberProfile._meta.get_field("category").default


def _holder(user, organisation) -> dict:
    if (user is None) == (organisation is None):
        raise ValueError("Give exactly one holder: user or organisation.")
    return {"user": user} if user is not None else {"organisation": organisation}


def amount_due(
    *,
    year: int,
    user=None,
    organisation: MemberOrganisation | None = None,
    tariff: Tariff | None = None,
) -> Decimal:
    """The cotisation of one holder for ``year`` at that year's tariff of their category.

    Raises ``AmountUnknown`` when there is no such tariff, or when it is per inhabitant and the
    organisation's number of inhabitants is not known (an individual has no inhabitants: a
    tariff per inhabitant for an individual category prices nothing).
    """
    _holder(user, organisation)
    category = holder_category(user=user, organisation=organisation)
    if tariff is None:
        tariff = Tariff.objects.filter(year=year, category=category).first()
    if tariff is None:
        raise AmountUnknown(NO_TARIFF, year=year, category=category, organisation=organisation)
    inhabitants = organisation.inhabitants if organisation is not None else None
    amount = tariff.amount_for(inhabitants)
    if amount is None:
        if organisation is None:
            raise AmountUnknown(NO_TARIFF, year=year, category=category)
        raise AmountUnknown(NO_INHABITANTS, year=year, category=category, organisation=organisation)
    return amount


@dataclass
class Due:
    """One holder's cotisation for one year as a member sees it: how much, under which payment
    reference, and whether anything is left to pay."""

    year: int
    holder_name: str
    category: str
    reference: str
    cotisation: Cotisation | None
    amount: Decimal | None
    problem: AmountUnknown | None = None
    organisation: MemberOrganisation | None = None

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def amount_label(self) -> str:
        return euros(self.amount) if self.amount is not None else ""

    @property
    def category_label(self) -> str:
        return MemberCategory(self.category).label

    @property
    def settled(self) -> bool:
        """Paid, money on its way, or provisionally covered: the holder is not asked to pay."""
        return self.cotisation is not None and self.cotisation.status in SETTLED

    @property
    def to_pay(self) -> bool:
        return not self.settled and self.amount is not None

    @property
    def status_label(self) -> str:
        return self.cotisation.get_status_display() if self.cotisation else ""

    @property
    def form_query(self) -> str:
        """The query string of this holder's membership form (``membership:form``)."""
        query = f"annee={self.year}"
        return f"{query}&organisation={self.organisation.pk}" if self.organisation else query


def due_for(*, year: int, user=None, organisation: MemberOrganisation | None = None) -> Due:
    """The holder's ``Due`` for ``year``: their live cotisation's amount when it exists (what the
    receipts will say), or else the amount due at the tariff."""
    holder = _holder(user, organisation)
    cotisation = Cotisation.objects.live().filter(year=year, **holder).first()
    category = holder_category(**holder)
    if organisation is not None:
        name = organisation.name
    else:
        profile = MemberProfile.objects.filter(user=user).first()
        name = (profile and profile.full_name) or user.email
    due = Due(
        year=year,
        holder_name=name,
        category=cotisation.category if cotisation else category,
        reference=payment_reference(year=year, **holder),
        cotisation=cotisation,
        amount=cotisation.amount if cotisation else None,
        organisation=organisation,
    )
    if cotisation is None:
        try:
            due.amount = amount_due(year=year, **holder)
        except AmountUnknown as exc:
            due.problem = exc
    return due


def dues_of(user, *, year: int) -> list[Due]:
    """What ``user`` may pay for ``year``: their own cotisation, then that of each organisation
    they are confirmed in."""
    organisations = MemberOrganisation.objects.filter(
        memberships__user=user, memberships__status=AttachmentStatus.CONFIRMED
    ).order_by("name")
    return [due_for(year=year, user=user)] + [
        due_for(year=year, organisation=organisation) for organisation in organisations
    ]


# --------------------------------------------------------------------------- ways to pay


@dataclass
class PaymentWay:
    """One way to pay, with what the payer needs to know (label, value) to use it."""

    method: str
    label: str
    summary: str
    details: list[tuple[str, str]] = field(default_factory=list)


def payment_ways(
    identity: AssociationSettings, *, online: bool | None = None, reference: str = ""
) -> list[PaymentWay]:
    """The ways to pay a cotisation: online when Stripe is configured, transfer when the
    association's IBAN is set, cheque, and administrative mandate for public bodies. With a
    ``reference``, each offline way says where to write it."""
    online = payments.online_payment_enabled() if online is None else online
    reference_line = [("Référence à indiquer", reference)] if reference else []
    ways = []
    if online:
        ways.append(
            PaymentWay(
                PaymentMethod.STRIPE,
                "Paiement en ligne",
                "Carte bancaire, prélèvement SEPA ou virement, sur la page de paiement sécurisée "
                "de notre prestataire Stripe ; le reçu est disponible dès le paiement reçu.",
            )
        )
    if identity.iban:
        ways.append(
            PaymentWay(
                PaymentMethod.TRANSFER,
                "Virement",
                "Indiquez la référence dans le libellé du virement : elle nous permet de le "
                "rattacher à votre cotisation.",
                [
                    ("Titulaire du compte", identity.account_holder),
                    ("IBAN", identity.iban_display),
                    ("BIC", identity.bic),
                    *reference_line,
                ],
            )
        )
    cheque = [("À l’ordre de", identity.payee)]
    if identity.cheque_postal_address:
        cheque.append(("À envoyer à", identity.cheque_postal_address))
    ways.append(
        PaymentWay(
            PaymentMethod.CHEQUE,
            "Chèque",
            "Joignez le bulletin de cotisation, ou inscrivez la référence au dos du chèque.",
            [*cheque, *reference_line],
        )
    )
    ways.append(
        PaymentWay(
            PaymentMethod.MANDATE,
            "Mandat administratif",
            "Pour les collectivités et organismes publics : l’association vous adresse une "
            "facture (déposée sur Chorus Pro si vous le demandez), réglée par votre comptable "
            "public ; joignez votre bon de commande s’il y en a un.",
            reference_line,
        )
    )
    return ways


# --------------------------------------------------------------------------- public prices

COVERS = [
    "Une adhésion individuelle couvre la personne pour toute l’année d’adhésion : inscriptions "
    "aux sessions réservées aux adhérents, tarifs adhérents, vie de l’association.",
    "La cotisation d’une organisation (commune, intercommunalité, association…) couvre toutes "
    "les personnes dont le rattachement à l’organisation est confirmé, par l’équipe ou par le "
    "référent de l’organisation.",
]


@dataclass
class CategoryPrice:
    category: str
    label: str
    is_individual: bool
    tariff: Tariff | None

    @property
    def formula_text(self) -> str:
        return self.tariff.formula_text if self.tariff else "Tarif pas encore fixé"


@dataclass
class YearPrices:
    year: int
    label: str
    start: dt.date
    prices: list[CategoryPrice]

    @property
    def any_set(self) -> bool:
        return any(price.tariff for price in self.prices)


@dataclass
class Offer:
    """Everything the public « Adhérer » page and ``/api/membership/tariffs/`` show."""

    years: list[YearPrices]
    covers: list[str]
    ways: list[PaymentWay]
    identity: AssociationSettings


def prices_for(years: list[int]) -> list[YearPrices]:
    """Each category's tariff for each of ``years``, in the categories' order (one query)."""
    tariffs = {(t.year, t.category): t for t in Tariff.objects.filter(year__in=years)}
    return [
        YearPrices(
            year=year,
            label=year_label(year),
            start=year_start(year),
            prices=[
                CategoryPrice(
                    category=category.value,
                    label=tariffs[year, category].display_label
                    if (year, category) in tariffs
                    else category.label,
                    is_individual=category in INDIVIDUAL_CATEGORIES,
                    tariff=tariffs.get((year, category)),
                )
                for category in MemberCategory
            ],
        )
        for year in years
    ]


def public_offer(*, request=None, on: dt.date | None = None) -> Offer:
    """The prices of this membership year and the next, what a cotisation covers, how to pay."""
    current = membership_year(on)
    identity = association_identity(request)
    return Offer(
        years=prices_for([current, current + 1]),
        covers=COVERS,
        ways=payment_ways(identity),
        identity=identity,
    )
