from django.contrib import messages
from django.template.loader import render_to_string
from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import modeladmin_register

from .attendance import admin_views as attendance_views
from .importer import views as importer_views
from .models import (
    Audience,
    Organisation,
    Person,
    SessionPage,
    SurveyTemplate,
    Theme,
)
from .registrations import admin_views, services
from .registrations.admin import RegistrationsAdminGroup
from .surveys import admin_views as survey_admin_views


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "Personnes"
    list_display = ["full_name", "job_title", "organisation", "email"]
    list_filter = ["organisation"]
    search_fields = ["first_name", "last_name", "email"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = "Structures"
    list_display = ["name", "website"]
    search_fields = ["name"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Thèmes"
    list_display = ["name", "slug"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = "Publics"
    list_display = ["name", "slug"]


class SurveyTemplateViewSet(SnippetViewSet):
    model = SurveyTemplate
    icon = "list-ul"
    menu_label = "Questionnaires de satisfaction"
    list_display = ["name", "anonymous", "created_at"]
    search_fields = ["name"]


class CatalogueSnippets(SnippetViewSetGroup):
    menu_label = "Catalogue"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [
        PersonViewSet,
        OrganisationViewSet,
        ThemeViewSet,
        AudienceViewSet,
        SurveyTemplateViewSet,
    ]


register_snippet(CatalogueSnippets)


modeladmin_register(RegistrationsAdminGroup)


@hooks.register("register_admin_urls")
def register_registration_admin_urls():
    return [
        path(
            "inscriptions/ajouter/",
            admin_views.ParticipantAddView.as_view(),
            name="catalogue_registration_add",
        ),
        path(
            "inscriptions/<int:pk>/deplacer/",
            admin_views.ParticipantMoveView.as_view(),
            name="catalogue_registration_move",
        ),
        path(
            "inscriptions/<int:pk>/<str:action>/",
            admin_views.ParticipantActionView.as_view(),
            name="catalogue_registration_action",
        ),
        path(
            "inscriptions/session/<int:session_id>/places-libres/",
            admin_views.FillSeatsView.as_view(),
            name="catalogue_registration_fill_seats",
        ),
        path(
            "catalogue/<int:parent_id>/importer/",
            importer_views.ProgrammeImportView.as_view(),
            name="catalogue_programme_import",
        ),
        path(
            "inscriptions/adaptations/",
            admin_views.AccessibilityNeedsView.as_view(),
            name="catalogue_accessibility_needs",
        ),
        path(
            "enquetes/session/<int:session_id>/",
            survey_admin_views.SurveyResultsView.as_view(),
            name="catalogue_survey_results",
        ),
        path(
            "enquetes/session/<int:session_id>/<int:template_id>/<str:moment>.<str:fmt>",
            survey_admin_views.survey_export,
            name="catalogue_survey_export",
        ),
        path(
            "candidatures/<int:pk>/decider/",
            admin_views.ApplicationDecideView.as_view(),
            name="catalogue_application_decide",
        ),
        path(
            "candidatures/appel/<int:call_id>/decider/",
            admin_views.ApplicationBatchDecideView.as_view(),
            name="catalogue_application_batch",
        ),
        path(
            "emargement/<int:session_id>/",
            attendance_views.AttendanceView.as_view(),
            name="catalogue_attendance",
        ),
        path(
            "emargement/<int:session_id>/<str:key>/code/",
            attendance_views.SigningCodeView.as_view(),
            name="catalogue_attendance_code",
        ),
        path(
            "emargement/<int:session_id>/<str:key>/feuille.pdf",
            attendance_views.SignInSheetView.as_view(),
            name="catalogue_attendance_sheet",
        ),
        path(
            "emargement/<int:session_id>/<str:key>/<str:action>/",
            attendance_views.HalfDayActionView.as_view(),
            name="catalogue_attendance_action",
        ),
        path(
            "emargement/signature/<int:pk>/corriger/",
            attendance_views.SignatureCancelView.as_view(),
            name="catalogue_signature_cancel",
        ),
    ]


@hooks.register("register_page_header_buttons")
def programme_import_header_button(page, user, view_name=None, next_url=None):
    button = importer_views.import_button(page, user, priority=16)
    return [button] if button else []


@hooks.register("register_page_listing_more_buttons")
def programme_import_listing_button(page, user, next_url=None):
    button = importer_views.import_button(page, user, priority=16)
    return [button] if button else []


class AccessibilityNeedsMenuItem(MenuItem):
    """Shown to the disability referent and to sessions' contacts only."""

    def is_shown(self, request):
        return services.sees_accessibility_needs(request.user)


@hooks.register("register_admin_menu_item")
def register_accessibility_needs_menu_item():
    return AccessibilityNeedsMenuItem(
        "Besoins d'adaptation",
        reverse_lazy("catalogue_accessibility_needs"),
        icon_name="help",
        order=215,
    )


@hooks.register("after_publish_page")
def fill_seats_after_publish(request, page):
    """A session published with more seats confirms the people waiting into them, with emails."""
    if not isinstance(page, SessionPage) or not page.live:
        return
    promoted = services.registration_fill_free_seats(session=page, by=request.user)
    if promoted:
        messages.success(
            request,
            f"{len(promoted)} personne(s) de la liste d'attente confirmée(s) dans les places "
            "libres et prévenue(s) par courriel.",
        )


@hooks.register("portail_account_sections")
def registrations_account_section(request):
    """The member's registrations and applications on their account page."""
    from .registrations.views import registrations_overview

    return render_to_string(
        "catalogue/includes/account_registrations.html",
        registrations_overview(request.user),
        request=request,
    )


@hooks.register("before_delete_page")
def keep_sessions_with_attendance_proofs(request, page):
    """A session holding signatures or certificates stays until the retention period ends
    (``erase_expired_training_records``): deleting it would delete the proofs."""
    from django.shortcuts import redirect

    sessions = SessionPage.objects.descendant_of(page, inclusive=True)
    held = sessions.filter(signatures__isnull=False).values_list("title", flat=True).first()
    if held is None:
        return None
    messages.error(
        request,
        f"« {held} » garde des preuves de présence (émargements, certificats) : elle ne peut "
        "pas être supprimée avant la fin de leur durée de conservation. Vous pouvez la dépublier.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
