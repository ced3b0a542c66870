"""The search API: full-text search of the catalogue with its filters and facets, autocomplete."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from ..api import MAX_OFFSET, CatalogueFilters
from ..cache import current_site
from ..filters import item_type
from ..models import CatalogueItemPage
from ..queries import listing_rows
from ..schemas import CatalogueItemOut, ItemType, serialize_rows
from .queries import (
    MAX_QUERY_LENGTH,
    Filters,
    autocomplete_catalogue,
    clean_query,
    search_catalogue,
)

router = Router(tags=["recherche"])

EMPTY_QUERY = (
    "Saisissez au moins un mot à rechercher (les mots très courants comme « le » ou « des » "
    "sont ignorés)."
)


class FacetValueOut(Schema):
    value: str
    label: str
    count: int = Field(
        description="Nombre de résultats avec cette valeur, les autres filtres appliqués."
    )
    selected: bool


class SearchFacetsOut(Schema):
    type: list[FacetValueOut]
    theme: list[FacetValueOut]
    audience: list[FacetValueOut]
    format: list[FacetValueOut]
    when: list[FacetValueOut]
    open: list[FacetValueOut]
    cotisation: list[FacetValueOut]


class SearchOut(Schema):
    query: str = Field(description="Les mots effectivement recherchés.")
    count: int
    items: list[CatalogueItemOut]
    facets: SearchFacetsOut


class SuggestionOut(Schema):
    id: int
    title: str
    url: str | None
    type: ItemType
    kind_label: str


class AutocompleteOut(Schema):
    items: list[SuggestionOut]


def _error(field: str, message: str) -> ValidationError:
    return ValidationError([{"type": "invalid", "loc": ["query", field], "msg": message}])


@router.get(
    "/",
    response=SearchOut,
    url_name="search",
    summary="Rechercher dans le catalogue",
    description="Recherche plein texte en français (pluriels, conjugaisons et accents ignorés "
    "sur PostgreSQL ; accents ignorés sur SQLite) parmi les éléments publiés, les plus "
    "pertinents d'abord. Mêmes filtres que la liste du catalogue ; `facets` donne, pour chaque "
    "valeur de filtre, le nombre de résultats qu'elle donnerait. Une recherche sans mot utile "
    "ou une valeur de filtre inconnue donne une erreur 422 expliquée.",
)
def search(
    request: HttpRequest,
    filters: Query[CatalogueFilters],
    q: str = Query(
        ..., description=f"Mots recherchés ({MAX_QUERY_LENGTH} caractères lus au plus)."
    ),
    limit: int = Query(20, ge=1, le=100, description="Nombre d'éléments (100 au plus)."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Rang du premier élément."),
) -> dict:
    if not clean_query(q):
        raise _error("q", EMPTY_QUERY)
    filters.check_slugs()
    now = timezone.now()
    outcome = search_catalogue(q, Filters(**filters.dict()), now=now, request=request)
    page_ids = outcome.ids[offset : offset + limit]
    # The listing's cards, read as rows in one query (no page built), put in ranking order.
    rows = {
        row["pk"]: row for row in listing_rows(CatalogueItemPage.objects.filter(pk__in=page_ids))
    }
    items = serialize_rows(
        [rows[pk] for pk in page_ids if pk in rows],
        request=request,
        site=current_site(request),
        now=now,
    )
    return {
        "query": outcome.query,
        "count": outcome.count,
        "items": items,
        "facets": outcome.facets,
    }


@router.get(
    "/autocomplete/",
    response=AutocompleteOut,
    url_name="search_autocomplete",
    summary="Suggestions pendant la saisie",
    description="Jusqu'à 8 éléments publiés dont le titre contient des mots commençant par ce "
    "qui est tapé (accents ignorés). Une saisie vide donne une liste vide.",
)
def autocomplete(
    request: HttpRequest,
    q: str = Query("", description="Début de saisie."),
) -> dict:
    pages = autocomplete_catalogue(q, request=request)
    return {
        "items": [
            {
                "id": page.pk,
                "title": page.title,
                "url": page.get_url(request),
                "type": item_type(page),
                "kind_label": page.kind_label,
            }
            for page in pages
        ]
    }
