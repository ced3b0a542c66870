"""Drafts for a decoupled front end's preview: the token of the editor's headless preview mode."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .models import CatalogueItemPage, ResourceArticlePage, SessionPage, public_items
from .preview import PreviewNotFound, draft_from_token
from .queries import ITEM_MODELS
from .schemas import CatalogueItemDetailOut, ErrorOut, ValidationErrorOut, serialize_detail

router = Router()  # mounted in the catalogue router: its tag

PREVIEW_MODELS = {model.get_content_type_str(): model for model in ITEM_MODELS}
PreviewContentType = Literal[tuple(PREVIEW_MODELS)]  # type: ignore[valid-type]


class PreviewQuery(Schema):
    content_type: PreviewContentType = Field(description="Type de la page, reçu avec le jeton.")
    token: str = Field(description="Jeton d'aperçu reçu de l'administration.")


def _keep_public_related_sessions(page: CatalogueItemPage) -> None:
    """As in the published detail, an article links only to live, public sessions."""
    if not isinstance(page, ResourceArticlePage):
        return
    links = list(page.related_sessions.all())
    public = set(
        public_items(
            SessionPage.objects.filter(pk__in=[link.session_id for link in links])
        ).values_list("pk", flat=True)
    )
    page.related_sessions = [link for link in links if link.session_id in public]


@router.get(
    "/catalogue/preview/",
    response={200: CatalogueItemDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Aperçu d'un brouillon",
    description="Le brouillon qu'un rédacteur prévisualise dans le mode « Front-end découplé » "
    "de l'administration, avec le même détail que `/api/catalogue/{id}/`. L'administration "
    "ouvre la page d'aperçu du front-end avec `?content_type=…&token=…` : il les transmet tels "
    "quels. Le jeton est valable 24 heures ; un jeton invalide, expiré ou d'un autre type donne "
    "une erreur 404 expliquée. Le lien de connexion n'y figure jamais.",
)
def item_preview(
    request: HttpRequest, response: HttpResponse, query: Query[PreviewQuery]
) -> CatalogueItemDetailOut:
    try:
        page = draft_from_token(PREVIEW_MODELS[query.content_type], query.token)
    except PreviewNotFound as error:
        raise HttpError(404, str(error)) from error
    _keep_public_related_sessions(page)
    # A draft: never kept by a shared cache in front of the API.
    patch_cache_control(response, private=True, no_store=True)
    return serialize_detail(page, request=request)
