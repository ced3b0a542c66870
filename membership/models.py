"""Members and dues: profiles, member organisations, tariffs, cotisations, payments, receipts.

State changes go through ``membership.services``; models only hold data and reads.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .references import payment_reference
from .validators import validate_phone, validate_siret
from .years import YEAR_VALIDATORS, membership_year


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


class Tariff(models.Model):
    """The amount of one year's cotisation for one member category, set by staff."""

    year = models.PositiveIntegerField("année", validators=YEAR_VALIDATORS)
    category = models.CharField("catégorie", max_length=30, choices=MemberCategory.choices)
    amount = models.DecimalField(
        "montant (€)", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    label = models.CharField(
        "libellé", max_length=200, blank=True, help_text="Affiché sur le bulletin d’adhésion."
    )

    class Meta:
        ordering = ["-year", "category"]
        verbose_name = "tarif"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category"], name="tariff_one_per_year_category"
            )
        ]

    def __str__(self):
        return f"{self.year} · {self.get_category_display()} · {self.amount} €"

    @property
    def display_label(self) -> str:
        return self.label or self.get_category_display()


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
    category = models.CharField(
        "catégorie d’adhérent",
        max_length=30,
        choices=MemberCategory.choices,
        default=MemberCategory.OTHER,
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


class CotisationQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status__in=CotisationStatus.dead())

    def held_by(self, *, user=None, organisation=None):
        if (user is None) == (organisation is None):
            raise ValueError("Give exactly one holder: user or organisation.")
        return (
            self.filter(user=user) if user is not None else self.filter(organisation=organisation)
        )

    def covering(self, user, on: dt.date | None = None):
        """Cotisations that cover ``user`` on the date ``on``: their own or a confirmed organisation's,
        paid, or provisional until that date at least."""
        on = on or timezone.localdate()
        confirmed_organisations = OrganisationMembership.objects.filter(
            user=user, status=AttachmentStatus.CONFIRMED
        ).values("organisation_id")
        return self.filter(
            Q(user=user) | Q(organisation__in=confirmed_organisations),
            Q(status=CotisationStatus.PAID)
            | Q(status=CotisationStatus.PROVISIONAL, provisional_until__gte=on),
            year=membership_year(on),
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
    """A reminder sent to a holder who has not paid a year's cotisation; at most one per year."""

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
                fields=["organisation", "year"],
                condition=Q(organisation__isnull=False),
                name="reminder_once_per_organisation_year",
            ),
            models.UniqueConstraint(
                fields=["user", "year"],
                condition=Q(user__isnull=False),
                name="reminder_once_per_user_year",
            ),
        ]

    def __str__(self):
        return f"Relance {self.year} · {self.organisation or self.user}"


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

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("legal_form"), FieldPanel("siret"), FieldPanel("rna")],
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
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "identité de l'association"


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
