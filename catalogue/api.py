"""The catalogue's read API: listing with filters, detail, iCalendar feeds."""

import json
from typing import Literal
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import NinjaJSONEncoder
from pydantic import Field, field_validator
from wagtail.models import Site

from . import ical
from .cache import cached_value, current_site
from .filters import filter_catalogue, may_filter_lacking_information
from .models import (
    Audience,
    CatalogueItemPage,
    SessionFormat,
    SessionOccurrence,
    SessionPage,
    Theme,
    viewable_items,
)
from .preview_api import router as preview_router
from .queries import ORDERINGS, listing_rows, load_items, ordered
from .schemas import (
    CatalogueItemDetailOut,
    CatalogueListOut,
    ErrorOut,
    ItemType,
    ValidationErrorOut,
    serialize_detail,
    serialize_rows,
)

router = Router(tags=["catalogue"])
# Drafts for a decoupled front end's preview: GET /catalogue/preview/ (preview_api.py).
router.add_router("", preview_router)

NOT_FOUND = "Aucun élément publié du catalogue ne correspond à cette adresse."
# Past any real catalogue, and inside every database's integer range (a larger OFFSET is a 500).
MAX_OFFSET = 2**31 - 1
# Counts are forgotten as soon as the content changes; this only bounds an unused entry's life.
COUNT_CACHE_SECONDS = 24 * 3600
Ordering = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]
Format = Literal[tuple(SessionFormat.values)]  # type: ignore[valid-type]
ICAL_RESPONSE = {
    "responses": {
        200: {
            "description": "Calendrier iCalendar (RFC 5545), heures de Paris.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}


class CatalogueFilters(Schema):
    """The catalogue's filters, shared by the listing and the search API."""

    type: ItemType | None = Field(None, description="Type d'élément.")
    theme: str | None = Field(None, description="Slug d'un thème.")
    audience: str | None = Field(None, description="Slug d'un public.")
    format: Format | None = Field(None, description="Format des sessions.")
    when: Literal["upcoming", "past"] | None = Field(None, description="À venir ou passés.")
    open: bool | None = Field(None, description="Inscriptions (ou candidatures) ouvertes.")
    cotisation: bool | None = Field(None, description="Réservé aux adhérents à jour de cotisation.")

    @field_validator(
        "type", "theme", "audience", "format", "when", "open", "cotisation", mode="before"
    )
    @classmethod
    def blank_is_unset(cls, value: object) -> object:
        # HTML forms send empty fields as ``type=``: no filter, not an error.
        return None if value == "" else value

    def check_slugs(self) -> None:
        """Unknown theme or audience slugs are a 422 with a French message, not an empty list."""
        if self.theme and not Theme.objects.filter(slug=self.theme).exists():
            raise _unknown("theme", "Thème", self.theme)
        if self.audience and not Audience.objects.filter(slug=self.audience).exists():
            raise _unknown("audience", "Public", self.audience)

    def apply(self, items, *, now):
        return filter_catalogue(
            items,
            type=self.type,
            theme=self.theme,
            audience=self.audience,
            format=self.format,
            when=self.when,
            open=self.open,
            cotisation=self.cotisation,
            now=now,
        )


class CatalogueListingQuery(CatalogueFilters):
    lacking_information: bool | None = Field(
        None,
        description="Sessions dont la page ne donne pas encore toute l'information publique "
        "(prérequis, objectifs, durée, prix, méthodes, évaluation, accessibilité, référent "
        "handicap). Réservé à l'équipe (accès à l'administration) : 403 sinon.",
    )
    ordering: Ordering = Field(
        "-date",
        description="date, -date (date de référence), title, -title, published, -published.",
    )

    @field_validator("ordering", mode="before")
    @classmethod
    def blank_is_default(cls, value: object) -> object:
        return "-date" if value in ("", None) else value

    @field_validator("lacking_information", mode="before")
    @classmethod
    def blank_is_unset_too(cls, value: object) -> object:
        return None if value == "" else value

    def apply(self, items, *, now):
        items = super().apply(items, now=now)
        if self.lacking_information:
            items = filter_catalogue(items, lacking_information=True, now=now)
        return items


def _unknown(field: str, label: str, value: str) -> ValidationError:
    return ValidationError(
        [
            {
                "type": "unknown_value",
                "loc": ["query", field],
                "msg": f"{label} inconnu : « {value[:50]} ».",
            }
        ]
    )


@router.get(
    "/catalogue/",
    response={200: CatalogueListOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Lister le catalogue",
    description="Éléments publiés (sessions, appels à manifestation d'intérêt, articles), "
    "filtrés et paginés. Une valeur de filtre inconnue donne une erreur 422 expliquée.",
)
def list_catalogue(
    request: HttpRequest,
    filters: Query[CatalogueListingQuery],
    limit: int = Query(20, ge=1, le=100, description="Nombre d'éléments (100 au plus)."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Rang du premier élément."),
) -> HttpResponse:
    filters.check_slugs()
    if filters.lacking_information and not may_filter_lacking_information(request.user):
        raise HttpError(
            403, "Le filtre « information publique incomplète » est réservé à l'équipe."
        )
    now = timezone.now()
    items = ordered(filters.apply(viewable_items(request), now=now), filters.ordering)
    rows = listing_rows(items, offset=offset, limit=limit)
    body = {
        "count": _count(request, filters, items),
        "items": serialize_rows(rows, request=request, site=current_site(request), now=now),
    }
    # Built from the rows by our own code, in the response schema's shape and order (the tests
    # validate it against ``CatalogueListOut``): written out as django-ninja's renderer would.
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )


def _count(request: HttpRequest, filters: CatalogueFilters, items) -> int:
    """The number of items, read from the shared cache: counting every row costs as much as the
    catalogue is large. The key is the items' SQL, which holds the filters and the view
    restrictions the person does not pass, so members share the counts of what they all see.
    The filters on dates (``when``, ``open``) make the number move with the clock, so those are
    counted each time."""
    if filters.when is not None or filters.open is not None:
        return items.count()
    return cached_value(
        "catalogue-count", (str(items.order_by().query),), items.count, timeout=COUNT_CACHE_SECONDS
    )


def _get_item(request: HttpRequest, **lookup) -> CatalogueItemPage:
    """The item the request may view; one it may not is as unknown (404) as a missing one."""
    pages = load_items(viewable_items(request).filter(**lookup), detail=True, request=request)
    if not pages:
        raise HttpError(404, NOT_FOUND)
    return pages[0]


@router.get(
    "/catalogue/by-path/",
    response={200: CatalogueItemDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Détail d'un élément par son chemin",
    description="Le même détail que `/api/catalogue/{id}/`, retrouvé par le chemin de la page "
    "sur le site : `/api/catalogue/by-path/?path=/catalogue/ma-session/`.",
)
def item_by_path(
    request: HttpRequest,
    path: str = Query(..., description="Chemin de la page, par exemple /catalogue/ma-session/."),
) -> CatalogueItemDetailOut:
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        raise HttpError(404, NOT_FOUND)
    # The page URLs the API gives are percent-encoded (/la-coop%C3%A9ration/); a slug never holds
    # a "%", so decoding also leaves a path given as the page's own text unchanged.
    components = [part for part in unquote(path).split("/") if part]
    url_path = site.root_page.url_path + "".join(f"{part}/" for part in components)
    page = _get_item(request, url_path=url_path)
    return serialize_detail(page, request=request)


@router.get(
    "/catalogue/{int:item_id}/",
    response={200: CatalogueItemDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Détail d'un élément",
    description="Intervenants, contact, dates, programme, documents, questions, liens, "
    "contenu des articles. Le lien de connexion n'est jamais public.",
)
def item_detail(request: HttpRequest, item_id: int) -> CatalogueItemDetailOut:
    return serialize_detail(_get_item(request, pk=item_id), request=request)


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/calendar.ics",
    summary="Calendrier des sessions à venir",
    description="Un événement par date de session à venir, heures de Paris.",
    openapi_extra=ICAL_RESPONSE,
)
def upcoming_calendar(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    sessions = viewable_items(request, SessionPage.objects.all())
    occurrences = (
        SessionOccurrence.objects.filter(end__gte=now, session__in=sessions.values("pk"))
        .select_related("session")
        .order_by("start", "pk")
    )
    calendar = ical.occurrences_calendar(
        list(occurrences), request=request, name="Sessions à venir"
    )
    return _calendar_response(calendar.to_ical(), "sessions.ics")


@router.get(
    "/catalogue/{int:item_id}/calendar.ics",
    summary="Calendrier d'un élément",
    description="Les dates d'une session, ou la première réunion d'un appel à manifestation "
    "d'intérêt.",
    openapi_extra={
        "responses": {
            **ICAL_RESPONSE["responses"],
            404: {
                "description": "Élément inconnu, non publié ou sans date.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                },
            },
        }
    },
)
def item_calendar(request: HttpRequest, item_id: int) -> HttpResponse:
    page = _get_item(request, pk=item_id)
    calendar = ical.item_calendar(page, request=request)
    if calendar is None:
        raise HttpError(404, "Cet élément du catalogue n'a pas de date à mettre dans un agenda.")
    return _calendar_response(calendar.to_ical(), f"{page.slug}.ics")
