"""Staff's attendance screens in the Wagtail admin: a session's half-days and signatures, the
QR code to show, the sign-in sheets, countersigning, paper signatures and corrections."""

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from membership.admin_views import StaffFormView, _require
from membership.services import association_identity
from membership.views import pdf_response

from ..app_settings import app_settings
from ..models import Registration, SessionPage, Signature
from . import services, signing
from .pdf import sign_in_sheet_pdf

PERMISSION = "catalogue.change_registration"


def attendance_url(session_id: int) -> str:
    return reverse("catalogue_attendance", args=[session_id])


class _SessionMixin:
    permission = PERMISSION

    def dispatch(self, request, *args, session_id: int, key: str | None = None, **kwargs):
        _require(request, self.permission)
        self.session = get_object_or_404(SessionPage, pk=session_id)
        self.half_day = None
        if key is not None:
            self.half_day = self.session.half_day(key)
            if self.half_day is None:
                raise Http404("Cette demi-journée n'existe pas pour cette session.")
        return super().dispatch(request, *args, **kwargs)


class AttendanceView(_SessionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A session's half-days: who signed, how and when, and what staff can do for each."""

    template_name = "catalogue/attendance/admin_session.html"
    header_icon = "tasks"

    def get_page_title(self):
        return f"Émargement : « {self.session.title} »"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        session = self.session
        table = services.signatures_by_registration(session)
        registrations = list(
            Registration.objects.confirmed()
            .filter(session=session)
            .select_related("user", "user__member_profile", "occurrence")
        )
        registrations.sort(key=lambda r: services.person_name(r.user).lower())
        countersigned = {}
        for signature in Signature.objects.filter(session=session).effective().trainers():
            countersigned.setdefault(f"{signature.day.isoformat()}-{signature.period}", []).append(
                signature
            )
        half_days = []
        for half_day in session.half_days:
            opens, closes = signing.signing_window(half_day)
            expected = [r for r in registrations if half_day.key in {h.key for h in r.half_days}]
            half_days.append(
                {
                    "half_day": half_day,
                    "expected": len(expected),
                    "signed": sum(1 for r in expected if half_day.key in table.get(r.pk, {})),
                    "countersigned": countersigned.get(half_day.key, []),
                    "countersigned_by_me": any(
                        s.recorded_by_id == self.request.user.pk
                        for s in countersigned.get(half_day.key, [])
                    ),
                    "signing_now": opens <= now <= closes,
                    "started": now >= half_day.start,
                    "open_online": session.is_online and services.is_open_online(session, half_day),
                }
            )
        rows = [
            {
                "registration": registration,
                "name": services.person_name(registration.user),
                "cells": [
                    {
                        "half_day": item["half_day"],
                        "expected": item["half_day"].key in {h.key for h in registration.half_days},
                        "signature": table.get(registration.pk, {}).get(item["half_day"].key),
                    }
                    for item in half_days
                ],
            }
            for registration in registrations
        ]
        context.update(
            session=session,
            half_days=half_days,
            rows=rows,
            trainers=services.trainers(session),
            registrations_url=reverse("catalogue_registration_modeladmin_index")
            + f"?session__id__exact={session.pk}",
        )
        return context


class SigningCodeView(_SessionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The QR code a trainer shows during a half-day; the page reloads itself, and the code
    changes every minute."""

    template_name = "catalogue/attendance/admin_code.html"
    header_icon = "view"

    def get_page_title(self):
        return f"Code d'émargement : {self.half_day.label}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        opens, closes = signing.signing_window(self.half_day)
        url = ""
        if opens <= now <= closes:
            code = signing.current_code(self.session.pk, self.half_day, now)
            url = app_settings.SITE_URL + signing.signing_path(self.session.pk, self.half_day, code)
        context.update(
            session=self.session,
            half_day=self.half_day,
            signing_url=url,
            qr_svg=segno.make(url, error="m").svg_inline(scale=8, title="Code d'émargement")
            if url
            else "",
            opens=opens,
            closes=closes,
            attendance_url=attendance_url(self.session.pk),
        )
        return context


class SignInSheetView(_SessionMixin, View):
    def get(self, request, *args, **kwargs):
        pdf = sign_in_sheet_pdf(self.session, self.half_day, identity=association_identity())
        return pdf_response(pdf, f"emargement-{self.session.pk}-{self.half_day.key}.pdf")


class HalfDayActionView(_SessionMixin, View):
    """POST: ``countersign`` (the signed-in trainer), ``open`` (online signing), ``paper`` (a
    participant signed the paper sheet; ``registration`` in the form)."""

    def post(self, request, *args, action: str, **kwargs):
        key, by = self.half_day.key, request.user
        try:
            if action == "contresigner":
                services.attendance_countersign(session=self.session, key=key, by=by)
                done = "Demi-journée contresignée."
            elif action == "ouvrir":
                services.signing_open(session=self.session, key=key, by=by)
                done = "Émargement en ligne ouvert : les participants signent depuis leurs inscriptions."
            elif action == "papier":
                registration = get_object_or_404(
                    Registration, pk=request.POST.get("registration"), session=self.session
                )
                signature = services.attendance_record_paper(
                    registration=registration, key=key, by=by
                )
                done = f"Signature papier enregistrée pour {signature.signer_name}."
            else:
                raise Http404
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(attendance_url(self.session.pk))


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Raison de la correction",
        max_length=255,
        help_text="Par exemple « ligne de la feuille mal attribuée ». La signature reste dans "
        "l'historique, marquée comme corrigée.",
    )


class SignatureCancelView(StaffFormView):
    permission = PERMISSION
    header_icon = "undo"
    form_class = CorrectionForm
    submit_button_label = "Annuler cette signature"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.signature = get_object_or_404(Signature.objects.select_related("session"), pk=pk)

    def get_page_title(self):
        return f"Corriger la signature de {self.signature.signer_name} ({self.signature})"

    def form_valid(self, form):
        try:
            services.signature_cancel(
                signature=self.signature, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(self.request, "Signature annulée ; la correction est enregistrée.")
        return redirect(attendance_url(self.signature.session_id))
