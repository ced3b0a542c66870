"""``programme_import``: a programme document becomes a draft page under a catalogue."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..app_settings import app_settings
from ..models import (
    Audience,
    CatalogueIndexPage,
    CatalogueItemPage,
    Organisation,
    Person,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    WorkingGroupCallPage,
)
from . import readers
from .french import fold
from .mapper import CALL, SESSION, Draft, PersonSpec, map_outline

PAGE_TYPES = {SESSION: SessionPage, CALL: WorkingGroupCallPage}
CHOICE_FIELDS = ("kind", "format", "registration_mode")


@dataclass
class ImportResult:
    page: CatalogueItemPage
    to_check: list[str] = field(default_factory=list)
    same_title: list[CatalogueItemPage] = field(default_factory=list)


def megabytes(size: int) -> str:
    """« 1,5 » for 1.5 MB, « 5 » for 5 MB."""
    return f"{size / 1_000_000:.1f}".removesuffix(".0").replace(".", ",")


def read_draft(
    *, data: bytes, name: str, page_type: str | None = None, today: dt.date | None = None
) -> Draft:
    """What the document says, field by field; raises ``ValidationError`` for a bad file."""
    limit = app_settings.IMPORT_MAX_BYTES
    if not data:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty")
    if len(data) > limit:
        raise ValidationError(
            f"Le fichier « {name} » est trop lourd ({megabytes(len(data))} Mo) : "
            f"la limite est de {megabytes(limit)} Mo.",
            code="too_large",
        )
    outline = readers.read(data, name)
    if not outline.lines:
        raise ValidationError(f"Le fichier « {name} » ne contient aucun texte.", code="empty")
    if page_type not in (None, SESSION, CALL):
        raise ValidationError(f"Type de page inconnu : « {page_type} ».", code="page_type")
    return map_outline(outline, page_type=page_type, today=today or timezone.localdate())


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


def _organisation(name: str, description: str = "") -> Organisation | None:
    if not name:
        return None
    for organisation in Organisation.objects.all():
        if _key(organisation.name) == _key(name):
            if description and not organisation.description:
                organisation.description = description
                organisation.save(update_fields=["description"])
            return organisation
    return Organisation.objects.create(name=name, description=description)


def _person(spec: PersonSpec) -> Person:
    """The Person of that name (or email), filled where blank; created when there is none."""
    person = None
    if spec.email:
        person = Person.objects.filter(email__iexact=spec.email).first()
    if person is None:
        candidates = Person.objects.filter(last_name__iexact=spec.last_name)
        person = next(
            (p for p in candidates if _key(p.first_name) == _key(spec.first_name)), None
        ) or next(
            (
                p
                for p in Person.objects.all()
                if (_key(p.first_name), _key(p.last_name))
                == (_key(spec.first_name), _key(spec.last_name))
            ),
            None,
        )
    if person is None:
        person = Person(first_name=spec.first_name, last_name=spec.last_name)
    for name in ("job_title", "email", "phone"):
        if getattr(spec, name) and not getattr(person, name):
            setattr(person, name, getattr(spec, name))
    if spec.organisation and person.organisation_id is None:
        person.organisation = _organisation(spec.organisation, spec.organisation_description)
    elif spec.organisation:
        _organisation(spec.organisation, spec.organisation_description)
    person.save()
    return person


def _stem(word: str) -> str:
    word = fold(word)
    return word[:-1] if word.endswith(("s", "x")) and len(word) > 3 else word


def matching_audiences(text: str) -> list[Audience]:
    """Audiences whose every significant word appears in the document's audience text."""
    words = {_stem(w) for w in re.findall(r"[a-z]+", _key(text))}
    found = []
    for audience in Audience.objects.all():
        wanted = [
            _stem(w)
            for w in re.findall(r"[a-z]+", _key(audience.name))
            if len(w) > 3 or w in ("elu", "elus")
        ]
        if wanted and all(w in words for w in wanted):
            found.append(audience)
    return found


def _free_slug(parent: CatalogueIndexPage, title: str) -> str:
    base = slugify(unicodedata.normalize("NFKD", title))[:70].strip("-") or "programme"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def programme_import(
    *,
    parent: CatalogueIndexPage,
    data: bytes,
    name: str,
    page_type: str | None = None,
    user=None,
    today: dt.date | None = None,
) -> ImportResult:
    """Create a draft session or call under ``parent`` from the document ``name``.

    Writes: the page and its first revision (never published), the Person and Organisation
    snippets it names that did not exist, blank fields of the ones that did. Nothing is
    written when the file is refused (``ValidationError`` with a French message).
    """
    draft = read_draft(data=data, name=PurePath(name).name, page_type=page_type, today=today)
    model = PAGE_TYPES[draft.page_type]
    fields = {
        key: value
        for key, value in draft.fields.items()
        if key in {f.name for f in model._meta.get_fields()}
    }
    for name_ in CHOICE_FIELDS:
        if name_ in fields and not fields[name_]:
            del fields[name_]
    page = model(**fields, live=False, slug=_free_slug(parent, fields["title"]))
    page.to_check = "\n".join(draft.to_check)
    if draft.contact is not None:
        page.contact = _person(draft.contact)
    if model is SessionPage:
        page.occurrences = [
            SessionOccurrence(start=start, end=end, sort_order=index)
            for index, (start, end) in enumerate(draft.occurrences)
        ]
        page.speakers = [
            SessionSpeaker(person=_person(spec), role=role, sort_order=index)
            for index, (spec, role) in enumerate(draft.speakers)
        ]
    page.audiences.set(matching_audiences(draft.audience_words))
    same_title = [
        item.specific
        for item in CatalogueItemPage.objects.child_of(parent)
        if _key(item.title) == _key(page.title)
    ]
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return ImportResult(page=page, to_check=draft.to_check, same_title=same_title)
