"""Staff actions on participants and applications in the Wagtail admin; all go through services."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail_modeladmin.views import InspectView

from membership.admin_views import StaffFormView

from ..models import (
    Application,
    ApplicationStatus,
    AttendanceMode,
    Registration,
    SessionOccurrence,
    SessionPage,
    WorkingGroupCallPage,
)
from . import services


class ModelAdminInspectView(InspectView):
    """An inspect view that also shows the model admin's display methods, as its list does.

    wagtail-modeladmin looks ``inspect_view_fields`` up on the model only: a method of the
    model admin there made the view answer 500.
    """

    def get_field_label(self, field_name, field=None):
        return label_for_field(field_name, model=self.model, model_admin=self.model_admin)

    def get_field_display_value(self, field_name, field=None):
        method = getattr(self.model_admin, field_name, None)
        if callable(method) and not hasattr(self.instance, field_name):
            return method(self.instance)
        return super().get_field_display_value(field_name, field)


def registrations_index_url(session_id: int | None = None) -> str:
    url = reverse("catalogue_registration_modeladmin_index")
    return f"{url}?session__id__exact={session_id}" if session_id else url


def applications_index_url(call_id: int | None = None) -> str:
    url = reverse("catalogue_application_modeladmin_index")
    return f"{url}?call__id__exact={call_id}" if call_id else url


def occurrence_label(occurrence: SessionOccurrence) -> str:
    start = timezone.localtime(occurrence.start)
    return f"{start:%d/%m/%Y %H:%M}" + (f" ({occurrence.label})" if occurrence.label else "")


# --------------------------------------------------------------------------- participants


class ParticipantAddForm(forms.Form):
    session = forms.ModelChoiceField(
        label="Session", queryset=SessionPage.objects.order_by("-first_published_at")
    )
    email = forms.EmailField(label="Courriel de la personne (son compte)")
    occurrence = forms.ModelChoiceField(
        label="Date choisie",
        queryset=SessionOccurrence.objects.none(),
        required=False,
        help_text="Pour les sessions où l'on choisit une date.",
    )
    override_capacity = forms.BooleanField(
        label="Confirmer même au-delà des places", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["occurrence"]
        field.queryset = SessionOccurrence.objects.filter(start__gt=timezone.now()).select_related(
            "session"
        )
        field.label_from_instance = lambda o: f"{o.session.title} — {occurrence_label(o)}"

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise ValidationError(
                "Aucun compte n'a cette adresse : la personne doit d'abord en créer un."
            )
        return user


class ParticipantAddView(StaffFormView):
    """Add a person to a session: staff bypass the window and the cotisation gate."""

    permission = "catalogue.add_registration"
    header_icon = "user"
    form_class = ParticipantAddForm
    submit_button_label = "Inscrire"
    page_title = "Ajouter un participant"

    def get_initial(self):
        return {"session": self.request.GET.get("session")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                session=data["session"],
                user=data["email"],
                occurrence=data["occurrence"],
                by=self.request.user,
                override_capacity=data["override_capacity"],
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(
            self.request,
            f"{registration.user.email} : {registration.get_status_display().lower()} "
            f"pour « {registration.session.title} ».",
        )
        return redirect(registrations_index_url(registration.session_id))


class ParticipantMoveForm(forms.Form):
    occurrence = forms.ModelChoiceField(label="Nouvelle date", queryset=None)
    override_capacity = forms.BooleanField(
        label="Confirmer même au-delà des places", required=False
    )

    def __init__(self, *args, session: SessionPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = session.occurrences.order_by("start")
        self.fields["occurrence"].label_from_instance = occurrence_label


class ParticipantMoveView(StaffFormView):
    permission = "catalogue.change_registration"
    header_icon = "date"
    form_class = ParticipantMoveForm
    submit_button_label = "Déplacer"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.registration = get_object_or_404(
            Registration.objects.select_related("session", "user"), pk=pk
        )
        if self.registration.session.attendance_mode != AttendanceMode.ONE_DATE:
            raise Http404("Cette session se suit à toutes ses dates.")

    def get_page_title(self):
        return f"Déplacer {self.registration.user.email} à une autre date"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.registration.session}

    def form_valid(self, form):
        try:
            moved = services.registration_move(
                registration=self.registration,
                occurrence=form.cleaned_data["occurrence"],
                by=self.request.user,
                override_capacity=form.cleaned_data["override_capacity"],
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(
            self.request,
            f"{moved.user.email} : {occurrence_label(moved.occurrence)}, "
            f"{moved.get_status_display().lower()}.",
        )
        return redirect(registrations_index_url(moved.session_id))


class ParticipantActionView(StaffFormView):
    """Confirm from the waiting list (beyond capacity) or remove. Presence comes from the signed
    half-days (the attendance screens)."""

    permission = "catalogue.change_registration"
    header_icon = "user"
    form_class = forms.Form
    ACTIONS = {
        "confirmer": "Confirmer (au-delà des places si besoin)",
        "retirer": "Retirer de la session",
    }

    def setup(self, request, *args, pk: int, action: str, **kwargs):
        super().setup(request, *args, **kwargs)
        if action not in self.ACTIONS:
            raise Http404
        self.action = action
        self.submit_button_label = self.ACTIONS[action]
        self.registration = get_object_or_404(
            Registration.objects.select_related("session", "user"), pk=pk
        )

    def get_page_title(self):
        return f"{self.ACTIONS[self.action]} : {self.registration.user.email}, « {self.registration.session.title} »"

    def form_valid(self, form):
        registration, by = self.registration, self.request.user
        try:
            if self.action == "confirmer":
                services.registration_confirm(registration=registration, by=by)
            else:
                services.registration_cancel(registration=registration, by=by)
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(self.request, f"{registration.user.email} : c'est fait.")
        return redirect(registrations_index_url(registration.session_id))


class FillSeatsView(StaffFormView):
    """After raising a session's capacity: confirm the waiting list into the new seats."""

    permission = "catalogue.change_registration"
    header_icon = "group"
    form_class = forms.Form
    submit_button_label = "Confirmer les personnes en attente dans les places libres"

    def setup(self, request, *args, session_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = get_object_or_404(SessionPage, pk=session_id)

    def get_page_title(self):
        return f"Places libres : « {self.session.title} »"

    def form_valid(self, form):
        promoted = services.registration_fill_free_seats(session=self.session, by=self.request.user)
        messages.success(self.request, f"{len(promoted)} personne(s) confirmée(s) et prévenue(s).")
        return redirect(registrations_index_url(self.session.pk))


# --------------------------------------------------------------------------- applications


DECISION_CHOICES = [
    (ApplicationStatus.SELECTED, "Retenir"),
    (ApplicationStatus.RESERVE, "Garder en réserve"),
    (ApplicationStatus.DECLINED, "Ne pas retenir"),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Message aux candidats",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Joint au courriel qui annonce la décision.",
    )


class BatchDecisionForm(DecisionForm):
    applications = forms.ModelMultipleChoiceField(
        label="Candidatures", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["applications", "decision", "note"]

    def __init__(self, *args, call: WorkingGroupCallPage, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = call.applications.select_related("user").order_by("created_at")
        field.label_from_instance = lambda a: (
            f"{a.user.get_full_name() or a.user.email} ({a.get_status_display().lower()})"
        )


class ApplicationDecideView(StaffFormView):
    permission = "catalogue.change_application"
    header_icon = "form"
    form_class = DecisionForm
    submit_button_label = "Décider et prévenir la personne"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.application = get_object_or_404(
            Application.objects.select_related("call", "user"), pk=pk
        )

    def get_page_title(self):
        return f"Candidature de {self.application.user.email} à « {self.application.call.title} »"

    def get_initial(self):
        return {"decision": self.request.GET.get("decision")}

    def form_valid(self, form):
        try:
            services.application_decide(
                application=self.application,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(self.request, f"Décision envoyée à {self.application.user.email}.")
        return redirect(applications_index_url(self.application.call_id))


class ApplicationBatchDecideView(StaffFormView):
    permission = "catalogue.change_application"
    header_icon = "form"
    form_class = BatchDecisionForm
    submit_button_label = "Décider et prévenir chaque personne"

    def setup(self, request, *args, call_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.call = get_object_or_404(WorkingGroupCallPage, pk=call_id)

    def get_page_title(self):
        return f"Décision groupée : « {self.call.title} »"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "call": self.call}

    def form_valid(self, form):
        try:
            decided = services.application_decide_batch(
                applications=form.cleaned_data["applications"],
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            return self.fail(form, error)
        messages.success(
            self.request, f"{len(decided)} candidature(s) décidée(s), personnes prévenues."
        )
        return redirect(applications_index_url(self.call.pk))


class AccessibilityNeedsView(WagtailAdminTemplateMixin, TemplateView):
    """The adaptation needs participants gave, beside their names, for the people who must
    know them: the disability referent (every session) and each session's contact (theirs)."""

    template_name = "catalogue/admin/accessibility_needs.html"
    page_title = "Besoins d'adaptation des participants"
    header_icon = "help"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = (
            Registration.objects.active()
            .exclude(accessibility_needs="")
            .select_related("session__contact", "occurrence", "user")
            .order_by("session__title", "position")
        )
        shown = [
            registration
            for registration in registrations
            if services.may_view_accessibility_needs(self.request.user, registration.session)
        ]
        context["registrations"] = shown
        return context
