from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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
        from catalogue.models import SessionPage
        from catalogue.page_access import viewable

        context = super().get_context(request, *args, **kwargs)
        sessions = viewable(SessionPage.objects.live(), request)
        context["upcoming_sessions"] = sessions.upcoming().for_cards()[:6]
        return context


@register_setting(icon="group")
class AssociationSettings(BaseSiteSetting):
    """The association's identity: printed on receipts, membership forms and the site footer."""

    name = models.CharField("nom", max_length=200, default="Portail")
    legal_form = models.CharField("forme juridique", max_length=100, blank=True)
    address = models.TextField("adresse postale", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = models.URLField("site web", blank=True)
    footer_text = models.TextField("texte de pied de page", blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("legal_form"), FieldPanel("siret"), FieldPanel("rna")],
            heading="Identité",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("email"),
                FieldPanel("phone"),
                FieldPanel("website"),
            ],
            heading="Coordonnées",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "identité de l'association"
