from django.contrib import messages
from django.template.loader import render_to_string
from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import modeladmin_register

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
    ]


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
