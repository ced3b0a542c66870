"""Headless preview of drafts for a decoupled front end (wagtail-headless-preview).

When ``PORTAIL_HEADLESS_PREVIEW_URL`` (or the package's ``WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]``)
names a front end, catalogue items offer editors a second preview mode: the draft is
stored as a ``PagePreview`` and the preview panel frames the front end's page with
``?content_type=…&token=…``. The front end reads the draft from ``GET /api/catalogue/preview/``.
A token is signed with the secret key and is good for ``TOKEN_MAX_AGE``.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from wagtail.models import Page, Site
from wagtail_headless_preview.models import PagePreview
from wagtail_headless_preview.settings import headless_preview_settings

from .app_settings import app_settings

HEADLESS_MODE = "headless"
HEADLESS_MODE_LABEL = "Front-end découplé"
# Long enough to reload the front end's page during an editing session, short enough that a
# link forwarded by mistake soon shows nothing. The package deletes previews after a day or two.
TOKEN_MAX_AGE = dt.timedelta(days=1)


def headless_preview_enabled() -> bool:
    """Whether a decoupled front end's preview page is configured."""
    return bool(headless_preview_settings.CLIENT_URLS or app_settings.HEADLESS_PREVIEW_URL)


def client_root_url(request) -> str | None:
    """The front end's preview page from ``PORTAIL_HEADLESS_PREVIEW_URL``, unless the package's
    own ``CLIENT_URLS`` names one (then ``None``: the package decides)."""
    if headless_preview_settings.CLIENT_URLS:
        return None
    site = Site.find_for_request(request)
    url = app_settings.HEADLESS_PREVIEW_URL.format(SITE_ROOT_URL=site.root_url if site else "")
    if headless_preview_settings.ENFORCE_TRAILING_SLASH:
        url = url.rstrip("/") + "/"
    return url


class PreviewNotFound(Exception):
    """A token that leads to no draft; the message tells the front end's developer why."""


def draft_from_token(model: type[Page], token: str) -> Page:
    """The unsaved page a token of ``model`` stands for, rebuilt from its stored draft.

    Child rows (dates, speakers, questions…) and themes come from the draft, not from the
    database rows of the live page. Raises ``PreviewNotFound`` with a French message.
    """
    try:
        model.get_preview_signer().unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise PreviewNotFound(
            "Ce jeton d'aperçu a expiré (il est valable 24 heures) : relancez l'aperçu depuis "
            "l'administration."
        ) from error
    except signing.BadSignature as error:
        raise PreviewNotFound("Ce jeton d'aperçu n'est pas valide.") from error
    preview = PagePreview.objects.filter(token=token).first()
    if preview is None:
        raise PreviewNotFound(
            "Aucun aperçu ne correspond à ce jeton : relancez l'aperçu depuis l'administration."
        )
    if preview.content_type_id != ContentType.objects.get_for_model(model).pk:
        raise PreviewNotFound(
            "Ce jeton est celui d'un autre type de page : transmettez le paramètre content_type "
            "reçu avec lui."
        )
    return preview.as_page()
