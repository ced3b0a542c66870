"""Factories for the catalogue's snippets and pages, shared by every test.

Pages are added under a parent with ``parent.add_child`` (wagtail-factories' ``PageFactory``).
By default a catalogue page goes under a fresh ``CatalogueIndexPage`` below the default site's
home page; pass ``parent=`` to put it elsewhere.

    session = SessionPageFactory(
        occurrences=[(paris(2030, 3, 5, 10), paris(2030, 3, 5, 12))],
        themes=[ThemeFactory()],
        speakers=[(PersonFactory(), SpeakerRole.ANIMATION)],
    )
    call = WorkingGroupCallPageFactory(questions=[{"label": "Vos attentes ?"}])

Pages are saved but not given a revision; tests that need one call
``page.save_revision().publish()``.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site

from catalogue.models import (
    ApplicationQuestion,
    Audience,
    CatalogueIndexPage,
    Organisation,
    Person,
    QuestionKind,
    RegistrationMode,
    ResourceArticlePage,
    SessionFormat,
    SessionKind,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    SpeakerRole,
    Theme,
    WorkingGroupCallPage,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=0, minute=0):
    """An aware datetime, wall-clock time in Europe/Paris."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def in_weeks(weeks, hour=10, minute=0):
    """A Paris datetime ``weeks`` weeks from today at the given hour."""
    day = timezone.localdate() + dt.timedelta(weeks=weeks)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def default_site_root():
    return Site.objects.get(is_default_site=True).root_page


# --------------------------------------------------------------------------- snippets


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.name))

    class Meta:
        model = Theme
        django_get_or_create = ("slug",)


class AudienceFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Public {n}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.name))

    class Meta:
        model = Audience
        django_get_or_create = ("slug",)


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Structure {n}")
    description = "Structure qui appuie les associations."

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)


class PersonFactory(factory.django.DjangoModelFactory):
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    job_title = "chargée de mission"
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda obj: f"{slugify(obj.last_name)}@example.org")
    phone = "04 75 00 00 00"

    class Meta:
        model = Person


# --------------------------------------------------------------------------- pages


class CatalogueIndexPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Catalogue {n}")
    lead = "Sessions, groupes de travail et ressources du réseau."
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = CatalogueIndexPage


class CatalogueItemPageFactory(wagtail_factories.PageFactory):
    """Shared fields; ``themes=[...]`` and ``audiences=[...]`` set the categories."""

    parent = factory.SubFactory(CatalogueIndexPageFactory)
    lead = "Une session pour travailler ensemble au service du territoire."
    registration_mode = RegistrationMode.MEMBERS
    contact = None

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Publishing stores the listings' sort keys; pages built here are saved, not published.
        super()._after_postgeneration(instance, create, results)
        if create:
            instance._meta.model.objects.filter(pk=instance.pk).refresh_listing_keys()
            instance.refresh_from_db(fields=["first_start", "last_end", "sort_date", "event_day"])

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if extracted:
            obj.themes.set(extracted)
            if create:
                obj.save()

    @factory.post_generation
    def audiences(obj, create, extracted, **kwargs):
        if extracted:
            obj.audiences.set(extracted)
            if create:
                obj.save()


class SessionOccurrenceFactory(factory.django.DjangoModelFactory):
    start = factory.LazyFunction(lambda: in_weeks(4, 10))
    end = factory.LazyAttribute(lambda obj: obj.start + dt.timedelta(hours=2))
    label = ""

    class Meta:
        model = SessionOccurrence


class SessionPageFactory(CatalogueItemPageFactory):
    """A session in person, four weeks ahead, 10h–12h, 12 seats, for paid-up members.

    ``occurrences``: a list of ``(start, end)`` pairs (or dicts of SessionOccurrence fields);
    ``[]`` for none. ``speakers``: a list of Person or ``(Person, role)`` pairs.
    """

    title = factory.Sequence(lambda n: f"Session {n}")
    kind = SessionKind.EXPLORATION
    rationale = "<p>Pourquoi cette session : croiser les pratiques.</p>"
    audience_text = "<p>Pour les agents de développement et les élus.</p>"
    format = SessionFormat.IN_PERSON
    venue_name = "Salle des fêtes"
    venue_town = "Die"
    capacity = 12

    class Meta:
        model = SessionPage
        skip_postgeneration_save = True

    @factory.post_generation
    def occurrences(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [(in_weeks(4, 10), in_weeks(4, 12))]
        for sort_order, slot in enumerate(extracted):
            fields = slot if isinstance(slot, dict) else {"start": slot[0], "end": slot[1]}
            SessionOccurrence.objects.create(session=obj, sort_order=sort_order, **fields)
        obj.__dict__.pop("sorted_occurrences", None)

    @factory.post_generation
    def speakers(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for sort_order, entry in enumerate(extracted):
            person, role = entry if isinstance(entry, tuple) else (entry, SpeakerRole.SPEAKER)
            SessionSpeaker.objects.create(
                session=obj, person=person, role=role, sort_order=sort_order
            )


class WorkingGroupCallPageFactory(CatalogueItemPageFactory):
    """A call taking applications, first meeting eight weeks ahead, deadline in six weeks.

    ``questions``: a list of dicts of ApplicationQuestion fields (or plain labels); by default
    one long-text question. ``[]`` for none.
    """

    title = factory.Sequence(lambda n: f"Groupe de travail {n}")
    kicker = "Appel à manifestation d'intérêt pour participer au groupe de travail régional"
    rationale = "<p>Un manque de relations entre action sociale et développement local.</p>"
    coordination = "Cap Rural"
    meetings_per_year_min = 3
    meetings_per_year_max = 4
    registration_mode = RegistrationMode.APPLICATION
    registration_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(weeks=6)
    )
    first_meeting = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(weeks=8))
    fee_note = "Participation non soumise à cotisation"

    class Meta:
        model = WorkingGroupCallPage
        skip_postgeneration_save = True

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [{"label": "Qu'attendez-vous de ce groupe de travail ?"}]
        for sort_order, entry in enumerate(extracted):
            fields = entry if isinstance(entry, dict) else {"label": entry}
            fields = {"kind": QuestionKind.LONG_TEXT, **fields}
            ApplicationQuestion.objects.create(call=obj, sort_order=sort_order, **fields)


class ResourceArticlePageFactory(CatalogueItemPageFactory):
    title = factory.Sequence(lambda n: f"Ressource {n}")
    lead = "Une fiche pour décrypter les stratégies d'acteurs."
    registration_mode = RegistrationMode.NONE
    author_name = "Cap Rural"
    body = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>Le contenu de la ressource.</p>"}]
    )

    class Meta:
        model = ResourceArticlePage
        skip_postgeneration_save = True
