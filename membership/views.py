"""The member's own pages: account, profile, organisations, documents, personal data."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks

from . import dues, services
from .coverage import coverage_for
from .forms import AttachmentRequestForm, DeleteAccountForm, ProfileForm, PublicReferencesForm
from .models import (
    AttachmentStatus,
    Cotisation,
    MemberOrganisation,
    MemberProfile,
    OrganisationMembership,
    Receipt,
)
from .pdf import membership_form_pdf, receipt_pdf
from .privacy import personal_data
from .years import membership_year, year_label, year_start


def profile_for(user) -> MemberProfile:
    profile, _created = MemberProfile.objects.get_or_create(user=user)
    return profile


def confirmed_organisations(user):
    return MemberOrganisation.objects.filter(
        memberships__user=user, memberships__status=AttachmentStatus.CONFIRMED
    )


def visible_cotisations(user):
    """The person's own cotisations and those of the organisations they are confirmed in."""
    return Cotisation.objects.filter(
        Q(user=user) | Q(organisation__in=confirmed_organisations(user))
    ).select_related("organisation")


def visible_receipts(user):
    return Receipt.objects.filter(cotisation__in=visible_cotisations(user)).select_related(
        "cotisation", "cotisation__organisation", "payment", "credits"
    )


def online_checkout_url() -> str | None:
    """The online payment page, when the Stripe part is installed and configured."""
    from . import payments

    if not payments.online_payment_enabled():
        return None
    for name in ("membership:checkout_start", "membership_checkout:checkout_start"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def account_sections(request: HttpRequest) -> list[str]:
    """HTML sections other apps add to the account page through the hook
    ``portail_account_sections`` (e.g. the catalogue's registrations): membership knows
    nothing of them."""
    return [section(request) for section in hooks.get_hooks("portail_account_sections")]


@login_required
@require_GET
def account_view(request: HttpRequest) -> HttpResponse:
    """« Mon espace » : coverage this year and through whom, cotisations, receipts, organisations."""
    user = request.user
    today = timezone.localdate()
    year = membership_year(today)
    attachments = (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    referent_of = [a.organisation for a in attachments if a.is_referent and a.status == "confirmed"]
    pending_requests = (
        OrganisationMembership.objects.filter(
            organisation__in=referent_of, status=AttachmentStatus.REQUESTED
        )
        .exclude(user=user)
        .select_related("user", "user__member_profile", "organisation")
    )
    identity = services.association_identity(request)
    checkout_url = online_checkout_url()
    # Next year's grace period does not cover next year: it only waits for its payment.
    next_coverage = coverage_for(user, on=year_start(year + 1))
    return render(
        request,
        "membership/account.html",
        {
            "profile": profile_for(user),
            "account_sections": account_sections(request),
            "coverage": coverage_for(user, on=today),
            "next_coverage": next_coverage
            if next_coverage and not next_coverage.is_renewing
            else None,
            "year": year,
            "year_label": year_label(year),
            "next_year": year + 1,
            "next_year_label": year_label(year + 1),
            "cotisations": visible_cotisations(user),
            "receipts": visible_receipts(user),
            "attachments": attachments,
            "pending_requests": pending_requests,
            "dues": dues.dues_of(user, year=year),
            "next_dues": dues.dues_of(user, year=year + 1),
            "ways": dues.payment_ways(identity, online=checkout_url is not None),
            "checkout_url": checkout_url,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=profile_for(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre profil est enregistré.")
        return redirect("membership:account")
    return render(request, "membership/profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def attachment_request_view(request: HttpRequest) -> HttpResponse:
    """Ask to be attached to an organisation, listed or not yet."""
    form = AttachmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["organisation"]:
                attachment = services.attachment_request(
                    user=request.user, organisation=form.cleaned_data["organisation"]
                )
            else:
                attachment = services.organisation_propose(
                    user=request.user, **form.new_organisation_fields()
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Votre demande de rattachement à {attachment.organisation.name} est envoyée : "
                "l’équipe ou le référent de l’organisation va la confirmer.",
            )
            return redirect("membership:account")
    return render(request, "membership/attachment_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def public_references_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A referent records the references their organisation's invoice must carry (purchase
    order, legal commitment, Chorus Pro service code, SIRET) for this year or the next."""
    organisation = get_object_or_404(MemberOrganisation, pk=pk)
    if not services.can_decide_attachment(request.user, organisation):
        raise Http404
    current = membership_year()
    year = request.GET.get("annee", str(current))
    if year not in {str(current), str(current + 1)}:
        raise Http404
    year = int(year)
    cotisation = Cotisation.objects.live().filter(
        organisation=organisation, year=year
    ).first() or Cotisation(organisation=organisation, year=year)
    form = PublicReferencesForm(request.POST or None, cotisation=cotisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                opened = services.cotisation_open(organisation=organisation, year=year)
                services.public_references_record(cotisation=opened, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Références enregistrées pour la cotisation {year_label(year)} de "
                f"{organisation.name} : l’équipe les portera sur la facture.",
            )
            return redirect("membership:account")
    return render(
        request,
        "membership/public_references_form.html",
        {"form": form, "organisation": organisation, "year_label": year_label(year)},
    )


@login_required
@require_POST
def attachment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A referent (or staff) confirms or refuses a request to join their organisation."""
    attachment = get_object_or_404(
        OrganisationMembership.objects.select_related("organisation"), pk=pk
    )
    if not services.can_decide_attachment(request.user, attachment.organisation):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"confirm", "reject"}:
        messages.error(request, "Choisissez de confirmer ou de refuser la demande.")
        return redirect("membership:account")
    confirm = decision == "confirm"
    try:
        services.attachment_decide(attachment=attachment, confirm=confirm, decided_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "confirmé" if confirm else "refusé"
        messages.success(request, f"Rattachement de {attachment.user.email} {verb}.")
    return redirect("membership:account")


@login_required
@require_GET
def receipt_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(visible_receipts(request.user), pk=pk)
    identity = services.association_identity(request)
    return pdf_response(
        receipt_pdf(receipt, identity=identity), f"recu-{receipt.display_number}.pdf"
    )


@login_required
@require_GET
def membership_form_view(request: HttpRequest) -> HttpResponse:
    """The pre-filled membership form (bulletin de cotisation), for the person or one of their
    confirmed organisations (``?organisation=<id>``), for this year or the next (``?annee=``).

    Downloading it means paying offline: the holder's pending cotisation is opened at the amount
    due, so that the transfer or cheque that follows is matched to it."""
    user = request.user
    current = membership_year()
    requested_year = request.GET.get("annee", "")
    year = int(requested_year) if requested_year in {str(current), str(current + 1)} else current
    organisation = None
    if organisation_id := request.GET.get("organisation", ""):
        if organisation_id.isdecimal():
            organisation = confirmed_organisations(user).filter(pk=organisation_id).first()
        if organisation is None:
            raise Http404
    profile = profile_for(user)
    if organisation:
        holder = {"organisation": organisation}
        lines = [
            ("Type", organisation.get_kind_display()),
            ("SIRET", organisation.siret or "…………………………"),
            ("Adresse", organisation.postal_address or "…………………………"),
            ("Courriel de facturation", organisation.billing_email or "…………………………"),
            ("Contact", f"{profile.full_name or user.email} — {user.email}"),
        ]
        if organisation.inhabitants:
            lines.insert(
                1, ("Nombre d’habitants", f"{organisation.inhabitants:,}".replace(",", "\u202f"))
            )
    else:
        holder = {"user": user}
        lines = [
            ("Courriel", user.email),
            ("Téléphone", profile.phone or "…………………………"),
            ("Fonction", profile.job_title or "…………………………"),
            ("Adresse", profile.address or "…………………………"),
        ]
    due = dues.due_for(year=year, **holder)
    if due.cotisation is None and due.amount is not None:
        services.cotisation_open(year=year, **holder)
        due = dues.due_for(year=year, **holder)
    if not organisation and not profile.full_name:
        due.holder_name = "…………………………"
    identity = services.association_identity(request)
    content = membership_form_pdf(
        identity=identity,
        due=due,
        holder_lines=lines,
        # Paper: the offline ways only.
        ways=dues.payment_ways(identity, online=False, reference=due.reference),
    )
    return pdf_response(content, f"bulletin-cotisation-{year}.pdf")


@login_required
@require_GET
def data_export_view(request: HttpRequest) -> HttpResponse:
    """The person's data as a JSON download."""
    content = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("membership:account")
        logout(request)
        messages.success(
            request,
            "Votre compte est supprimé. Les reçus et paiements que l’association doit conserver "
            "ne sont plus liés à vos données personnelles.",
        )
        return redirect("/")
    return render(request, "membership/account_delete.html", {"form": form})
