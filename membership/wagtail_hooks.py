"""Staff admin of members and dues (wagtail-modeladmin): lists with filters, search and CSV/XLSX
export; actions that go through the services; a dashboard panel with this year's figures, and
one with the background tasks that failed."""

import datetime as dt

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import path, reverse
from django.utils import timezone
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.log_actions import LogFormatter
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from . import admin_views, audit
from .admin_views import LocalisedExportModelAdmin
from .forms import CotisationAdminForm
from .models import (
    AttachmentStatus,
    BankEntry,
    Cotisation,
    CotisationStatus,
    Invoice,
    InvoiceKind,
    MemberOrganisation,
    MemberProfile,
    OrganisationMembership,
    Payment,
    PaymentStatus,
    Receipt,
    Reminder,
    RenewalRule,
    StripeEvent,
    Tariff,
    TaskFailure,
    renewal_rules,
)
from .services import euros
from .years import membership_year, year_label


class ReadOnlyPermissionHelper(PermissionHelper):
    """Financial records and logs are written by the services only; staff read and export them."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class NoDeletePermissionHelper(PermissionHelper):
    def user_can_delete_obj(self, user, obj):
        return False


class ProfilePermissionHelper(NoDeletePermissionHelper):
    """A profile belongs to an account, made when the person signs up: staff edit it, and a
    profile created here would have no account to belong to."""

    def user_can_create(self, user):
        return False


def _button(url: str, label: str, title: str = "") -> dict:
    return {"url": url, "label": label, "classname": "button button-small", "title": title or label}


# --------------------------------------------------------------------------- people, organisations


class HolderButtonHelper(ButtonHelper):
    holder = ""

    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        if self.request.user.has_perm("membership.add_payment"):
            url = reverse("membership_offline_payment", args=[self.holder, obj.pk])
            buttons.append(_button(url, "Paiement reçu", "Enregistrer un chèque, virement, mandat"))
        return buttons


class OrganisationButtonHelper(HolderButtonHelper):
    holder = "organisation"


class PersonButtonHelper(HolderButtonHelper):
    holder = "personne"


class CurrentYearStatusMixin:
    holder_field = ""

    @admin.display(description="cotisation de l’année")
    def current_status(self, obj):
        today = timezone.localdate()
        year = membership_year(today)
        holder = {self.holder_field: obj}
        cotisation = Cotisation.objects.live().filter(year=year, **holder).first()
        if cotisation:
            return cotisation.get_status_display()
        rules = renewal_rules()
        carried = Cotisation.objects.filter(
            Cotisation.objects.carried_over_q(year, rules), **holder
        )
        if carried.exists():
            return f"Payée en {year_label(year - 1)} pour {year_label(year)}"
        if Cotisation.objects.filter(Cotisation.objects.grace_q(today, rules), **holder).exists():
            return "En renouvellement"
        return "—"


class MemberOrganisationAdmin(CurrentYearStatusMixin, LocalisedExportModelAdmin):
    model = MemberOrganisation
    menu_label = "Organisations"
    menu_icon = "site"
    holder_field = "organisation"
    button_helper_class = OrganisationButtonHelper
    permission_helper_class = NoDeletePermissionHelper
    list_display = ("name", "kind", "town", "siret", "category", "inhabitants", "current_status")
    list_filter = ("kind", "category")
    search_fields = ("name", "town", "postcode", "siret", "billing_email")
    list_export = (
        "name",
        "kind_label",
        "siret",
        "address",
        "postcode",
        "town",
        "billing_email",
        "category_label",
        "inhabitants",
        "current_status",
    )
    export_filename = "organisations-adherentes"

    @admin.display(description="type")
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description="catégorie")
    def category_label(self, obj):
        return obj.get_category_display()


class MemberProfileAdmin(CurrentYearStatusMixin, LocalisedExportModelAdmin):
    model = MemberProfile
    menu_label = "Personnes"
    menu_icon = "user"
    holder_field = "user"
    button_helper_class = PersonButtonHelper
    permission_helper_class = ProfilePermissionHelper
    form_fields_exclude = ["user"]
    list_display = ("__str__", "email", "job_title", "category", "organisations", "current_status")
    list_filter = ("category",)
    list_select_related = ("user",)
    search_fields = ("first_name", "last_name", "user__email", "job_title", "phone")
    list_export = (
        "last_name",
        "first_name",
        "email",
        "phone",
        "job_title",
        "category_label",
        "organisations",
        "current_status",
    )
    export_filename = "personnes"

    def current_status(self, obj):
        return CurrentYearStatusMixin.current_status(self, obj.user)

    current_status.short_description = "cotisation individuelle de l’année"

    @admin.display(description="courriel")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="catégorie")
    def category_label(self, obj):
        return obj.get_category_display()

    @admin.display(description="organisations confirmées")
    def organisations(self, obj):
        return ", ".join(
            OrganisationMembership.objects.filter(
                user=obj.user, status=AttachmentStatus.CONFIRMED
            ).values_list("organisation__name", flat=True)
        )


class AttachmentButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        if self.request.user.has_perm("membership.change_organisationmembership"):
            for decision, label, status in (
                ("confirmer", "Confirmer", AttachmentStatus.CONFIRMED),
                ("refuser", "Refuser", AttachmentStatus.REJECTED),
            ):
                if obj.status != status:
                    url = reverse("membership_attachment_decide", args=[obj.pk, decision])
                    buttons.append(_button(url, label))
        return buttons


class OrganisationMembershipAdmin(LocalisedExportModelAdmin):
    model = OrganisationMembership
    menu_label = "Rattachements"
    menu_icon = "link"
    button_helper_class = AttachmentButtonHelper
    form_fields_exclude = ["status", "requested_at", "decided_at", "decided_by"]
    list_display = ("person", "organisation", "status", "is_referent", "requested_at", "decided_at")
    list_filter = ("status", "is_referent")
    list_select_related = ("user", "user__member_profile", "organisation")
    search_fields = ("user__email", "user__member_profile__last_name", "organisation__name")
    list_export = ("person", "organisation", "status_label", "is_referent", "requested_at")
    export_filename = "rattachements"

    @admin.display(description="personne", ordering="user__email")
    def person(self, obj):
        # Usernames are opaque (people sign in by email): staff recognise a name and an email.
        profile = getattr(obj.user, "member_profile", None)
        name = profile.full_name if profile else ""
        return f"{name} ({obj.user.email})" if name else obj.user.email

    @admin.display(description="statut")
    def status_label(self, obj):
        return obj.get_status_display()


# --------------------------------------------------------------------------- dues


class TariffAdmin(LocalisedExportModelAdmin):
    model = Tariff
    menu_label = "Tarifs"
    menu_icon = "tag"
    list_display = ("year", "category", "formula_text", "label")
    list_filter = ("year", "category", "formula")
    list_export = (
        "year",
        "category_label",
        "formula_label",
        "amount",
        "per_inhabitant",
        "floor",
        "ceiling",
        "formula_text",
        "label",
    )
    export_filename = "tarifs"

    @admin.display(description="tarif")
    def formula_text(self, obj):
        return obj.formula_text

    @admin.display(description="formule")
    def formula_label(self, obj):
        return obj.get_formula_display()

    @admin.display(description="catégorie")
    def category_label(self, obj):
        return obj.get_category_display()


class CotisationButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        user = self.request.user
        open_states = {
            CotisationStatus.PENDING,
            CotisationStatus.AWAITING_FUNDS,
            CotisationStatus.PROVISIONAL,
        }
        if obj.status in open_states and user.has_perm("membership.add_payment"):
            url = reverse("membership_offline_payment", args=["cotisation", obj.pk])
            buttons.append(_button(url, "Paiement reçu"))
        if obj.status in open_states and user.has_perm("membership.change_cotisation"):
            url = reverse("membership_provisional_grant", args=[obj.pk])
            buttons.append(_button(url, "Couverture provisoire"))
        if user.has_perm("membership.add_invoice"):
            invoice = obj.invoices.uncredited().defer("document").first()
            if invoice is not None:
                url = reverse("membership_invoice_pdf", args=[invoice.pk])
                buttons.append(_button(url, f"Facture {invoice.display_number}"))
            elif obj.status in open_states | {CotisationStatus.PAID}:
                url = reverse("membership_invoice_issue", args=[obj.pk])
                buttons.append(_button(url, "Facturer", "Émettre la facture (Factur-X)"))
        if obj.status in {CotisationStatus.PENDING, CotisationStatus.PROVISIONAL} and (
            user.has_perm("membership.change_cotisation")
        ):
            url = reverse("membership_cotisation_cancel", args=[obj.pk])
            buttons.append(_button(url, "Annuler"))
        return buttons


class CotisationPermissionHelper(PermissionHelper):
    def user_can_delete_obj(self, user, obj):
        return False


class NeedsAttentionFilter(admin.BooleanFieldListFilter):
    """Titled for the list's « Par … »: the field's own name gave « Par à vérifier »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "besoin de vérification"


class CotisationAdmin(LocalisedExportModelAdmin):
    model = Cotisation
    menu_label = "Cotisations"
    menu_icon = "form"
    button_helper_class = CotisationButtonHelper
    permission_helper_class = CotisationPermissionHelper
    # States move through the services (payment, provisional grant), never by hand: the form
    # shows the status without letting it change.
    form_fields_exclude = [
        "paid_at",
        "provisional_until",
        "provisional_granted_by",
    ]
    list_display = (
        "holder_display",
        "year",
        "category",
        "amount",
        "status",
        "provisional_until",
        "paid_on",
        "needs_attention",
    )
    list_filter = (
        "year",
        "status",
        "category",
        ("needs_attention", NeedsAttentionFilter),
        "payments__method",
    )
    list_select_related = ("organisation", "user")
    search_fields = (
        "organisation__name",
        "organisation__siret",
        "user__email",
        "user__member_profile__last_name",
    )
    list_export = (
        "year",
        "holder_display",
        "holder_kind",
        "category_label",
        "amount",
        "status_label",
        "provisional_until",
        "paid_on",
        "methods",
        "needs_attention",
        "staff_note",
    )
    export_filename = "cotisations"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def get_edit_handler(self):
        panels = extract_panel_definitions_from_model_class(
            self.model, exclude=self.get_form_fields_exclude()
        )
        return ObjectList(panels, base_form_class=CotisationAdminForm)

    @admin.display(description="titulaire")
    def holder_display(self, obj):
        return obj.holder_name

    @admin.display(description="payée le", ordering="paid_at")
    def paid_on(self, obj):
        # A day: staff enter the day money came, and a time would be invented.
        return obj.paid_on

    @admin.display(description="type de titulaire")
    def holder_kind(self, obj):
        return "organisation" if obj.organisation_id else "individuel"

    @admin.display(description="catégorie")
    def category_label(self, obj):
        return obj.get_category_display()

    @admin.display(description="statut")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description="moyens de paiement")
    def methods(self, obj):
        return ", ".join(
            sorted(
                {
                    p.get_method_display()
                    for p in obj.payments.all()
                    if p.status != PaymentStatus.EXPIRED
                }
            )
        )


class PaymentAdmin(LocalisedExportModelAdmin):
    model = Payment
    menu_label = "Paiements"
    menu_icon = "doc-full-inverse"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = (
        "holder",
        "year",
        "method",
        "amount",
        "status",
        "amount_refunded",
        "reference",
        "paid_on",
    )
    list_filter = ("method", "status", "cotisation__year", "cotisation__category")
    list_select_related = (
        "cotisation",
        "cotisation__organisation",
        "cotisation__user",
        "cotisation__user__member_profile",
    )
    search_fields = (
        "reference",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "cotisation__organisation__name",
        "cotisation__user__email",
    )
    list_export = (
        "year",
        "holder",
        "method_label",
        "amount",
        "status_label",
        "amount_refunded",
        "reference",
        "received_on",
        "succeeded_at",
        "stripe_payment_intent_id",
        "recorded_by",
    )
    export_filename = "paiements"

    @admin.display(description="année")
    def year(self, obj):
        return obj.cotisation.year

    @admin.display(description="titulaire")
    def holder(self, obj):
        return obj.cotisation.holder_name

    @admin.display(description="reçu le", ordering="succeeded_at")
    def paid_on(self, obj):
        """The day staff entered for money received offline; the day Stripe took it otherwise."""
        if obj.received_on:
            return obj.received_on
        return timezone.localdate(obj.succeeded_at) if obj.succeeded_at else None

    @admin.display(description="moyen de paiement")
    def method_label(self, obj):
        return obj.get_method_display()

    @admin.display(description="statut")
    def status_label(self, obj):
        return obj.get_status_display()


class ReceiptButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        buttons.append(_button(reverse("membership_receipt_pdf", args=[obj.pk]), "PDF"))
        return buttons


class ReceiptAdmin(LocalisedExportModelAdmin):
    model = Receipt
    menu_label = "Reçus et avoirs"
    menu_icon = "doc-full"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = ReceiptButtonHelper
    inspect_view_enabled = True
    list_display = ("display_number", "kind", "holder_name", "amount", "issued_at", "credits")
    list_filter = ("series", "kind", "cotisation__year")
    search_fields = ("holder_name", "number", "series")
    list_export = (
        "display_number",
        "kind_label",
        "issued_at",
        "holder_name",
        "holder_address",
        "amount",
        "year",
        "credits",
    )
    export_filename = "recus"

    @admin.display(description="numéro")
    def display_number(self, obj):
        return obj.display_number

    @admin.display(description="type")
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description="année de cotisation")
    def year(self, obj):
        return obj.cotisation.year


class InvoiceButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        buttons.append(_button(reverse("membership_invoice_pdf", args=[obj.pk]), "Factur-X"))
        if (
            obj.kind == InvoiceKind.INVOICE
            and not hasattr(obj, "credit_note")
            and self.request.user.has_perm("membership.add_invoice")
        ):
            url = reverse("membership_invoice_credit", args=[obj.pk])
            buttons.append(_button(url, "Avoir", "Annuler cette facture par un avoir"))
        return buttons


class InvoiceAdmin(LocalisedExportModelAdmin):
    model = Invoice
    menu_label = "Factures"
    menu_icon = "doc-full"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = InvoiceButtonHelper
    index_template_name = "membership/admin/invoice_index.html"
    list_display = (
        "display_number",
        "kind",
        "buyer_name",
        "amount",
        "issued_on",
        "due_on",
        "commitment_number",
        "chorus_service_code",
        "credits",
    )
    list_filter = ("series", "kind", "cotisation__year", "cotisation__status")
    list_select_related = ("credits", "credit_note")
    search_fields = (
        "buyer_name",
        "buyer_siret",
        "commitment_number",
        "purchase_order_number",
        "payment_reference",
    )
    list_export = (
        "display_number",
        "kind_label",
        "issued_on",
        "due_on",
        "buyer_name",
        "buyer_siret",
        "amount",
        "purchase_order_number",
        "commitment_number",
        "chorus_service_code",
        "payment_reference",
        "credits",
    )
    export_filename = "factures"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document")

    @admin.display(description="numéro", ordering="number")
    def display_number(self, obj):
        return obj.display_number

    @admin.display(description="type")
    def kind_label(self, obj):
        return obj.get_kind_display()


class RenewalRuleAdmin(LocalisedExportModelAdmin):
    model = RenewalRule
    menu_label = "Renouvellement"
    menu_icon = "repeat"
    list_display = (
        "category",
        "next_year_from",
        "grace_until",
        "reminder_days",
        "remind_at_grace_end",
    )


class ReminderAdmin(LocalisedExportModelAdmin):
    model = Reminder
    menu_label = "Relances"
    menu_icon = "mail"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("year", "step", "organisation", "user", "sent_at", "recipients")
    list_filter = ("year", "step")
    search_fields = ("organisation__name", "user__email", "recipients")


class StripeEventAdmin(LocalisedExportModelAdmin):
    model = StripeEvent
    menu_label = "Événements Stripe"
    menu_icon = "warning"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = (
        "type",
        "event_id",
        "received_at",
        "processed_at",
        "outcome",
        "ignored_reason",
        "attempts",
        "last_error",
    )
    list_filter = ("type", "outcome", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("event_id", "type")


class TaskFailureButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        if obj.handled_at is None and self.request.user.has_perm("membership.change_taskfailure"):
            for action, label in (("traiter", "Marquer comme traitée"), ("relancer", "Relancer")):
                url = reverse("membership_task_failure_action", args=[obj.pk, action])
                buttons.append(_button(url, label))
        return buttons


class TaskFailureStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return (("a-traiter", "à traiter"), ("traitees", "traitées"))

    def queryset(self, request, queryset):
        if self.value() == "a-traiter":
            return queryset.unhandled()
        if self.value() == "traitees":
            return queryset.filter(handled_at__isnull=False)
        return queryset


class TaskFailureAdmin(LocalisedExportModelAdmin):
    model = TaskFailure
    menu_label = "Tâches en échec"
    menu_icon = "warning"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = TaskFailureButtonHelper
    inspect_view_enabled = True
    list_display = ("failed_at", "task_name", "arguments", "message", "handled_at", "handled_by")
    list_filter = (TaskFailureStateFilter, "task_path")
    list_select_related = ("handled_by",)
    search_fields = ("task_path", "message", "exception_class")

    @admin.display(description="tâche", ordering="task_path")
    def task_name(self, obj):
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description="arguments")
    def arguments(self, obj):
        named = [f"{key}={value!r}" for key, value in obj.kwargs.items()]
        return ", ".join([repr(value) for value in obj.args] + named)


class BankEntryButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        user = self.request.user
        if obj.payment_id is None and user.has_perms(
            ["membership.change_bankentry", "membership.add_payment"]
        ):
            url = reverse("membership_bank_entry_match", args=[obj.pk])
            buttons.append(_button(url, "Rapprocher d’une cotisation"))
        return buttons


class BankEntryStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "a_rapprocher"

    def lookups(self, request, model_admin):
        return (("1", "à rapprocher"), ("0", "rapprochées"))

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.unmatched()
        if self.value() == "0":
            return queryset.filter(payment__isnull=False)
        return queryset


class BankEntryAdmin(LocalisedExportModelAdmin):
    """Credits of imported statements that no cotisation took by itself, matched here by hand."""

    model = BankEntry
    menu_label = "Virements à rapprocher"
    menu_icon = "resubmit"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = BankEntryButtonHelper
    inspect_view_enabled = True
    list_display = (
        "booked_on",
        "amount",
        "debtor_name",
        "text",
        "reason_label",
        "payment_reference",
        "matched_cotisation",
    )
    list_filter = (BankEntryStateFilter, "reason", "booked_on")
    list_select_related = ("payment__cotisation__organisation", "payment__cotisation__user")
    search_fields = ("text", "debtor_name", "entry_reference", "payment_reference")
    list_export = (
        "booked_on",
        "amount",
        "currency",
        "debtor_name",
        "text",
        "reason_label",
        "detail",
        "payment_reference",
        "entry_reference",
        "statement_name",
        "matched_cotisation",
        "matched_at",
        "matched_by",
    )
    export_filename = "virements-a-rapprocher"

    @admin.display(description="motif")
    def reason_label(self, obj):
        return obj.get_reason_display()

    @admin.display(description="rapprochée de")
    def matched_cotisation(self, obj):
        return str(obj.payment.cotisation) if obj.payment_id else ""


class BankStatementImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perms(["membership.add_bankentry", "membership.add_payment"])


class MembershipAdminGroup(ModelAdminGroup):
    menu_label = "Adhésions"
    menu_icon = "group"
    menu_order = 250
    items = (
        CotisationAdmin,
        PaymentAdmin,
        ReceiptAdmin,
        InvoiceAdmin,
        MemberOrganisationAdmin,
        MemberProfileAdmin,
        OrganisationMembershipAdmin,
        TariffAdmin,
        RenewalRuleAdmin,
        ReminderAdmin,
        StripeEventAdmin,
        TaskFailureAdmin,
        BankEntryAdmin,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            BankStatementImportMenuItem(
                "Importer un relevé bancaire",
                reverse("membership_bank_statement_import"),
                name="membership-bank-statement-import",
                icon_name="upload",
                order=len(items) + 1,
            )
        )
        return items


modeladmin_register(MembershipAdminGroup)


class MoneyActionFormatter(LogFormatter):
    """« Paiement enregistré : Chèque de 45,00 € reçu le 03/12/2026… » in the history."""

    def format_message(self, log_entry):
        summary = (log_entry.data or {}).get("summary")
        return f"{self.message} : {summary}" if summary else self.message


@hooks.register("register_log_actions")
def register_money_actions(actions):
    for action, (label, message) in audit.ACTIONS.items():
        formatter = type(
            "MoneyActionFormatter", (MoneyActionFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


@hooks.register("register_admin_urls")
def register_membership_admin_urls():
    return [
        path(
            "adhesions/paiement-recu/<str:holder>/<int:pk>/",
            admin_views.OfflinePaymentView.as_view(),
            name="membership_offline_payment",
        ),
        path(
            "adhesions/couverture-provisoire/<int:pk>/",
            admin_views.ProvisionalGrantView.as_view(),
            name="membership_provisional_grant",
        ),
        path(
            "adhesions/annuler/<int:pk>/",
            admin_views.CotisationCancelView.as_view(),
            name="membership_cotisation_cancel",
        ),
        path(
            "adhesions/rattachement/<int:pk>/<str:decision>/",
            admin_views.AttachmentDecideView.as_view(),
            name="membership_attachment_decide",
        ),
        path(
            "adhesions/recus/<int:pk>.pdf",
            admin_views.receipt_pdf_view,
            name="membership_receipt_pdf",
        ),
        path(
            "adhesions/facturer/<int:pk>/",
            admin_views.InvoiceIssueView.as_view(),
            name="membership_invoice_issue",
        ),
        path(
            "adhesions/factures/<int:pk>/avoir/",
            admin_views.InvoiceCreditView.as_view(),
            name="membership_invoice_credit",
        ),
        path(
            "adhesions/factures/<int:pk>.pdf",
            admin_views.invoice_pdf_view,
            name="membership_invoice_pdf",
        ),
        path(
            "adhesions/factures/lot/",
            admin_views.InvoiceBatchView.as_view(),
            name="membership_invoice_batch",
        ),
        path(
            "adhesions/releves/importer/",
            admin_views.BankStatementImportView.as_view(),
            name="membership_bank_statement_import",
        ),
        path(
            "adhesions/releves/rapprocher/<int:pk>/",
            admin_views.BankEntryMatchView.as_view(),
            name="membership_bank_entry_match",
        ),
        path(
            "adhesions/taches-en-echec/<int:pk>/<str:action>/",
            admin_views.TaskFailureActionView.as_view(),
            name="membership_task_failure_action",
        ),
    ]


# --------------------------------------------------------------------------- dashboard


def renewal_counts(year: int) -> dict:
    """Of last year's members (holders of a paid cotisation), how many renewed: paid ``year``, or
    paid last year late enough to cover it."""
    last_year = Cotisation.objects.filter(year=year - 1, status=CotisationStatus.PAID)
    renewed = Cotisation.objects.filter(
        Q(year=year, status=CotisationStatus.PAID) | Cotisation.objects.carried_over_q(year)
    )
    members = set(last_year.values_list("organisation_id", "user_id"))
    renewed_holders = members & set(renewed.values_list("organisation_id", "user_id"))
    return {"members": len(members), "renewed": len(renewed_holders)}


class CotisationsPanel(Component):
    """This year's cotisations on the admin home page: paid, pending, amount collected."""

    name = "membership_cotisations"
    template_name = "membership/admin/cotisations_panel.html"
    order = 110

    def get_context_data(self, parent_context):
        year = membership_year()
        cotisations = Cotisation.objects.filter(year=year)
        counts = cotisations.aggregate(
            paid=Count("pk", filter=Q(status=CotisationStatus.PAID)),
            pending=Count(
                "pk",
                filter=Q(status__in=[CotisationStatus.PENDING, CotisationStatus.AWAITING_FUNDS]),
            ),
            provisional=Count("pk", filter=Q(status=CotisationStatus.PROVISIONAL)),
            attention=Count("pk", filter=Q(needs_attention=True)),
        )
        collected = Payment.objects.filter(
            cotisation__year=year,
            status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED],
        ).aggregate(total=Sum("amount"), refunded=Sum("amount_refunded"))
        amount = (collected["total"] or 0) - (collected["refunded"] or 0)
        index = reverse("membership_cotisation_modeladmin_index")
        return {
            "year_label": year_label(year),
            "counts": counts,
            "renewal": renewal_counts(year),
            "collected": euros(amount),
            "paid_url": f"{index}?year={year}&status__exact=paid",
            # The count takes in the money on its way (SEPA debit, transfer): so does the list.
            "pending_url": f"{index}?year={year}&status__in=pending,awaiting_funds",
            "attention_url": f"{index}?needs_attention__exact=1",
        }


@hooks.register("construct_homepage_panels")
def add_cotisations_panel(request, panels):
    if request.user.has_perm("membership.view_cotisation"):
        panels.append(CotisationsPanel())


TASK_FAILURES_DAYS = 7


class TaskFailuresPanel(Component):
    """The background tasks that failed lately (emails not sent…), for staff to act on."""

    name = "membership_task_failures"
    template_name = "membership/admin/task_failures_panel.html"
    order = 105

    def __init__(self, *, recent: int, unhandled: int):
        self.recent = recent
        self.unhandled = unhandled

    def get_context_data(self, parent_context):
        index = reverse("membership_taskfailure_modeladmin_index")
        return {
            "days": TASK_FAILURES_DAYS,
            "recent": self.recent,
            "unhandled": self.unhandled,
            "list_url": index,
            "unhandled_url": f"{index}?etat=a-traiter",
        }


@hooks.register("construct_homepage_panels")
def add_task_failures_panel(request, panels):
    if not request.user.has_perm("membership.view_taskfailure"):
        return
    since = timezone.now() - dt.timedelta(days=TASK_FAILURES_DAYS)
    recent = TaskFailure.objects.since(since).count()
    unhandled = TaskFailure.objects.unhandled().count()
    # Nothing failed and nothing left to handle: the dashboard stays quiet.
    if recent or unhandled:
        panels.append(TaskFailuresPanel(recent=recent, unhandled=unhandled))
