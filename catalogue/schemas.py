"""The catalogue's API shapes and how a page becomes one.

``CatalogueItemOut`` is a listing item (shared with search); ``CatalogueItemDetailOut`` adds
everything a page shows. Pages must come from ``catalogue.queries.load_items`` so that
serializing them runs no query. Meeting links are never part of these shapes.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from pydantic import Field
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.rich_text import RichText, expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

from . import information
from .filters import item_type, item_types
from .models import (
    AttendanceMode,
    CatalogueItemPage,
    Person,
    RegistrationMode,
    ResourceArticlePage,
    SessionPage,
    WorkingGroupCallPage,
)
from .models.pages import (
    call_registration_state,
    fee_rule,
    place_label,
    session_registration_state,
    session_seats_left,
)

ItemType = Literal["session", "working_group_call", "resource_article"]
RegistrationState = Literal["past", "none", "external", "not_open", "closed", "full", "open"]


class ThemeOut(Schema):
    slug: str
    name: str


class AudienceOut(Schema):
    slug: str
    name: str


class OrganisationOut(Schema):
    name: str
    description: str
    website: str


class OccurrenceOut(Schema):
    id: int | None = Field(
        description="Vide seulement dans l'aperçu d'un brouillon, pour une date pas encore enregistrée."
    )
    start: dt.datetime = Field(description="Début, heure de Paris.")
    end: dt.datetime = Field(description="Fin, heure de Paris.")
    label: str


class PersonOut(Schema):
    name: str
    first_name: str
    last_name: str
    job_title: str
    organisation: OrganisationOut | None
    bio: str


class SpeakerOut(Schema):
    order: int
    role: str
    role_label: str
    note: str
    person: PersonOut


class ContactOut(Schema):
    name: str
    job_title: str
    organisation: OrganisationOut | None
    email: str
    phone: str


class NoticeOut(Schema):
    level: str
    text: str


class DocumentOut(Schema):
    title: str
    url: str


class LinkOut(Schema):
    title: str
    url: str | None
    description: str


class QuestionOut(Schema):
    id: int | None = Field(
        description="Vide seulement dans l'aperçu d'un brouillon, pour une question pas encore enregistrée."
    )
    label: str
    help_text: str
    kind: str
    choices: list[str]
    required: bool


class RelatedSessionOut(Schema):
    id: int
    title: str
    url: str | None
    starts_at: dt.datetime | None


class CatalogueItemOut(Schema):
    """A catalogue item in a listing: what a card shows."""

    type: ItemType
    id: int | None = Field(
        description="Vide seulement dans l'aperçu d'un brouillon, pour une page pas encore enregistrée."
    )
    title: str
    url: str | None = Field(
        description="Chemin de la page sur le site, par exemple /catalogue/ma-session/."
    )
    lead: str
    kind: str | None = Field(description="Type de session (sessions seulement).")
    kind_label: str
    date: dt.date | None = Field(
        description="Date de référence : premier jour d'une session, première réunion (sinon "
        "date limite) d'un appel, date d'un article."
    )
    starts_at: dt.datetime | None = Field(description="Début de la première date (sessions).")
    ends_at: dt.datetime | None = Field(description="Fin de la dernière date (sessions).")
    occurrences: list[OccurrenceOut]
    first_meeting: dt.date | None = Field(description="Première réunion (appels).")
    registration_opens_at: dt.datetime | None
    registration_deadline: dt.date | None
    format: str | None = Field(description="in_person, online ou hybrid (sessions).")
    format_label: str | None
    place: str | None = Field(description="Lieu, « En ligne » pour une session à distance.")
    capacity: int | None
    seats_left: int | None = Field(description="Places restantes ; vide : sans limite.")
    themes: list[ThemeOut]
    audiences: list[AudienceOut]
    fee_rule: str = Field(
        description="Règle de participation : cotisation requise ou non (ou ce que l'équipe a "
        "écrit pour un élément sans inscription)."
    )
    fee_note: str = Field(
        description="Précision sur le coût saisie par l'équipe, par exemple « Repas à la charge "
        "des participants » ; vide s'il n'y en a pas. Peut répéter `fee_rule`."
    )
    cotisation_required: bool
    registration_mode: str
    registration_mode_label: str
    registration_state: RegistrationState
    registration_url: str | None = Field(description="Lien d'inscription externe, s'il y en a un.")
    first_published_at: dt.datetime | None


class PriceOut(Schema):
    label: str = Field(
        description="« Inclus dans la cotisation », « Gratuit » ou le montant en toutes lettres ; "
        "vide si la session ne le dit pas."
    )
    amount: Decimal | None = Field(description="Montant en euros par participant.")
    included_in_cotisation: bool


class DisabilityReferentOut(Schema):
    name: str
    email: str
    phone: str


class CatalogueItemDetailOut(CatalogueItemOut):
    """A catalogue item with everything its page shows (fields of other types are empty)."""

    contact: ContactOut | None
    notices: list[NoticeOut]
    rationale: str = Field(description="HTML.")
    objectives: str = Field(description="HTML.")
    documents: list[DocumentOut]
    # sessions
    audience_text: str = Field(description="HTML.")
    programme: list[dict[str, Any]] = Field(
        description="Blocs du programme : {type, id, value} ; le texte riche est en HTML."
    )
    teaching_method: str = Field(description="Méthode d'animation, en HTML.")
    case_study: str = Field(description="HTML.")
    speakers: list[SpeakerOut]
    attendance_mode: str | None
    venue_name: str
    venue_address: str
    venue_town: str
    meeting_url_sent_later: bool = Field(
        description="Le lien de connexion sera communiqué aux participants confirmés."
    )
    prerequisites: str = Field(description="Prérequis, en HTML.")
    duration_hours: Decimal | None = Field(
        description="Durée en heures, pauses exclues (demi-journées du programme, sinon durée "
        "des dates) ; pour une session où l'on choisit une date, celle d'une date."
    )
    access: str = Field(description="Modalités et délais d'accès, en une phrase.")
    price: PriceOut | None = Field(description="Prix (sessions).")
    assessment: str = Field(description="Évaluation des acquis, en HTML.")
    accessibility: str = Field(
        description="Accessibilité aux personnes en situation de handicap, en HTML."
    )
    disability_referent: DisabilityReferentOut | None = Field(
        description="Le référent handicap de l'organisme (sessions) ; vide s'il n'est pas nommé."
    )
    # working-group calls
    kicker: str
    call_date: dt.date | None
    why_take_part: str = Field(description="HTML.")
    scope: str = Field(description="HTML.")
    coordination: str
    meetings_per_year_min: int | None
    meetings_per_year_max: int | None
    how_it_works: str = Field(description="HTML.")
    meeting_place: str
    first_meeting_note: str
    profiles: list[str]
    questions: list[QuestionOut]
    selection_note: str
    related_links: list[LinkOut]
    # resource articles
    author: str
    author_person: PersonOut | None
    body: list[dict[str, Any]] = Field(
        description="Blocs de l'article : {type, id, value} ; le texte riche est en HTML."
    )
    related_sessions: list[RelatedSessionOut]


class CatalogueListOut(Schema):
    count: int
    items: list[CatalogueItemOut]


class ErrorOut(Schema):
    detail: str = Field(description="Message en français.")


class ValidationErrorOut(Schema):
    message: str = Field(description="Toutes les erreurs, en français, en une phrase.")
    detail: list[dict[str, Any]] = Field(description="Une entrée par paramètre refusé : loc, msg.")


# --------------------------------------------------------------------------- stream fields


def _page_link(page, request: HttpRequest | None) -> dict[str, Any] | None:
    if page is None:
        return None
    return {"id": page.pk, "title": page.title, "url": page.get_url(request)}


def block_to_json(block: blocks.Block, value: Any, request: HttpRequest | None = None) -> Any:
    """A block value as plain JSON, with rich text expanded to front-end HTML."""
    if isinstance(block, blocks.StreamBlock):
        return [
            {
                "type": child.block_type,
                "id": child.id,
                "value": block_to_json(child.block, child.value, request),
            }
            for child in value
        ]
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_to_json(child, value.get(name), request)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [block_to_json(block.child_block, item, request) for item in value]
    if isinstance(block, blocks.RichTextBlock):
        if value is None:
            return ""
        return expand_db_html(value.source if isinstance(value, RichText) else value)
    if isinstance(block, blocks.PageChooserBlock):
        return _page_link(value, request)
    if isinstance(block, DocumentChooserBlock):
        return None if value is None else {"id": value.pk, "title": value.title, "url": value.url}
    if isinstance(block, ImageChooserBlock):
        if value is None:
            return None
        return {
            "id": value.pk,
            "title": value.title,
            "url": value.file.url,
            "width": value.width,
            "height": value.height,
        }
    if isinstance(block, SnippetChooserBlock):
        return None if value is None else {"id": value.pk, "label": str(value)}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _stream(page, field_name: str, request: HttpRequest | None) -> list[dict[str, Any]]:
    value = getattr(page, field_name)
    return block_to_json(value.stream_block, value, request)


# --------------------------------------------------------------------------- pages


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None


def _organisation(person: Person) -> OrganisationOut | None:
    organisation = person.organisation
    if organisation is None:
        return None
    return OrganisationOut(
        name=organisation.name, description=organisation.description, website=organisation.website
    )


def _person(person: Person) -> PersonOut:
    return PersonOut(
        name=person.full_name,
        first_name=person.first_name,
        last_name=person.last_name,
        job_title=person.job_title,
        organisation=_organisation(person),
        bio=person.bio,
    )


def _occurrences(session: SessionPage) -> list[OccurrenceOut]:
    return [
        OccurrenceOut(id=o.pk, start=_local(o.start), end=_local(o.end), label=o.label)
        for o in session.sorted_occurrences
    ]


def _reference_date(page: CatalogueItemPage) -> dt.date | None:
    if isinstance(page, SessionPage):
        return timezone.localdate(page.starts_at) if page.starts_at else None
    if isinstance(page, WorkingGroupCallPage):
        return page.first_meeting or page.registration_deadline
    if isinstance(page, ResourceArticlePage):
        return page.date
    return None


def _item_fields(page: CatalogueItemPage, request: HttpRequest | None, now: dt.datetime) -> dict:
    session = page if isinstance(page, SessionPage) else None
    call = page if isinstance(page, WorkingGroupCallPage) else None
    if session:
        place = session.place_label or None
    elif call:
        place = call.meeting_place or None
    else:
        place = None
    return {
        "type": item_type(page),
        "id": page.pk,
        "title": page.title,
        "url": page.get_url(request),
        "lead": page.lead,
        "kind": session.kind if session else None,
        "kind_label": page.kind_label,
        "date": _reference_date(page),
        "starts_at": _local(session.starts_at) if session else None,
        "ends_at": _local(session.ends_at) if session else None,
        "occurrences": _occurrences(session) if session else [],
        "first_meeting": call.first_meeting if call else None,
        "registration_opens_at": _local(page.registration_opens_at),
        "registration_deadline": page.registration_deadline,
        "format": session.format if session else None,
        "format_label": session.get_format_display() if session else None,
        "place": place,
        "capacity": session.capacity if session else None,
        "seats_left": session.seats_left() if session else None,
        "themes": [ThemeOut(slug=t.slug, name=t.name) for t in page.themes.all()],
        "audiences": [AudienceOut(slug=a.slug, name=a.name) for a in page.audiences.all()],
        "fee_rule": page.fee_rule,
        "fee_note": page.fee_note,
        "cotisation_required": page.cotisation_required,
        "registration_mode": page.registration_mode,
        "registration_mode_label": page.get_registration_mode_display(),
        "registration_state": page.registration_state(now),
        "registration_url": page.registration_url or None,
        "first_published_at": _local(page.first_published_at),
    }


def serialize_items(
    pages: list[CatalogueItemPage],
    *,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Listing items for specific pages loaded by ``catalogue.queries.load_items``, as the
    fields of ``CatalogueItemOut``: the response schema validates them, once."""
    now = now or timezone.now()
    return [_item_fields(page, request, now) for page in pages]


def _labels(model, field: str) -> dict[str, str]:
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _capitalised(model) -> str:
    label = str(model._meta.verbose_name)
    return label[:1].upper() + label[1:]


class _PageAddress:
    """What Wagtail's ``Page.get_url`` reads of a page, its id and path: a row's URL is
    Wagtail's own (sites, root paths, i18n, trailing slash) without building the page."""

    __slots__ = ("id", "pk", "url_path", "_wagtail_cached_site_root_paths")
    get_url = Page.get_url
    get_url_parts = Page.get_url_parts
    _get_site_root_paths = Page._get_site_root_paths
    _get_relevant_site_root_paths = Page._get_relevant_site_root_paths

    def __init__(self, pk: int, url_path: str):
        self.id = self.pk = pk
        self.url_path = url_path


def serialize_rows(
    rows: list[dict[str, Any]],
    *,
    request: HttpRequest | None = None,
    site=None,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Listing items from ``catalogue.queries.listing_rows``, as the fields of
    ``CatalogueItemOut``: the same values ``serialize_items`` gives for the pages, without
    building them. ``site`` is the request's (``Site.find_for_request``) when it is known."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(zone) if moment else None

    types = {model: name for name, model in item_types().items()}
    kinds = _labels(SessionPage, "kind")
    formats = _labels(SessionPage, "format")
    modes = _labels(CatalogueItemPage, "registration_mode")
    kind_labels = {
        model: _capitalised(model) for model in (WorkingGroupCallPage, ResourceArticlePage)
    }
    items = []
    for row in rows:
        model = row["model"]
        session = model is SessionPage
        call = model is WorkingGroupCallPage
        mode = row["registration_mode"]
        occurrences = row["occurrences"]
        starts_at = ends_at = date = last_start = seats_left = None
        if session:
            if occurrences:
                starts_at = occurrences[0][1]
                ends_at = max(end for _, _, end, _ in occurrences)
                date = timezone.localdate(starts_at)
                one_date = row["sessionpage__attendance_mode"] == AttendanceMode.ONE_DATE
                last_start = occurrences[-1 if one_date else 0][1]
            if row["sessionpage__capacity"] is not None:
                seats_left = session_seats_left(
                    capacity=row["sessionpage__capacity"],
                    attendance_mode=row["sessionpage__attendance_mode"],
                    dates=len(occurrences),
                    confirmed=row["confirmed_count"],
                )
            state = session_registration_state(
                now=now,
                mode=mode,
                opens_at=row["registration_opens_at"],
                deadline=row["registration_deadline"],
                ends_at=ends_at,
                last_start=last_start,
                seats_left=lambda left=seats_left: left,
            )
            place = (
                place_label(
                    row["sessionpage__format"],
                    venue_name=row["sessionpage__venue_name"],
                    venue_town=row["sessionpage__venue_town"],
                )
                or None
            )
        elif call:
            first_meeting = row["workinggroupcallpage__first_meeting"]
            date = first_meeting or row["registration_deadline"]
            state = call_registration_state(
                now=now,
                mode=mode,
                opens_at=row["registration_opens_at"],
                deadline=row["registration_deadline"],
                first_meeting=first_meeting,
            )
            place = row["workinggroupcallpage__meeting_place"] or None
        else:
            date = row["resourcearticlepage__date"]
            state = "none"
            place = None
        items.append(
            {
                "type": types[model],
                "id": row["pk"],
                "title": row["title"],
                "url": _PageAddress(row["pk"], row["url_path"]).get_url(request, current_site=site),
                "lead": row["lead"],
                "kind": row["sessionpage__kind"] if session else None,
                "kind_label": kinds.get(row["sessionpage__kind"], row["sessionpage__kind"])
                if session
                else kind_labels[model],
                "date": date,
                "starts_at": local(starts_at),
                "ends_at": local(ends_at),
                "occurrences": [
                    {"id": pk, "start": local(start), "end": local(end), "label": label}
                    for pk, start, end, label in occurrences
                ],
                "first_meeting": row["workinggroupcallpage__first_meeting"] if call else None,
                "registration_opens_at": local(row["registration_opens_at"]),
                "registration_deadline": row["registration_deadline"],
                "format": row["sessionpage__format"] if session else None,
                "format_label": formats.get(row["sessionpage__format"], row["sessionpage__format"])
                if session
                else None,
                "place": place,
                "capacity": row["sessionpage__capacity"] if session else None,
                "seats_left": seats_left,
                "themes": [{"slug": slug, "name": name} for slug, name in row["themes"]],
                "audiences": [{"slug": slug, "name": name} for slug, name in row["audiences"]],
                "fee_rule": fee_rule(mode, row["fee_note"]),
                "fee_note": row["fee_note"],
                "cotisation_required": mode == RegistrationMode.MEMBERS,
                "registration_mode": mode,
                "registration_mode_label": modes.get(mode, mode),
                "registration_state": state,
                "registration_url": row["registration_url"] or None,
                "first_published_at": local(row["first_published_at"]),
            }
        )
    return items


def _contact(person: Person | None) -> ContactOut | None:
    if person is None:
        return None
    return ContactOut(
        name=person.full_name,
        job_title=person.job_title,
        organisation=_organisation(person),
        email=person.email,
        phone=person.phone,
    )


def _documents(page) -> list[DocumentOut]:
    documents = []
    for child in page.documents:
        document = child.value["document"]
        if document is not None:
            documents.append(
                DocumentOut(title=child.value["title"] or document.title, url=document.url)
            )
    return documents


def _links(call: WorkingGroupCallPage, request: HttpRequest | None) -> list[LinkOut]:
    links = []
    for child in call.related_links:
        value = child.value
        page = value["page"]
        url = value["url"] or (page.get_url(request) if page else None)
        links.append(LinkOut(title=value["title"], url=url, description=value["description"]))
    return links


def _public_information(session: SessionPage | None, request: HttpRequest | None) -> dict[str, Any]:
    """Indicator 1's fields of a session's detail (empty for other items)."""
    if session is None:
        return {
            "prerequisites": "",
            "duration_hours": None,
            "access": "",
            "price": None,
            "assessment": "",
            "accessibility": "",
            "disability_referent": None,
        }
    referent = information.disability_referent(request)
    return {
        "prerequisites": expand_db_html(session.prerequisites),
        "duration_hours": information.duration_hours(session),
        "access": information.access_text(session),
        "price": PriceOut(
            label=information.price_label(session),
            amount=session.price,
            included_in_cotisation=session.cotisation_required,
        ),
        "assessment": expand_db_html(session.assessment),
        "accessibility": expand_db_html(session.accessibility),
        "disability_referent": DisabilityReferentOut(**vars(referent)) if referent else None,
    }


def serialize_detail(
    page: CatalogueItemPage,
    *,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> CatalogueItemDetailOut:
    """One item fully expanded; ``page`` comes from ``load_items(..., detail=True)``."""
    now = now or timezone.now()
    session = page if isinstance(page, SessionPage) else None
    call = page if isinstance(page, WorkingGroupCallPage) else None
    article = page if isinstance(page, ResourceArticlePage) else None

    def html(obj, name: str) -> str:
        return expand_db_html(getattr(obj, name)) if obj is not None else ""

    main = session or call
    return CatalogueItemDetailOut(
        **_item_fields(page, request, now),
        contact=_contact(page.contact),
        notices=[
            NoticeOut(level=child.value["level"], text=child.value["text"])
            for child in (session.notices if session else [])
        ],
        rationale=html(main, "rationale"),
        objectives=html(main, "objectives"),
        documents=_documents(session or article) if (session or article) else [],
        audience_text=html(session, "audience_text"),
        programme=_stream(session, "programme", request) if session else [],
        teaching_method=html(session, "teaching_method"),
        case_study=html(session, "case_study"),
        speakers=[
            SpeakerOut(
                order=speaker.sort_order or 0,
                role=speaker.role,
                role_label=speaker.get_role_display(),
                note=speaker.note,
                person=_person(speaker.person),
            )
            for speaker in (session.speakers.all() if session else [])
        ],
        attendance_mode=session.attendance_mode if session else None,
        venue_name=session.venue_name if session else "",
        venue_address=session.venue_address if session else "",
        venue_town=session.venue_town if session else "",
        meeting_url_sent_later=session.meeting_url_sent_later if session else False,
        **_public_information(session, request),
        kicker=call.kicker if call else "",
        call_date=call.call_date if call else None,
        why_take_part=html(call, "why_take_part"),
        scope=html(call, "scope"),
        coordination=call.coordination if call else "",
        meetings_per_year_min=call.meetings_per_year_min if call else None,
        meetings_per_year_max=call.meetings_per_year_max if call else None,
        how_it_works=html(call, "how_it_works"),
        meeting_place=call.meeting_place if call else "",
        first_meeting_note=call.first_meeting_note if call else "",
        profiles=[child.value for child in call.profiles] if call else [],
        questions=[
            QuestionOut(
                id=q.pk,
                label=q.label,
                help_text=q.help_text,
                kind=q.kind,
                choices=q.choice_list,
                required=q.required,
            )
            for q in (call.questions.all() if call else [])
        ],
        selection_note=call.selection_note if call else "",
        related_links=_links(call, request) if call else [],
        author=article.author_label if article else "",
        author_person=_person(article.author) if article and article.author else None,
        body=_stream(article, "body", request) if article else [],
        related_sessions=[
            RelatedSessionOut(
                id=link.session.pk,
                title=link.session.title,
                url=link.session.get_url(request),
                starts_at=_local(link.session.starts_at),
            )
            for link in (article.related_sessions.all() if article else [])
        ],
    )
