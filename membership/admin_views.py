"""Staff actions in the Wagtail admin that go through the services: record an offline payment,
grant provisional coverage, decide an attachment, download a receipt; and the list exports
that every staff list of the portal shares."""

import datetime as dt
import zipfile
from io import BytesIO
from itertools import chain

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from . import reconciliation, services, task_failures
from .dues import AmountUnknown, amount_due
from .forms import (
    BankEntryMatchForm,
    BankStatementForm,
    InvoiceBatchForm,
    InvoiceIssueForm,
    OfflinePaymentForm,
    ProvisionalGrantForm,
)
from .models import (
    BankEntry,
    Cotisation,
    Invoice,
    MemberOrganisation,
    OrganisationMembership,
    Receipt,
    TaskFailure,
)
from .pdf import receipt_pdf
from .spreadsheets import csv_lines
from .views import pdf_response
from .years import membership_year


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


# --------------------------------------------------------------------------- exports


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


class LocalisedExportIndexView(IndexView):
    """A staff list whose CSV and XLSX exports read as staff expect: times in Europe/Paris,
    French formats where the file holds text; CSV as a French Excel opens it (``spreadsheets``).

    wagtail-modeladmin writes aware datetimes in UTC (ISO text in CSV, the UTC clock in XLSX),
    booleans as "True", the empty-value dash for any falsy value (a False or a zero amount
    included), and headings in English title case ("Montant Remboursé (€)"); its CSV is
    comma-separated UTF-8 without a byte-order mark, with member-typed formulas left live. Its XLSX
    already stores text that looks like a formula as text.
    """

    DATETIME_XLSX = "dd/mm/yyyy hh:mm"
    DATE_XLSX = "dd/mm/yyyy"

    custom_value_preprocess = {
        dt.datetime: {
            IndexView.FORMAT_CSV: lambda value: f"{_local(value):%d/%m/%Y %H:%M}",
            # openpyxl refuses aware datetimes: the Paris wall clock, without its zone.
            IndexView.FORMAT_XLSX: lambda value: _local(value).replace(tzinfo=None),
        },
        dt.date: {
            IndexView.FORMAT_CSV: lambda value: f"{value:%d/%m/%Y}",
            IndexView.FORMAT_XLSX: None,
        },
        dt.time: {
            IndexView.FORMAT_CSV: lambda value: f"{value:%H:%M}",
            IndexView.FORMAT_XLSX: None,
        },
        bool: {IndexView.FORMAT_CSV: lambda value: "oui" if value else "non"},
        list: IndexView.custom_value_preprocess[list],
    }

    def get_heading(self, queryset, field):
        heading = self.export_headings.get(field) or label_for_field(
            field, model=self.model, model_admin=self.model_admin
        )
        return capfirst(force_str(heading))

    def to_row_dict(self, item):
        row = {}
        for field in self.list_export:
            _, attr, value = lookup_field(field, item, self.model_admin)
            if value is None or value == "":
                value = getattr(
                    attr, "empty_value_display", self.model_admin.get_empty_value_display(field)
                )
            row[field] = value
        return row

    def stream_csv(self, queryset):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (
            [
                self.preprocess_field_value(field, value, self.FORMAT_CSV)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        return csv_lines(chain([headings], rows))

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        cells = super().generate_xlsx_row(worksheet, row_dict, date_format=self.DATETIME_XLSX)
        for cell, value in zip(cells, row_dict.values(), strict=True):
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell.number_format = self.DATE_XLSX
            yield cell


class LocalisedExportModelAdmin(ModelAdmin):
    """The base of every staff list of the portal (membership and catalogue): see
    ``LocalisedExportIndexView`` for what its exports write."""

    index_view_class = LocalisedExportIndexView


# --------------------------------------------------------------------------- staff actions


def cotisations_index_url() -> str:
    return reverse("membership_cotisation_modeladmin_index")


class StaffFormView(WagtailAdminTemplateMixin, FormView):
    """A one-step staff action in the admin's look, behind one permission ("app.codename")."""

    template_name = "wagtailadmin/generic/form.html"
    permission = ""
    submit_button_label = "Enregistrer"

    def dispatch(self, request, *args, **kwargs):
        _require(request, self.permission)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = self.submit_button_label
        return context

    def fail(self, form, exc: ValidationError):
        if isinstance(exc, AmountUnknown):
            # Staff are told what to fill in, with the link to it; members get another message.
            messages.error(self.request, exc.staff_message)
            return self.form_invalid(form)
        for message in exc.messages:
            messages.error(self.request, message)
        return self.form_invalid(form)


class OfflinePaymentView(StaffFormView):
    """Money received by cheque, transfer or mandate: one form, one step — the cotisation is
    opened if needed, paid, and its receipt issued."""

    permission = "membership.add_payment"
    header_icon = "form"
    form_class = OfflinePaymentForm
    submit_button_label = "Enregistrer le paiement et émettre le reçu"

    def setup(self, request, *args, holder: str, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cotisation = self.user = self.organisation = None
        if holder == "cotisation":
            self.cotisation = get_object_or_404(Cotisation, pk=pk)
            self.holder_name = self.cotisation.holder_name
        elif holder == "organisation":
            self.organisation = get_object_or_404(MemberOrganisation, pk=pk)
            self.holder_name = self.organisation.name
        else:
            self.user = get_object_or_404(get_user_model(), member_profile__pk=pk)
            self.holder_name = str(self.user.member_profile)

    def get_page_title(self):
        if self.cotisation:
            return f"Paiement reçu : cotisation {self.cotisation.year} de {self.holder_name}"
        return f"Paiement reçu de {self.holder_name}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.cotisation:
            return {**kwargs, "cotisation": self.cotisation}
        year = membership_year()
        kwargs = {**kwargs, "year": year}
        try:
            amount = amount_due(year=year, user=self.user, organisation=self.organisation)
        except AmountUnknown:
            return kwargs
        kwargs["initial"] = {**kwargs.get("initial", {}), "amount": amount}
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                cotisation = self.cotisation or services.cotisation_open(
                    user=self.user, organisation=self.organisation, year=data["year"]
                )
                payment = services.offline_payment_record(
                    cotisation=cotisation,
                    method=data["method"],
                    amount=data["amount"],
                    reference=data["reference"],
                    received_on=data["received_on"],
                    recorded_by=self.request.user,
                )
        except ValidationError as exc:
            return self.fail(form, exc)
        receipt = payment.receipts.filter(kind="receipt").first()
        messages.success(
            self.request,
            f"Paiement enregistré : cotisation {cotisation.year} de {cotisation.holder_name} "
            f"payée, reçu n° {receipt.display_number}.",
        )
        return redirect(cotisations_index_url())


class ProvisionalGrantView(StaffFormView):
    permission = "membership.change_cotisation"
    header_icon = "time"
    form_class = ProvisionalGrantForm
    submit_button_label = "Accorder la couverture provisoire"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cotisation = get_object_or_404(Cotisation, pk=pk)

    def get_page_title(self):
        return (
            f"Couverture provisoire : cotisation {self.cotisation.year} "
            f"de {self.cotisation.holder_name}"
        )

    def form_valid(self, form):
        try:
            services.provisional_grant(
                cotisation=self.cotisation,
                until=form.cleaned_data["until"],
                granted_by=self.request.user,
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        messages.success(
            self.request,
            f"{self.cotisation.holder_name} est couvert(e) jusqu’au "
            f"{form.cleaned_data['until']:%d/%m/%Y}.",
        )
        return redirect(cotisations_index_url())


class AttachmentDecideView(StaffFormView):
    """Confirm or refuse a person's attachment to an organisation (a confirmation page first)."""

    permission = "membership.change_organisationmembership"
    header_icon = "link"
    form_class = forms.Form

    def setup(self, request, *args, pk: int, decision: str, **kwargs):
        super().setup(request, *args, **kwargs)
        if decision not in {"confirmer", "refuser"}:
            raise Http404
        self.confirm = decision == "confirmer"
        self.attachment = get_object_or_404(
            OrganisationMembership.objects.select_related("user", "organisation"), pk=pk
        )
        self.submit_button_label = "Confirmer le rattachement" if self.confirm else "Refuser"

    def get_page_title(self):
        verb = "Confirmer" if self.confirm else "Refuser"
        return (
            f"{verb} le rattachement de {self.attachment.user.email} "
            f"à {self.attachment.organisation.name}"
        )

    def form_valid(self, form):
        try:
            services.attachment_decide(
                attachment=self.attachment, confirm=self.confirm, decided_by=self.request.user
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        messages.success(self.request, f"Rattachement mis à jour : {self.attachment.user.email}.")
        return redirect(reverse("membership_organisationmembership_modeladmin_index"))


class CotisationCancelView(StaffFormView):
    """Cancel a cotisation opened by mistake (wrong holder or year); frees the holder's year."""

    permission = "membership.change_cotisation"
    header_icon = "cross"
    form_class = forms.Form
    submit_button_label = "Annuler la cotisation"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cotisation = get_object_or_404(Cotisation, pk=pk)

    def get_page_title(self):
        return f"Annuler la cotisation {self.cotisation.year} de {self.cotisation.holder_name}"

    def form_valid(self, form):
        try:
            services.cotisation_cancel(cotisation=self.cotisation, cancelled_by=self.request.user)
        except ValidationError as exc:
            return self.fail(form, exc)
        messages.success(self.request, f"Cotisation annulée : {self.cotisation}.")
        return redirect(cotisations_index_url())


class TaskFailureActionView(StaffFormView):
    """Mark a failed task as handled (the person was told otherwise), or run it again."""

    permission = "membership.change_taskfailure"
    header_icon = "warning"
    form_class = forms.Form

    def setup(self, request, *args, pk: int, action: str, **kwargs):
        super().setup(request, *args, **kwargs)
        if action not in {"traiter", "relancer"}:
            raise Http404
        self.retry = action == "relancer"
        self.failure = get_object_or_404(TaskFailure, pk=pk)
        self.submit_button_label = "Relancer la tâche" if self.retry else "Marquer comme traitée"

    def get_page_title(self):
        verb = "Relancer" if self.retry else "Marquer comme traitée"
        return f"{verb} : {self.failure}"

    def form_valid(self, form):
        try:
            if self.retry:
                task_failures.task_failure_retry(failure=self.failure, by=self.request.user)
            else:
                task_failures.task_failure_handle(failure=self.failure, by=self.request.user)
        except ValidationError as exc:
            return self.fail(form, exc)
        done = "relancée" if self.retry else "marquée comme traitée"
        messages.success(self.request, f"Tâche {done} : {self.failure}.")
        return redirect(reverse("membership_taskfailure_modeladmin_index"))


class BankStatementImportView(StaffFormView):
    """Upload a bank statement: its transfers are reconciled and the outcome shown below the form,
    as the ``import_bank_statement`` command prints it."""

    permission = "membership.add_bankentry"
    header_icon = "upload"
    page_title = "Importer un relevé bancaire"
    template_name = "membership/admin/bank_statement_import.html"
    form_class = BankStatementForm
    submit_button_label = "Importer le relevé"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "membership.add_payment")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["statement"]
        try:
            summary = reconciliation.bank_statement_import(
                content=upload.read(), statement_name=upload.name, imported_by=self.request.user
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        messages.success(
            self.request,
            f"Relevé « {upload.name} » importé : {len(summary.matched)} virement(s) "
            f"enregistré(s), {len(summary.left)} laissé(s) à l’équipe, "
            f"{len(summary.skipped)} déjà importé(s).",
        )
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                statement_name=upload.name,
                sections=reconciliation.summary_sections(summary),
                entries_url=reverse("membership_bankentry_modeladmin_index") + "?a_rapprocher=1",
            )
        )


class BankEntryMatchView(StaffFormView):
    """Match a bank credit no cotisation took by itself: it is recorded as that cotisation's
    transfer (paid, receipt issued), and the match is in the audit log."""

    permission = "membership.change_bankentry"
    header_icon = "resubmit"
    template_name = "membership/admin/bank_entry_match.html"
    form_class = BankEntryMatchForm
    submit_button_label = "Enregistrer le virement pour cette cotisation"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "membership.add_payment")
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.entry = get_object_or_404(BankEntry, pk=pk)

    def get_page_title(self):
        entry = self.entry
        return (
            f"Rapprocher le virement du {entry.booked_on:%d/%m/%Y} de "
            f"{services.euros(entry.amount)} ({entry.debtor_name or 'donneur d’ordre inconnu'})"
        )

    def get_initial(self):
        return {"cotisation": self.entry.cotisation_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.entry
        return context

    def form_valid(self, form):
        try:
            payment = reconciliation.bank_entry_match(
                entry=self.entry,
                cotisation=form.cleaned_data["cotisation"],
                matched_by=self.request.user,
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        receipt = payment.receipts.filter(kind="receipt").first()
        messages.success(
            self.request,
            f"Virement enregistré : cotisation {payment.cotisation.year} de "
            f"{payment.cotisation.holder_name} payée, reçu n° {receipt.display_number}.",
        )
        return redirect(reverse("membership_bankentry_modeladmin_index"))


def receipt_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "membership.view_receipt")
    receipt = get_object_or_404(Receipt, pk=pk)
    identity = services.association_identity(request)
    return pdf_response(
        receipt_pdf(receipt, identity=identity), f"recu-{receipt.display_number}.pdf"
    )


# --------------------------------------------------------------------------- invoices


def invoices_index_url() -> str:
    return reverse("membership_invoice_modeladmin_index")


class InvoiceIssueView(StaffFormView):
    """Issue a cotisation's Factur-X invoice with the public body's references; the holder is
    covered provisionally from then on."""

    permission = "membership.add_invoice"
    header_icon = "doc-full"
    form_class = InvoiceIssueForm
    submit_button_label = "Émettre la facture"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cotisation = get_object_or_404(
            Cotisation.objects.select_related("organisation", "user"), pk=pk
        )

    def get_page_title(self):
        return f"Facture : cotisation {self.cotisation.year} de {self.cotisation.holder_name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cotisation": self.cotisation}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if self.cotisation.organisation_id:
                    services.public_references_record(
                        cotisation=self.cotisation,
                        purchase_order_number=data["purchase_order_number"],
                        commitment_number=data["commitment_number"],
                        chorus_service_code=data["chorus_service_code"],
                        siret=data["siret"],
                    )
                invoice = services.invoice_issue(
                    cotisation=self.cotisation,
                    issued_by=self.request.user,
                    cover_until=data["cover_until"],
                    identity=services.association_identity(self.request),
                )
        except ValidationError as exc:
            return self.fail(form, exc)
        self.cotisation.refresh_from_db()
        covered = (
            f" ; couverture provisoire jusqu’au {self.cotisation.provisional_until:%d/%m/%Y}"
            if self.cotisation.provisional_until and self.cotisation.status == "provisional"
            else ""
        )
        messages.success(
            self.request,
            f"Facture n° {invoice.display_number} émise pour {invoice.buyer_name}{covered}.",
        )
        return redirect(invoices_index_url())


class InvoiceCreditView(StaffFormView):
    """Cancel an invoice by a credit note (a wrong reference, a cotisation given up)."""

    permission = "membership.add_invoice"
    header_icon = "cross"
    form_class = forms.Form
    submit_button_label = "Émettre l’avoir"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invoice = get_object_or_404(Invoice.objects.defer("document"), pk=pk)

    def get_page_title(self):
        return f"Avoir sur la facture n° {self.invoice.display_number} ({self.invoice.buyer_name})"

    def form_valid(self, form):
        try:
            note = services.invoice_credit(
                invoice=self.invoice,
                issued_by=self.request.user,
                identity=services.association_identity(self.request),
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        messages.success(
            self.request,
            f"Avoir n° {note.display_number} émis : la facture n° "
            f"{self.invoice.display_number} est annulée.",
        )
        return redirect(invoices_index_url())


class InvoiceBatchView(StaffFormView):
    """Download the chosen invoices and credit notes as one zip, to deposit on Chorus Pro."""

    permission = "membership.view_invoice"
    header_icon = "download"
    form_class = InvoiceBatchForm
    submit_button_label = "Télécharger le lot (zip)"
    page_title = "Télécharger des factures"

    def get_initial(self):
        return {"invoices": self.request.GET.getlist("pk")}

    def form_valid(self, form):
        invoices = form.cleaned_data["invoices"]
        response = HttpResponse(invoices_zip(invoices), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="factures.zip"'
        return response


def invoices_zip(invoices) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(invoice.filename, bytes(invoice.document))
    return buffer.getvalue()


def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as issued: its stored Factur-X file, never drawn again."""
    _require(request, "membership.view_invoice")
    invoice = get_object_or_404(Invoice, pk=pk)
    return pdf_response(bytes(invoice.document), invoice.filename)
