"""Members and dues: profiles, member organisations, tariffs, cotisations, payments, receipts.

State changes go through ``membership.services``; models only hold data and reads.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from stdnum import bic, iban
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from .formats import euros, rate_euros
from .references import payment_reference
from .validators import (
    validate_bic,
    validate_chorus_service_code,
    validate_commitment_number,
    validate_iban,
    validate_phone,
    validate_purchase_order_number,
    validate_siret,
)
from .years import YEAR_VALIDATORS, date_in_year, membership_year


class MemberCategory(models.TextChoices):
    """Member categories; each year's tariff is set per category."""

    INDIVIDUAL = "individual", "Adhésion individuelle"
    REDUCED = "reduced", "Adhésion individuelle à tarif réduit (étudiant, demandeur d’emploi)"
    SMALL_COMMUNE = "small_commune", "Commune de moins de 1 000 habitants"
    COMMUNE = "commune", "Commune de 1 000 habitants et plus"
    INTERCOMMUNALITE = "intercommunalite", "Intercommunalité, pays, PETR"
    DEPARTEMENT = "departement", "Département, région"
    ASSOCIATION = "association", "Association"
    PUBLIC_BODY = "public_body", "Établissement public, autre organisme public"
    OTHER = "other", "Autre structure"


INDIVIDUAL_CATEGORIES = [MemberCategory.INDIVIDUAL, MemberCategory.REDUCED]


class TariffFormula(models.TextChoices):
    FLAT = "flat", "Montant forfaitaire"
    PER_INHABITANT = "per_inhabitant", "Par habitant, avec un plancher et un plafond"


CENT = Decimal("0.01")
AMOUNT_VALIDATORS = [MinValueValidator(Decimal(0), "Un montant ne peut pas être négatif.")]


class Tariff(models.Model):
    """The price of one year's cotisation for one member category, set by staff: a flat amount,
    or an amount per inhabitant between a floor and a ceiling (local authorities)."""

    year = models.PositiveIntegerField("année", validators=YEAR_VALIDATORS)
    category = models.CharField("catégorie", max_length=30, choices=MemberCategory.choices)
    formula = models.CharField(
        "formule", max_length=20, choices=TariffFormula.choices, default=TariffFormula.FLAT
    )
    amount = models.DecimalField(
        "montant forfaitaire (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
    )
    per_inhabitant = models.DecimalField(
        "montant par habitant (€)",
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
        help_text="Par exemple 0,12 € par habitant.",
    )
    floor = models.DecimalField(
        "plancher (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
        help_text="Montant minimum, quel que soit le nombre d’habitants.",
    )
    ceiling = models.DecimalField(
        "plafond (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
        help_text="Montant maximum, quel que soit le nombre d’habitants.",
    )
    label = models.CharField(
        "libellé", max_length=200, blank=True, help_text="Affiché sur le bulletin d’adhésion."
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("category")]),
        FieldPanel("formula"),
        FieldPanel("amount"),
        FieldRowPanel([FieldPanel("per_inhabitant"), FieldPanel("floor"), FieldPanel("ceiling")]),
        FieldPanel("label"),
    ]

    class Meta:
        ordering = ["-year", "category"]
        verbose_name = "tarif"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category"], name="tariff_one_per_year_category"
            ),
            models.CheckConstraint(
                condition=Q(formula="flat", amount__isnull=False)
                | Q(formula="per_inhabitant", per_inhabitant__isnull=False),
                name="tariff_formula_complete",
                violation_error_message=(
                    "Un tarif forfaitaire a un montant ; un tarif par habitant a un montant par "
                    "habitant."
                ),
            ),
            models.CheckConstraint(
                condition=Q(floor__isnull=True)
                | Q(ceiling__isnull=True)
                | Q(floor__lte=models.F("ceiling")),
                name="tariff_floor_below_ceiling",
                violation_error_message="Le plancher doit être inférieur ou égal au plafond.",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.get_category_display()} · {self.formula_text}"

    def clean(self):
        if self.formula == TariffFormula.FLAT:
            if self.amount is None:
                raise ValidationError({"amount": "Indiquez le montant de la cotisation."})
            # A flat amount has no floor nor ceiling: left over from another formula, cleared.
            self.per_inhabitant = self.floor = self.ceiling = None
        elif self.formula == TariffFormula.PER_INHABITANT:
            if self.per_inhabitant is None:
                raise ValidationError({"per_inhabitant": "Indiquez le montant par habitant."})
            self.amount = None
            if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
                raise ValidationError(
                    {"ceiling": "Le plafond doit être supérieur ou égal au plancher."}
                )

    @property
    def display_label(self) -> str:
        return self.label or self.get_category_display()

    @property
    def needs_inhabitants(self) -> bool:
        return self.formula == TariffFormula.PER_INHABITANT

    def amount_for(self, inhabitants: int | None = None) -> Decimal | None:
        """The cotisation at this tariff; None when it is per inhabitant and ``inhabitants`` is
        unknown. Per inhabitant: rounded to the cent, then raised to the floor, held to the
        ceiling."""
        if not self.needs_inhabitants:
            return self.amount
        if inhabitants is None:
            return None
        amount = (self.per_inhabitant * inhabitants).quantize(CENT, rounding=ROUND_HALF_UP)
        if self.floor is not None:
            amount = max(amount, self.floor)
        if self.ceiling is not None:
            amount = min(amount, self.ceiling)
        return amount

    @property
    def formula_text(self) -> str:
        """The formula in words: « 45,00 € », « 0,12 € par habitant, au minimum 80,00 € et au
        maximum 2 500,00 € »."""
        if not self.needs_inhabitants:
            return euros(self.amount) if self.amount is not None else ""
        text = f"{rate_euros(self.per_inhabitant)} par habitant"
        bounds = []
        if self.floor is not None:
            bounds.append(f"au minimum {euros(self.floor)}")
        if self.ceiling is not None:
            bounds.append(f"au maximum {euros(self.ceiling)}")
        return f"{text}, {' et '.join(bounds)}" if bounds else text


class MemberProfile(models.Model):
    """What a member tells about themselves; one per user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_profile"
    )
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True, validators=[validate_phone])
    job_title = models.CharField("fonction", max_length=200, blank=True)
    category = models.CharField(
        "catégorie d’adhérent",
        max_length=30,
        choices=MemberCategory.choices,
        default=MemberCategory.INDIVIDUAL,
    )
    address = models.TextField("adresse postale", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "profil d’adhérent"
        verbose_name_plural = "profils d’adhérents"

    def __str__(self):
        return self.full_name or self.user.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# More than France's population is a typing mistake.
MAX_INHABITANTS = 70_000_000


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    INTERCOMMUNALITE = "intercommunalite", "Intercommunalité"
    DEPARTEMENT = "departement", "Département"
    ASSOCIATION = "association", "Association"
    PUBLIC_BODY = "public_body", "Organisme public"
    OTHER = "other", "Autre"


class MemberOrganisation(models.Model):
    """An organisation that is (or may become) a member; its cotisation covers attached people."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    siret = models.CharField(
        "SIRET", max_length=17, blank=True, validators=[validate_siret], help_text="14 chiffres."
    )
    address = models.TextField("adresse", blank=True)
    postcode = models.CharField("code postal", max_length=10, blank=True)
    town = models.CharField("commune", max_length=100, blank=True)
    billing_email = models.EmailField("courriel de facturation", blank=True)
    chorus_service_code = models.CharField(
        "code service Chorus Pro",
        max_length=100,
        blank=True,
        validators=[validate_chorus_service_code],
        help_text="Si l’organisme public en exige un pour recevoir ses factures.",
    )
    category = models.CharField(
        "catégorie d’adhérent",
        max_length=30,
        choices=MemberCategory.choices,
        default=MemberCategory.OTHER,
    )
    inhabitants = models.PositiveIntegerField(
        "nombre d’habitants",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Indiquez un nombre d’habitants d’au moins 1."),
            MaxValueValidator(
                MAX_INHABITANTS,
                "Ce nombre d’habitants dépasse celui de la France entière : vérifiez-le.",
            ),
        ],
        help_text="Population municipale (Insee) : le tarif des collectivités en dépend.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation adhérente"
        verbose_name_plural = "organisations adhérentes"

    def __str__(self):
        return f"{self.name} ({self.town})" if self.town else self.name

    def clean(self):
        # Stored without spaces (pasted ones may be no-break spaces) so that searching finds it.
        self.siret = "".join(self.siret.split())
        self.chorus_service_code = self.chorus_service_code.strip()

    @property
    def postal_address(self) -> str:
        lines = [self.address.strip(), f"{self.postcode} {self.town}".strip()]
        return "\n".join(line for line in lines if line)


class AttachmentStatus(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    CONFIRMED = "confirmed", "Confirmé"
    REJECTED = "rejected", "Refusé"


class OrganisationMembership(models.Model):
    """A person attached to an organisation; confirmed by staff or the organisation's referent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
        verbose_name="personne",
    )
    organisation = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisation",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=AttachmentStatus.choices,
        default=AttachmentStatus.REQUESTED,
    )
    is_referent = models.BooleanField(
        "référent", default=False, help_text="Le référent confirme les rattachements."
    )
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidé par",
    )

    class Meta:
        ordering = ["organisation__name", "requested_at"]
        verbose_name = "rattachement à une organisation"
        verbose_name_plural = "rattachements à une organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="organisationmembership_one_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class CotisationStatus(models.TextChoices):
    PENDING = "pending", "En attente de paiement"
    AWAITING_FUNDS = "awaiting_funds", "Paiement en cours de réception"
    PAID = "paid", "Payée"
    FAILED = "failed", "Paiement échoué"
    REFUNDED = "refunded", "Remboursée"
    DISPUTED = "disputed", "Paiement contesté"
    PROVISIONAL = "provisional", "Couverture provisoire"
    CANCELLED = "cancelled", "Annulée"

    @classmethod
    def dead(cls) -> list[str]:
        """States that no longer hold the holder's place for the year."""
        return [cls.FAILED, cls.CANCELLED]


def validate_day_month(value: str) -> None:
    """« JJ/MM », a day that every year has (no 29 February)."""
    try:
        parse_day_month(value)
    except ValueError:
        raise ValidationError(
            "Indiquez un jour et un mois sous la forme JJ/MM, par exemple 01/10 (le 29/02 "
            "n’existe pas chaque année).",
            code="day_month",
        ) from None


def parse_day_month(value: str) -> tuple[int, int]:
    day, month = (int(part) for part in value.strip().split("/"))
    dt.date(2001, month, day)  # a year without 29 February
    return day, month


def validate_reminder_days(value: str) -> None:
    try:
        parse_reminder_days(value)
    except ValueError:
        raise ValidationError(
            "Indiquez des nombres de jours séparés par des virgules, négatifs avant le début de "
            "l’année d’adhésion : par exemple « -30, 0 ».",
            code="reminder_days",
        ) from None


def parse_reminder_days(value: str) -> list[int]:
    days = [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    if any(not -366 <= day <= 366 for day in days):
        raise ValueError(value)
    return sorted(set(days))


class RenewalRule(models.Model):
    """How one member category renews: early payment for next year, grace period, reminders."""

    category = models.CharField(
        "catégorie", max_length=30, choices=MemberCategory.choices, unique=True
    )
    next_year_from = models.CharField(
        "payée à partir du (JJ/MM), couvre aussi l’année suivante",
        max_length=5,
        blank=True,
        validators=[validate_day_month],
        help_text="Par exemple 01/10 : une cotisation payée à partir du 1er octobre couvre "
        "aussi toute l’année d’adhésion suivante. Vide : pas de report.",
    )
    grace_until = models.CharField(
        "délai de renouvellement jusqu’au (JJ/MM)",
        max_length=5,
        blank=True,
        validators=[validate_day_month],
        help_text="Une personne couverte l’an dernier le reste, « en renouvellement », jusqu’à "
        "ce jour de la nouvelle année. Vide : pas de délai.",
    )
    reminder_days = models.CharField(
        "relances (jours par rapport au début de l’année)",
        max_length=100,
        blank=True,
        validators=[validate_reminder_days],
        help_text="Par exemple « -30, 0 » : un mois avant la nouvelle année et le jour où elle "
        "commence. Vide : les jours par défaut du site.",
    )
    remind_at_grace_end = models.BooleanField(
        "relancer aussi à la fin du délai de renouvellement", default=False
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("next_year_from"),
        FieldPanel("grace_until"),
        FieldPanel("reminder_days"),
        FieldPanel("remind_at_grace_end"),
    ]

    class Meta:
        ordering = ["category"]
        verbose_name = "règle de renouvellement"
        verbose_name_plural = "règles de renouvellement"

    def __str__(self):
        return f"Renouvellement · {self.get_category_display()}"

    def clean(self):
        self.next_year_from = self.next_year_from.strip()
        self.grace_until = self.grace_until.strip()
        if self.remind_at_grace_end and not self.grace_until:
            raise ValidationError(
                {"remind_at_grace_end": "Indiquez d’abord la fin du délai de renouvellement."}
            )

    def next_year_from_date(self, year: int) -> dt.date | None:
        """The first day on which a cotisation for ``year`` also covers ``year + 1``."""
        return (
            date_in_year(year, *parse_day_month(self.next_year_from))
            if self.next_year_from
            else None
        )

    def grace_end(self, year: int) -> dt.date | None:
        """The last day of ``year`` on which last year's members are still covered."""
        return date_in_year(year, *parse_day_month(self.grace_until)) if self.grace_until else None

    def covers_next_year(self, cotisation: "Cotisation") -> bool:
        start = self.next_year_from_date(cotisation.year)
        return bool(
            start
            and cotisation.status == CotisationStatus.PAID
            and cotisation.paid_at
            and timezone.localdate(cotisation.paid_at) >= start
        )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def renewal_rules() -> dict[str, RenewalRule]:
    return {rule.category: rule for rule in RenewalRule.objects.all()}


class CotisationQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status__in=CotisationStatus.dead())

    def held_by(self, *, user=None, organisation=None):
        if (user is None) == (organisation is None):
            raise ValueError("Give exactly one holder: user or organisation.")
        return (
            self.filter(user=user) if user is not None else self.filter(organisation=organisation)
        )

    @staticmethod
    def carried_over_q(year: int, rules: dict[str, RenewalRule] | None = None) -> Q:
        """Cotisations of ``year - 1`` paid late enough in it to cover ``year`` as well."""
        rules = renewal_rules() if rules is None else rules
        condition = Q(pk__in=[])
        for rule in rules.values():
            start = rule.next_year_from_date(year - 1)
            if start:
                condition |= Q(
                    year=year - 1,
                    status=CotisationStatus.PAID,
                    category=rule.category,
                    paid_at__gte=_midnight(start),
                )
        return condition

    @staticmethod
    def grace_q(on: dt.date, rules: dict[str, RenewalRule] | None = None) -> Q:
        """Last year's paid cotisations whose category's grace period still runs on ``on``."""
        rules = renewal_rules() if rules is None else rules
        year = membership_year(on)
        categories = [
            rule.category
            for rule in rules.values()
            if rule.grace_end(year) and on <= rule.grace_end(year)
        ]
        if not categories:
            return Q(pk__in=[])
        return Q(year=year - 1, status=CotisationStatus.PAID, category__in=categories)

    def settling(self, year: int):
        """Cotisations that settle ``year`` for their holder, who is not to be reminded: that
        year's, unless pending or dead, or last year's paid late enough in it to cover ``year``."""
        return self.filter(
            (Q(year=year) & ~Q(status__in=[CotisationStatus.PENDING, *CotisationStatus.dead()]))
            | self.carried_over_q(year)
        )

    def covering(self, user, on: dt.date | None = None):
        """Cotisations that cover ``user`` on the date ``on``: their own or a confirmed organisation's,
        paid, or provisional until that date at least; last year's when paid late enough in it
        (its category's renewal rule) or while its category's grace period runs."""
        on = on or timezone.localdate()
        year = membership_year(on)
        rules = renewal_rules()
        confirmed_organisations = OrganisationMembership.objects.filter(
            user=user, status=AttachmentStatus.CONFIRMED
        ).values("organisation_id")
        return self.filter(
            Q(user=user) | Q(organisation__in=confirmed_organisations),
            Q(year=year, status=CotisationStatus.PAID)
            | Q(year=year, status=CotisationStatus.PROVISIONAL, provisional_until__gte=on)
            | self.carried_over_q(year, rules)
            | self.grace_q(on, rules),
        )


class Cotisation(models.Model):
    """One holder's membership fee for one membership year."""

    organisation = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cotisations",
        verbose_name="organisation",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cotisations",
        verbose_name="adhérent individuel",
    )
    year = models.PositiveIntegerField("année", validators=YEAR_VALIDATORS)
    category = models.CharField("catégorie", max_length=30, choices=MemberCategory.choices)
    amount = models.DecimalField(
        "montant (€)", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=CotisationStatus.choices,
        default=CotisationStatus.PENDING,
        db_index=True,
    )
    provisional_until = models.DateField("couverture provisoire jusqu’au", null=True, blank=True)
    provisional_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="couverture provisoire accordée par",
    )
    paid_at = models.DateTimeField("payée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    needs_attention = models.BooleanField(
        "à vérifier",
        default=False,
        help_text="Remboursement partiel, paiement en double… : l’équipe doit regarder.",
    )
    staff_note = models.TextField("note de l’équipe", blank=True)
    purchase_order_number = models.CharField(
        "numéro de bon de commande",
        max_length=50,
        blank=True,
        validators=[validate_purchase_order_number],
    )
    commitment_number = models.CharField(
        "numéro d’engagement juridique",
        max_length=50,
        blank=True,
        validators=[validate_commitment_number],
        help_text="Donné par l’organisme public ; Chorus Pro refuse une facture qui l’omet "
        "quand il est exigé.",
    )

    objects = CotisationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = "cotisation"
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, user__isnull=True))
                | (Q(organisation__isnull=True, user__isnull=False)),
                name="cotisation_exactly_one_holder",
                violation_error_message=(
                    "Une cotisation a un seul titulaire : une organisation ou une personne."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(organisation__isnull=False) & ~Q(status__in=["failed", "cancelled"]),
                name="cotisation_one_live_per_organisation_year",
                violation_error_message=(
                    "Cette organisation a déjà une cotisation en cours pour cette année."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "year"],
                condition=Q(user__isnull=False) & ~Q(status__in=["failed", "cancelled"]),
                name="cotisation_one_live_per_user_year",
                violation_error_message="Cette personne a déjà une cotisation en cours pour cette année.",
            ),
        ]

    def __str__(self):
        return f"Cotisation {self.year} · {self.holder_name}"

    @property
    def holder(self):
        return self.organisation if self.organisation_id else self.user

    @property
    def holder_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        profile = getattr(self.user, "member_profile", None)
        return (profile and profile.full_name) or self.user.get_full_name() or self.user.email

    @property
    def holder_address(self) -> str:
        if self.organisation_id:
            return self.organisation.postal_address
        profile = getattr(self.user, "member_profile", None)
        return profile.address if profile else ""

    @property
    def is_individual(self) -> bool:
        return self.user_id is not None

    @property
    def paid_on(self) -> dt.date | None:
        """The day the money came, in Europe/Paris: what staff entered for money received offline."""
        return timezone.localdate(self.paid_at) if self.paid_at else None

    @property
    def payment_reference(self) -> str:
        """The label the holder writes on a transfer or cheque for this year's cotisation."""
        if self.organisation_id:
            return payment_reference(year=self.year, organisation=self.organisation)
        return payment_reference(year=self.year, user=self.user)


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", "Paiement en ligne"
    CHEQUE = "cheque", "Chèque"
    TRANSFER = "transfer", "Virement"
    MANDATE = "mandate", "Mandat administratif"

    @classmethod
    def offline(cls) -> list[str]:
        return [cls.CHEQUE, cls.TRANSFER, cls.MANDATE]


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    AWAITING_FUNDS = "awaiting_funds", "Fonds en cours de réception"
    SUCCEEDED = "succeeded", "Réussi"
    FAILED = "failed", "Échoué"
    EXPIRED = "expired", "Expiré"
    REFUNDED = "refunded", "Remboursé"
    PARTIALLY_REFUNDED = "partially_refunded", "Remboursé en partie"
    DISPUTED = "disputed", "Contesté"


class DisputeStatus(models.TextChoices):
    NONE = "", "Aucun litige"
    OPEN = "open", "Litige en cours"
    WON = "won", "Litige gagné"
    LOST = "lost", "Litige perdu"


class Payment(models.Model):
    """One attempt to pay a cotisation: a Stripe Checkout Session or money received offline."""

    cotisation = models.ForeignKey(
        Cotisation, on_delete=models.PROTECT, related_name="payments", verbose_name="cotisation"
    )
    method = models.CharField("moyen de paiement", max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    stripe_checkout_session_id = models.CharField(
        "session Stripe Checkout", max_length=255, unique=True, null=True, blank=True
    )
    stripe_payment_intent_id = models.CharField(  # noqa: DJ001 - None until Stripe gives one
        "PaymentIntent Stripe", max_length=255, null=True, blank=True, db_index=True
    )
    checkout_url = models.URLField("adresse de paiement Stripe", max_length=2000, blank=True)
    amount_refunded = models.DecimalField(
        "montant remboursé (€)", max_digits=9, decimal_places=2, default=Decimal("0")
    )
    dispute_status = models.CharField(
        "litige", max_length=10, choices=DisputeStatus.choices, default="", blank=True
    )
    reference = models.CharField(
        "référence",
        max_length=100,
        blank=True,
        help_text="Numéro de chèque, référence du virement ou du mandat.",
    )
    received_on = models.DateField("reçu le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    # A transfer read from a bank statement names its entry there: a statement imported twice
    # records it once.
    bank_account = models.CharField("compte bancaire", max_length=34, blank=True, editable=False)
    bank_entry_reference = models.CharField(
        "référence de l’écriture bancaire", max_length=140, blank=True, editable=False
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    succeeded_at = models.DateTimeField("réussi le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "paiement"
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "bank_entry_reference"],
                condition=~Q(bank_entry_reference=""),
                name="payment_one_per_bank_entry",
            )
        ]

    def __str__(self):
        return f"{self.get_method_display()} · {self.amount} € · {self.get_status_display()}"


class BankEntryReason(models.TextChoices):
    """Why a credit read from a bank statement was not recorded by itself."""

    NO_REFERENCE = "no_reference", "Aucune référence de cotisation dans le libellé"
    SEVERAL_REFERENCES = "several_references", "Plusieurs références de cotisation"
    UNKNOWN_HOLDER = "unknown_holder", "Référence d’un adhérent inconnu"
    NO_COTISATION = "no_cotisation", "Aucune cotisation à régler pour cette référence"
    ALREADY_PAID = "already_paid", "Cotisation déjà réglée"
    PARTIAL = "partial", "Montant inférieur au montant dû"
    EXCESS = "excess", "Montant supérieur au montant dû"
    CURRENCY = "currency", "Devise autre que l’euro"
    REFUSED = "refused", "Paiement refusé"


class BankEntryQuerySet(models.QuerySet):
    def unmatched(self):
        return self.filter(payment__isnull=True)


class BankEntry(models.Model):
    """A credit from a bank statement that no cotisation took by itself, kept for staff to match."""

    bank_account = models.CharField("compte bancaire", max_length=34, blank=True)
    entry_reference = models.CharField("référence de l’écriture", max_length=140)
    booked_on = models.DateField("date de l’écriture")
    amount = models.DecimalField("montant", max_digits=11, decimal_places=2)
    currency = models.CharField("devise", max_length=3, default="EUR")
    text = models.TextField("libellé", blank=True)
    debtor_name = models.CharField("donneur d’ordre", max_length=200, blank=True)
    reason = models.CharField("motif", max_length=30, choices=BankEntryReason.choices)
    detail = models.TextField("précision", blank=True)
    payment_reference = models.CharField("référence de cotisation lue", max_length=40, blank=True)
    cotisation = models.ForeignKey(
        Cotisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cotisation visée",
    )
    statement_name = models.CharField("relevé", max_length=255, blank=True)
    imported_at = models.DateTimeField("importée le", default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="importée par",
    )
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_entry",
        verbose_name="paiement enregistré",
    )
    matched_at = models.DateTimeField("rapprochée le", null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rapprochée par",
    )

    objects = BankEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-booked_on", "-pk"]
        verbose_name = "écriture bancaire à rapprocher"
        verbose_name_plural = "écritures bancaires à rapprocher"
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "entry_reference"], name="bankentry_one_per_bank_entry"
            )
        ]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} · {self.amount} {self.currency} · {self.text[:60]}"


class StripeEventOutcome(models.TextChoices):
    PROCESSED = "processed", "Traité"
    # Nothing for the portal to do (another application's object, one Stripe does not know…).
    IGNORED = "ignored", "Ignoré"


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored once by its id so duplicates do nothing."""

    event_id = models.CharField("identifiant", max_length=255, unique=True)
    type = models.CharField("type", max_length=100, db_index=True)
    payload = models.JSONField("contenu")
    received_at = models.DateTimeField("reçu le", auto_now_add=True)
    processed_at = models.DateTimeField("traité le", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    outcome = models.CharField(
        "résultat", max_length=20, choices=StripeEventOutcome.choices, blank=True
    )
    ignored_reason = models.TextField("motif de l’abandon", blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "événement Stripe"
        verbose_name_plural = "événements Stripe"

    def __str__(self):
        return f"{self.type} {self.event_id}"


class ReceiptKind(models.TextChoices):
    RECEIPT = "receipt", "Reçu"
    CREDIT_NOTE = "credit_note", "Avoir"


class ReceiptSequence(models.Model):
    """The last number issued in a series; its row is locked while a receipt is numbered."""

    series = models.CharField("série", max_length=20, primary_key=True)
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "séquence de reçus"

    def __str__(self):
        return f"{self.series} : {self.last_number}"


class Receipt(models.Model):
    """A numbered receipt (or credit note) for money received; a legal record, never deleted."""

    series = models.CharField("série", max_length=20)
    number = models.PositiveIntegerField("numéro")
    kind = models.CharField(
        "type", max_length=20, choices=ReceiptKind.choices, default=ReceiptKind.RECEIPT
    )
    cotisation = models.ForeignKey(
        Cotisation, on_delete=models.PROTECT, related_name="receipts", verbose_name="cotisation"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="receipts", verbose_name="paiement"
    )
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name="avoir sur le reçu",
    )
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    issued_at = models.DateTimeField("émis le", default=timezone.now)
    holder_name = models.CharField("adhérent", max_length=300)
    holder_address = models.TextField("adresse de l’adhérent", blank=True)
    # A credit note for a Stripe refund names it: each refund is credited once, whatever the
    # order and timing of the events that report it.
    stripe_refund_id = models.CharField(
        "remboursement Stripe", max_length=255, blank=True, editable=False
    )

    class Meta:
        ordering = ["-series", "-number"]
        verbose_name = "reçu"
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="receipt_unique_number"),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(kind="receipt"),
                name="receipt_one_per_payment",
            ),
            models.UniqueConstraint(
                fields=["stripe_refund_id"],
                condition=~Q(stripe_refund_id=""),
                name="receipt_one_credit_note_per_stripe_refund",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:06d}"


class Reminder(models.Model):
    """A reminder sent to a holder who has not paid a year's cotisation; once per step of the
    schedule (one month before the year, its first day, the end of the grace period…)."""

    organisation = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cotisation_reminders",
    )
    year = models.PositiveIntegerField("année")
    # « J-30 », « J+0 », « fin du délai »; empty for a reminder staff sent for the whole year.
    step = models.CharField("étape", max_length=30, blank=True, default="")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    recipients = models.TextField("destinataires", blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "relance de cotisation"
        verbose_name_plural = "relances de cotisation"
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, user__isnull=True))
                | (Q(organisation__isnull=True, user__isnull=False)),
                name="reminder_exactly_one_holder",
                violation_error_message="Une relance a un seul destinataire : une organisation ou une personne.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "step"],
                condition=Q(organisation__isnull=False),
                name="reminder_once_per_organisation_year_step",
            ),
            models.UniqueConstraint(
                fields=["user", "year", "step"],
                condition=Q(user__isnull=False),
                name="reminder_once_per_user_year_step",
            ),
        ]

    def __str__(self):
        step = f" ({self.step})" if self.step else ""
        return f"Relance {self.year}{step} · {self.organisation or self.user}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"


class InvoiceQuerySet(models.QuerySet):
    def uncredited(self):
        """Invoices (not credit notes) that no credit note cancels."""
        return self.filter(kind=InvoiceKind.INVOICE, credit_note__isnull=True)


class Invoice(models.Model):
    """A numbered invoice (or credit note) for a cotisation, kept as the Factur-X file issued:
    a legal record, never edited nor deleted; a mistake is corrected by a credit note."""

    series = models.CharField("série", max_length=20)
    number = models.PositiveIntegerField("numéro")
    kind = models.CharField(
        "type", max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    cotisation = models.ForeignKey(
        Cotisation, on_delete=models.PROTECT, related_name="invoices", verbose_name="cotisation"
    )
    credits = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name="avoir sur la facture",
    )
    amount = models.DecimalField("montant (€)", max_digits=9, decimal_places=2)
    issued_on = models.DateField("émise le")
    due_on = models.DateField("à payer avant le")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="émise par",
    )
    buyer_name = models.CharField("client", max_length=300)
    buyer_address = models.TextField("adresse du client", blank=True)
    buyer_siret = models.CharField("SIRET du client", max_length=14, blank=True)
    chorus_service_code = models.CharField("code service", max_length=100, blank=True)
    commitment_number = models.CharField("engagement juridique", max_length=50, blank=True)
    purchase_order_number = models.CharField("bon de commande", max_length=50, blank=True)
    payment_reference = models.CharField("référence de paiement", max_length=40, blank=True)
    document = models.BinaryField("fichier Factur-X", editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-series", "-number"]
        verbose_name = "facture"
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_unique_number"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:06d}"

    @property
    def filename(self) -> str:
        prefix = "avoir" if self.kind == InvoiceKind.CREDIT_NOTE else "facture"
        return f"{prefix}-{self.display_number}.pdf"


@register_setting(icon="group")
class AssociationSettings(BaseSiteSetting):
    """The association's identity: printed on receipts, membership forms and the site footer."""

    name = models.CharField("nom", max_length=200, default="Portail")
    legal_form = models.CharField("forme juridique", max_length=100, blank=True)
    address = models.TextField("adresse postale", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = models.URLField("site web", blank=True)
    footer_text = models.TextField("texte de pied de page", blank=True)
    bank_account_holder = models.CharField(
        "titulaire du compte",
        max_length=200,
        blank=True,
        help_text="Tel qu’il figure sur le RIB (par défaut : le nom de l’association).",
    )
    iban = models.CharField(
        "IBAN",
        max_length=42,
        blank=True,
        validators=[validate_iban],
        help_text="Pour les virements.",
    )
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    cheque_payee = models.CharField(
        "ordre des chèques",
        max_length=200,
        blank=True,
        help_text="Par défaut : le nom de l’association.",
    )
    cheque_address = models.TextField(
        "adresse d’envoi des chèques",
        blank=True,
        help_text="Par défaut : l’adresse postale de l’association.",
    )
    vat_exemption = models.CharField(
        "mention de TVA",
        max_length=200,
        default="TVA non applicable, art. 261-7-1° du CGI",
        help_text="Imprimée sur les factures : les cotisations d’une association sans but "
        "lucratif sont exonérées de TVA.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("legal_form"),
                FieldPanel("siret"),
                FieldPanel("rna"),
                FieldPanel("vat_exemption"),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("email"),
                FieldPanel("phone"),
                FieldPanel("website"),
            ],
            heading="Coordonnées",
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_account_holder"),
                FieldRowPanel([FieldPanel("iban"), FieldPanel("bic")]),
                FieldPanel("cheque_payee"),
                FieldPanel("cheque_address"),
            ],
            heading="Règlement des cotisations",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "identité de l'association"

    def clean(self):
        # Stored compact and upper-case, as banks print and parsers read them.
        self.iban = iban.compact(self.iban) if self.iban else ""
        self.bic = bic.compact(self.bic) if self.bic else ""
        if self.bic and not self.iban:
            raise ValidationError({"iban": "Indiquez l’IBAN qui va avec ce BIC."})
        if self.iban and not self.bic:
            raise ValidationError({"bic": "Indiquez le BIC de la banque de cet IBAN."})

    @property
    def iban_display(self) -> str:
        return iban.format(self.iban) if self.iban else ""

    @property
    def payee(self) -> str:
        return self.cheque_payee or self.name

    @property
    def account_holder(self) -> str:
        return self.bank_account_holder or self.name

    @property
    def cheque_postal_address(self) -> str:
        return self.cheque_address or self.address


class TaskFailureQuerySet(models.QuerySet):
    def unhandled(self):
        return self.filter(handled_at__isnull=True)

    def since(self, moment: dt.datetime):
        return self.filter(failed_at__gte=moment)


class TaskFailure(models.Model):
    """A background task of the plugin that failed (an email not sent…), kept for staff."""

    task_path = models.CharField("tâche", max_length=255, db_index=True)
    task_result_id = models.CharField("identifiant d’exécution", max_length=64, blank=True)
    backend = models.CharField("file de tâches", max_length=100, blank=True)
    args = models.JSONField("arguments", default=list, blank=True)
    kwargs = models.JSONField("arguments nommés", default=dict, blank=True)
    exception_class = models.CharField("exception", max_length=255, blank=True)
    message = models.TextField("message d’erreur", blank=True)
    traceback = models.TextField("trace", blank=True)
    failed_at = models.DateTimeField("en échec le", default=timezone.now, db_index=True)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )

    objects = TaskFailureQuerySet.as_manager()

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = "tâche en échec"
        verbose_name_plural = "tâches en échec"

    def __str__(self):
        return f"{self.task_path.rsplit('.', 1)[-1]} · {self.message or self.exception_class}"


class MembershipPage(Page):
    """The public « Adhérer » page: each category's price this year and next, what a cotisation
    covers and the ways to pay; the prices come from the tariffs staff set."""

    intro = RichTextField("introduction", blank=True, features=["bold", "italic", "link"])
    body = RichTextField(
        "informations complémentaires",
        blank=True,
        help_text="Affiché après les tarifs : avantages de l’adhésion, vie de l’association…",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    template = "membership/membership_page.html"

    class Meta:
        verbose_name = "page « Adhérer »"
        verbose_name_plural = "pages « Adhérer »"

    def get_context(self, request, *args, **kwargs):
        # The reads live in ``dues``, which reads these models: imported when the page is shown.
        from .dues import public_offer

        context = super().get_context(request, *args, **kwargs)
        context["offer"] = public_offer(request=request)
        return context
