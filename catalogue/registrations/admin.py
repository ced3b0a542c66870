"""Staff's lists of participants and applications (wagtail-modeladmin), with their exports."""

from django.contrib import admin
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html_join
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup

from membership.admin_views import LocalisedExportModelAdmin

from ..models import (
    Application,
    AttendanceMode,
    Registration,
    RegistrationStatus,
)
from . import admin_views


def _button(url: str, label: str) -> dict:
    return {"url": url, "label": label, "classname": "button button-small", "title": label}


class ThroughServicesPermissionHelper(PermissionHelper):
    """Rows change through the services (seats, emails), never through a raw edit form."""

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class NoCreatePermissionHelper(ThroughServicesPermissionHelper):
    def user_can_create(self, user):
        return False


class RegistrationButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        if not self.request.user.has_perm("catalogue.change_registration"):
            return buttons

        def action(name, label):
            url = reverse("catalogue_registration_action", args=[obj.pk, name])
            buttons.append(_button(url, label))

        if obj.status == RegistrationStatus.WAITING:
            action("confirmer", "Confirmer")
            url = reverse("catalogue_registration_fill_seats", args=[obj.session_id])
            buttons.append(_button(url, "Pourvoir les places libres"))
        if obj.status != RegistrationStatus.CANCELLED:
            if obj.session.attendance_mode == AttendanceMode.ONE_DATE:
                url = reverse("catalogue_registration_move", args=[obj.pk])
                buttons.append(_button(url, "Déplacer"))
            action("retirer", "Retirer")
        if obj.status == RegistrationStatus.CONFIRMED:
            url = reverse("catalogue_attendance", args=[obj.session_id])
            buttons.append(_button(url, "Émargement et feuilles"))
        return buttons


class RegistrationAdmin(LocalisedExportModelAdmin):
    model = Registration
    menu_label = "Participants"
    menu_icon = "group"
    button_helper_class = RegistrationButtonHelper
    permission_helper_class = ThroughServicesPermissionHelper
    list_display = (
        "person",
        "email",
        "session",
        "chosen_date",
        "status",
        "waiting",
        "organisation",
        "attended",
        "created_at",
    )
    list_filter = ("session", "status", "occurrence", "organisation", "attended")
    list_select_related = ("session", "occurrence", "user")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "user__member_profile__last_name",
        "organisation",
        "session__title",
    )
    list_export = (
        "session",
        "chosen_date",
        "person",
        "email",
        "organisation",
        "status_label",
        "waiting",
        "attended_label",
        "created_at",
    )
    export_filename = "participants"
    ordering = ("session", "status", "position")

    def create_view(self, request):
        # Adding goes through the service: seats, the waiting list and the confirmation email.
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("catalogue_registration_add") + (f"?{query}" if query else ""))

    @admin.display(description="personne")
    def person(self, obj):
        profile = getattr(obj.user, "member_profile", None)
        return (profile and profile.full_name) or obj.user.get_full_name() or obj.user.email

    @admin.display(description="courriel")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="date choisie")
    def chosen_date(self, obj):
        return admin_views.occurrence_label(obj.occurrence) if obj.occurrence_id else "toutes"

    @admin.display(description="rang d'attente")
    def waiting(self, obj):
        return obj.waiting_rank() or ""

    @admin.display(description="statut")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description="présence")
    def attended_label(self, obj):
        return {True: "présent·e", False: "absent·e"}.get(obj.attended, "")


class ApplicationButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, *args, **kwargs):
        buttons = super().get_buttons_for_obj(obj, *args, **kwargs)
        if self.request.user.has_perm("catalogue.change_application"):
            url = reverse("catalogue_application_decide", args=[obj.pk])
            for decision, label in admin_views.DECISION_CHOICES:
                if obj.status != decision:
                    buttons.append(_button(f"{url}?decision={decision}", label))
            url = reverse("catalogue_application_batch", args=[obj.call_id])
            buttons.append(_button(url, "Décision groupée"))
        return buttons


class ApplicationAdmin(LocalisedExportModelAdmin):
    model = Application
    menu_label = "Candidatures"
    menu_icon = "form"
    button_helper_class = ApplicationButtonHelper
    permission_helper_class = NoCreatePermissionHelper
    inspect_view_enabled = True
    inspect_view_class = admin_views.ModelAdminInspectView
    inspect_view_fields = (
        "call",
        "applicant",
        "email",
        "status",
        "answer_list",
        "decision_note",
        "created_at",
        "decided_at",
    )
    list_display = ("applicant", "email", "call", "status", "created_at", "decided_at")
    list_filter = ("call", "status")
    list_select_related = ("call", "user")
    search_fields = ("user__email", "user__first_name", "user__last_name", "call__title")
    list_export = (
        "call",
        "applicant",
        "email",
        "status_label",
        "answers_text",
        "decision_note",
        "created_at",
        "decided_at",
    )
    export_filename = "candidatures"

    @admin.display(description="candidat·e")
    def applicant(self, obj):
        profile = getattr(obj.user, "member_profile", None)
        return (profile and profile.full_name) or obj.user.get_full_name() or obj.user.email

    @admin.display(description="courriel")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="statut")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description="réponses")
    def answers_text(self, obj):
        return "\n\n".join(f"{label}\n{answer}" for label, answer in obj.answer_rows())

    @admin.display(description="réponses")
    def answer_list(self, obj):
        """Each question, then the answer as the applicant typed it (line breaks kept)."""
        return format_html_join(
            "",
            "<p><strong>{}</strong><br>{}</p>",
            ((label, linebreaksbr(answer)) for label, answer in obj.answer_rows()),
        )


class RegistrationsAdminGroup(ModelAdminGroup):
    menu_label = "Inscriptions"
    menu_icon = "group"
    menu_order = 210
    items = (RegistrationAdmin, ApplicationAdmin)
