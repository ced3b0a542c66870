"""Snippets: the people, partner structures, themes and audiences pages refer to."""

from django.db import models
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.search import index


class Theme(index.Indexed, models.Model):
    """A theme of the network's work (coopération, bénévolat, action sociale…)."""

    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "thème"

    def __str__(self):
        return self.name


class Audience(models.Model):
    """A category of people a session is meant for (élus, agents de développement…)."""

    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "public"
        verbose_name_plural = "publics"

    def __str__(self):
        return self.name


class Organisation(index.Indexed, models.Model):
    """A partner structure, e.g. the one a speaker comes from."""

    name = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField(
        "présentation", blank=True, help_text="Une phrase : ce que fait la structure."
    )
    website = models.URLField("site web", blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"

    def __str__(self):
        return self.name


class Person(index.Indexed, models.Model):
    """A speaker or a contact person."""

    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    job_title = models.CharField(
        "fonction", max_length=200, blank=True, help_text="Par exemple « chargée de mission »."
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    bio = models.TextField("présentation", blank=True)

    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldPanel("job_title"),
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("bio"),
    ]
    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.AutocompleteField("last_name"),
        index.RelatedFields("organisation", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "personne"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"
