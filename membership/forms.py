from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from .app_settings import app_settings
from .formats import euros
from .models import (
    INDIVIDUAL_CATEGORIES,
    Cotisation,
    CotisationStatus,
    Invoice,
    MemberCategory,
    MemberOrganisation,
    MemberProfile,
    PaymentMethod,
    PaymentStatus,
)
from .validators import (
    validate_chorus_service_code,
    validate_commitment_number,
    validate_purchase_order_number,
    validate_siret,
)
from .years import YEAR_VALIDATORS


class ProfileForm(forms.ModelForm):
    """What a member edits about themselves."""

    class Meta:
        model = MemberProfile
        fields = ["first_name", "last_name", "phone", "job_title", "category", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "category": "Détermine le tarif de votre cotisation individuelle.",
            "address": "Imprimée sur vos reçus.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.value, c.label) for c in INDIVIDUAL_CATEGORIES]
        self.fields["first_name"].required = self.fields["last_name"].required = True


class AttachmentRequestForm(forms.Form):
    """Ask to be attached to a listed organisation, or describe one that is not listed yet."""

    organisation = forms.ModelChoiceField(
        label="Votre organisation",
        queryset=MemberOrganisation.objects.all(),
        required=False,
        empty_label="— Elle n’est pas dans la liste —",
    )
    name = forms.CharField(label="Nom de l’organisation", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "—"), *MemberOrganisation._meta.get_field("kind").choices],
        required=False,
    )
    category = forms.ChoiceField(
        label="Catégorie d’adhérent",
        choices=[("", "—")]
        + [(c.value, c.label) for c in MemberCategory if c not in INDIVIDUAL_CATEGORIES],
        required=False,
    )
    siret = forms.CharField(label="SIRET", max_length=17, required=False)
    address = forms.CharField(
        label="Adresse", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    postcode = forms.CharField(label="Code postal", max_length=10, required=False)
    town = forms.CharField(label="Commune", max_length=100, required=False)
    billing_email = forms.EmailField(label="Courriel de facturation", required=False)

    NEW_FIELDS = [
        "name",
        "kind",
        "category",
        "siret",
        "address",
        "postcode",
        "town",
        "billing_email",
    ]

    def clean(self):
        data = super().clean()
        if data.get("organisation"):
            return data
        missing = [name for name in ("name", "kind", "category", "town") if not data.get(name)]
        for name in missing:
            self.add_error(name, "Champ obligatoire pour une organisation qui n’est pas listée.")
        if missing and not self.errors.get("organisation"):
            self.add_error(
                "organisation",
                "Choisissez votre organisation, ou décrivez-la ci-dessous si elle n’est pas listée.",
            )
        return data

    def new_organisation_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.NEW_FIELDS}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer", widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("Mot de passe incorrect.")
        return password


# --------------------------------------------------------------------------- staff


class OfflinePaymentForm(forms.Form):
    """Staff: money received by cheque, transfer or administrative mandate."""

    method = forms.ChoiceField(
        label="Moyen de paiement",
        choices=[(m, PaymentMethod(m).label) for m in PaymentMethod.offline()],
    )
    amount = forms.DecimalField(label="Montant reçu (€)", max_digits=9, decimal_places=2)
    reference = forms.CharField(
        label="Référence",
        max_length=100,
        required=False,
        help_text="Numéro de chèque, référence du virement ou du mandat.",
    )
    received_on = forms.DateField(
        label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(
        self, *args, cotisation: Cotisation | None = None, year: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        if cotisation is not None:
            self.fields["amount"].initial = cotisation.amount
        else:
            # From a holder: the year's cotisation is opened at its tariff if needed.
            self.fields["year"] = forms.IntegerField(
                label="Année de cotisation", initial=year, validators=YEAR_VALIDATORS
            )
            self.order_fields(["year", "method", "amount", "reference", "received_on"])


class ProvisionalGrantForm(forms.Form):
    until = forms.DateField(
        label="Couvert jusqu’au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Par exemple la date attendue du mandat après un bon de commande.",
    )


class CotisationAdminForm(WagtailAdminModelForm):
    """Staff's form for a cotisation. Its state is shown, not edited: it moves through the
    services. The state stays on the form so that Django checks the one-live-cotisation-a-year
    constraints, which read it (without it the database refuses the row with an error page)."""

    # What a receipt, or money on its way, refers to.
    SETTLED_FIELDS = ["organisation", "user", "year", "category", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].disabled = True
        self.fields["status"].help_text = "Change avec les paiements et les actions de la liste."

    def clean(self):
        data = super().clean()
        if self.instance.pk and self._has_money():
            for name in self.SETTLED_FIELDS:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        "Cette cotisation a un paiement reçu ou en cours : ce champ ne change "
                        "plus (ses reçus y renvoient).",
                    )
        return data

    def _has_money(self) -> bool:
        no_money = [PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED]
        return self.instance.payments.exclude(status__in=no_money).exists()


class PublicReferencesForm(forms.Form):
    """A public body's references for its invoice: purchase order, legal commitment, Chorus Pro
    service code and SIRET. Checked again by ``services.public_references_record``."""

    purchase_order_number = forms.CharField(
        label="Numéro de bon de commande",
        max_length=50,
        required=False,
        validators=[validate_purchase_order_number],
    )
    commitment_number = forms.CharField(
        label="Numéro d’engagement juridique",
        max_length=50,
        required=False,
        validators=[validate_commitment_number],
        help_text="Le numéro que l’organisme public donne à sa commande (Chorus Pro l’exige "
        "quand l’organisme l’impose).",
    )
    chorus_service_code = forms.CharField(
        label="Code service Chorus Pro",
        max_length=100,
        required=False,
        validators=[validate_chorus_service_code],
        help_text="Seulement si l’organisme en exige un.",
    )
    siret = forms.CharField(
        label="SIRET de l’organisation", max_length=17, required=False, validators=[validate_siret]
    )

    REFERENCE_FIELDS = [
        "purchase_order_number",
        "commitment_number",
        "chorus_service_code",
        "siret",
    ]

    def __init__(self, *args, cotisation: Cotisation, **kwargs):
        organisation = cotisation.organisation
        if organisation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "purchase_order_number": cotisation.purchase_order_number,
                    "commitment_number": cotisation.commitment_number,
                    "chorus_service_code": organisation.chorus_service_code,
                    "siret": organisation.siret,
                },
            )
        super().__init__(*args, **kwargs)


class InvoiceIssueForm(PublicReferencesForm):
    """Staff: the references to print, and how long the invoice covers the holder."""

    cover_until = forms.DateField(
        label="Couverture provisoire jusqu’au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Vide : la durée par défaut du site. Sans objet si la cotisation est payée.",
    )

    def __init__(self, *args, cotisation: Cotisation, **kwargs):
        super().__init__(*args, cotisation=cotisation, **kwargs)
        if cotisation.organisation_id is None:  # a person's invoice carries no public references
            for name in self.REFERENCE_FIELDS:
                del self.fields[name]


class InvoiceBatchForm(forms.Form):
    invoices = forms.ModelMultipleChoiceField(
        label="Factures et avoirs",
        queryset=Invoice.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Le lot se dépose tel quel sur Chorus Pro (dépôt de factures Factur-X).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["invoices"]
        field.queryset = Invoice.objects.select_related("cotisation").defer("document")
        field.label_from_instance = lambda invoice: (
            f"{invoice} · {invoice.buyer_name} · {invoice.issued_on:%d/%m/%Y}"
        )


class BankStatementForm(forms.Form):
    """A bank statement staff upload to reconcile its transfers."""

    statement = forms.FileField(
        label="Relevé bancaire",
        help_text="Export CAMT.053 (XML) ou OFX du compte de l’association.",
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        limit = app_settings.STATEMENT_MAX_SIZE
        if upload.size > limit:
            raise ValidationError(
                f"Ce fichier dépasse {limit // (1024 * 1024)} Mo : exportez un relevé sur une "
                "période plus courte.",
                code="too_large",
            )
        return upload


class OpenCotisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.year} · {obj.holder_name} · {euros(obj.amount)} · {obj.get_status_display()}"
            f" · {obj.payment_reference}"
        )


class BankEntryMatchForm(forms.Form):
    """The cotisation a kept bank credit pays, chosen by staff."""

    cotisation = OpenCotisationChoiceField(
        label="Cotisation réglée par ce virement",
        queryset=Cotisation.objects.filter(
            status__in=[
                CotisationStatus.PENDING,
                CotisationStatus.AWAITING_FUNDS,
                CotisationStatus.PROVISIONAL,
            ]
        )
        .select_related("organisation", "user__member_profile")
        .order_by("-year", "organisation__name", "user__member_profile__last_name"),
        help_text="Les cotisations en attente de paiement ; le montant doit être celui du "
        "virement (corrigez d’abord la cotisation sinon).",
    )
