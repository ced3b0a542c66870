from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page

from catalogue.models import SessionPage, viewable_items


class HomePage(Page):
    """The site's front page: what the network is, and the next sessions of the catalogue."""

    lead = models.TextField("chapô", blank=True, help_text="Présentation courte du réseau.")
    body = RichTextField("présentation", blank=True)

    content_panels = Page.content_panels + [FieldPanel("lead"), FieldPanel("body")]
    api_fields = [APIField("lead"), APIField("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "page d'accueil"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sessions = viewable_items(request, SessionPage.objects.all())
        context["upcoming_sessions"] = sessions.upcoming().for_cards()[:6]
        return context
