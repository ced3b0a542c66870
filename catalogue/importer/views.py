"""« Importer un programme »: the admin view staff upload a document with, under a catalogue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button

from ..app_settings import app_settings
from ..models import CatalogueIndexPage, SessionPage
from .mapper import CALL, SESSION
from .readers import READERS
from .services import megabytes, programme_import

PAGE_TYPE_CHOICES = [
    ("", "Deviner d'après le texte"),
    (SESSION, "Session"),
    (CALL, "Appel à manifestation d'intérêt"),
]


class ProgrammeImportForm(forms.Form):
    document = forms.FileField(
        label="Document du programme",
        help_text="Word (.docx), OpenDocument (.odt), PDF, texte (.txt) ou Markdown (.md).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(READERS)}),
    )
    page_type = forms.ChoiceField(
        label="Type de page",
        choices=PAGE_TYPE_CHOICES,
        required=False,
        help_text="« Appel à manifestation d'intérêt » se devine à ces mots en tête du document.",
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        limit = app_settings.IMPORT_MAX_BYTES
        if document.size > limit:
            # Refused before reading it: the size is known from the upload.
            raise ValidationError(
                f"Le fichier « {document.name} » est trop lourd ({megabytes(document.size)} Mo) : "
                f"la limite est de {megabytes(limit)} Mo."
            )
        return document


class ProgrammeImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a programme; its draft opens in the editor, never published."""

    template_name = "wagtailadmin/generic/form.html"
    form_class = ProgrammeImportForm
    header_icon = "upload"
    page_title = "Importer un programme"

    def setup(self, request, *args, parent_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.parent = get_object_or_404(CatalogueIndexPage, pk=parent_id)

    def dispatch(self, request, *args, **kwargs):
        permissions = self.parent.permissions_for_user(request.user)
        if not permissions.can_add_subpage():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"Importer un programme dans « {self.parent.title} »"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = "Importer en brouillon"
        return context

    def form_valid(self, form):
        document = form.cleaned_data["document"]
        try:
            result = programme_import(
                parent=self.parent,
                data=document.read(),
                name=document.name,
                page_type=form.cleaned_data["page_type"] or None,
                user=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("document", message)
            return self.form_invalid(form)
        page = result.page
        kind = "session" if isinstance(page, SessionPage) else "appel"
        messages.success(
            self.request,
            f"Brouillon de {kind} créé depuis « {document.name} » : relisez-le avant de publier.",
        )
        for other in result.same_title:
            messages.warning(
                self.request,
                f"Une page intitulée « {other.title} » existe déjà dans ce catalogue : ce "
                "brouillon est une nouvelle page.",
            )
        if result.to_check:
            messages.warning(
                self.request,
                f"{len(result.to_check)} élément(s) à vérifier : voyez le panneau « À vérifier » "
                "en tête du contenu, et videz-le pour pouvoir publier.",
            )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def import_button(page, user, priority: int):
    """« Importer un programme » for a catalogue the user may add pages to, else None."""
    specific_class = page.specific_class
    if not (specific_class and issubclass(specific_class, CatalogueIndexPage)):
        return None
    if not page.permissions_for_user(user).can_add_subpage():
        return None
    return Button(
        "Importer un programme",
        reverse("catalogue_programme_import", args=[page.pk]),
        icon_name="upload",
        priority=priority,
    )
