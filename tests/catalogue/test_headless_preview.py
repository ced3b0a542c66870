"""Headless preview: staff preview a draft in a decoupled front end, which reads it from the API.

The portal's own preview stays the default mode; the « Front-end découplé » mode appears only
when a front end's preview URL is configured. It stores the draft and frames the front end's
page with ``?content_type=…&token=…``; ``GET /api/catalogue/preview/`` answers with the draft
in the shape of ``GET /api/catalogue/{id}/``, while the live page stays as it was.
"""

import datetime as dt
import html
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset
from wagtail_headless_preview.models import PagePreview

from catalogue.models import (
    QuestionKind,
    ResourceArticlePage,
    SessionFormat,
    SessionOccurrence,
    SessionPage,
    SpeakerRole,
    WorkingGroupCallPage,
)
from tests.catalogue.factories import (
    CatalogueIndexPageFactory,
    PersonFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
    paris,
)
from tests.catalogue.test_admin import admin_datetime, article_data, call_data, session_data

pytestmark = pytest.mark.django_db

FRONT_END = "https://front.example.org/apercu/"
MEETING_LINK = "https://visio.example.org/salle-du-brouillon-31"


@pytest.fixture
def headless(settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {"default": FRONT_END}}


@pytest.fixture
def no_headless(settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {}}


@pytest.fixture
def front_end():
    """The decoupled front end's server: no session, only the token."""
    return Client()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaction", "redaction@example.org", "x")
    client.force_login(user)
    return client


def published(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def edit_preview_url(page):
    return reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))


def add_preview_url(model, parent):
    return reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("catalogue", model._meta.model_name, parent.pk),
    )


def preview_in_front_end(client, url, data):
    """Post the editor's form to Wagtail's preview view, then open the headless mode.

    Returns the query of the front end's URL framed in the preview panel.
    """
    response = client.post(url, data)
    assert response.json() == {"is_valid": True, "is_available": True}
    return framed_query(client.get(url, {"mode": "headless", "in_preview_panel": "true"}))


def framed_query(response):
    """The query of the front end's URL that the headless preview frames."""
    assert response.status_code == 200
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', response.content.decode())[1])
    assert src.startswith(FRONT_END + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(src).query).items()}


def read_preview(front_end, **params):
    return front_end.get("/api/catalogue/preview/", params)


# --------------------------------------------------------------------------- preview modes


def test_without_a_front_end_only_the_portal_preview_is_offered(no_headless, staff_client):
    session = published(SessionPageFactory())

    assert [name for name, _label in session.preview_modes] == [""]
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=(session.pk,)))
    assert response.status_code == 200
    assert "Front-end découplé" not in response.content.decode()


def test_with_a_front_end_catalogue_items_offer_it_as_a_second_mode(headless, staff_client):
    session = published(SessionPageFactory())

    assert session.preview_modes[1] == ("headless", "Front-end découplé")
    assert session.default_preview_mode == ""
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=(session.pk,)))
    assert "Front-end découplé" in response.content.decode()
    for model in (WorkingGroupCallPage, ResourceArticlePage):
        assert ("headless", "Front-end découplé") in model().preview_modes


def test_the_default_mode_still_renders_the_portal_page(headless, staff_client):
    session = published(SessionPageFactory())
    url = edit_preview_url(session)
    staff_client.post(url, session_data(title="Titre retravaillé", slug=session.slug))

    response = staff_client.get(url, {"in_preview_panel": "true"})

    assert response.status_code == 200
    assert "catalogue/session_page.html" in [t.name for t in response.templates]
    assert "Titre retravaillé" in response.content.decode()
    assert not PagePreview.objects.exists()


def test_the_headless_mode_is_ignored_when_no_front_end_is_set(no_headless, staff_client):
    session = published(SessionPageFactory())
    url = edit_preview_url(session)
    staff_client.post(url, session_data(title="Titre retravaillé", slug=session.slug))

    response = staff_client.get(url, {"mode": "headless"})

    assert "catalogue/session_page.html" in [t.name for t in response.templates]
    assert not PagePreview.objects.exists()


# --------------------------------------------------------------------------- drafts in the API


def test_the_front_end_reads_the_draft_of_a_session_while_the_live_page_stays(
    headless, staff_client, front_end
):
    old_speaker = PersonFactory(last_name="Ancienne")
    session = published(
        SessionPageFactory(
            title="Titre publié",
            occurrences=[(paris(2031, 1, 15, 9), paris(2031, 1, 15, 12))],
            speakers=[(old_speaker, SpeakerRole.SPEAKER)],
            themes=[ThemeFactory(name="Bénévolat")],
        )
    )
    live = front_end.get(f"/api/catalogue/{session.pk}/").json()
    occurrence = SessionOccurrence.objects.get(session=session)
    new_speaker = PersonFactory(last_name="Nouvelle")
    start = in_weeks(6, 14)
    data = session_data(
        title="Titre du brouillon",
        slug=session.slug,
        meeting_url=MEETING_LINK,
        speakers=inline_formset(
            [
                {  # the published speaker, removed
                    "id": str(session.speakers.get().pk),
                    "person": str(old_speaker.pk),
                    "role": SpeakerRole.SPEAKER,
                    "note": "",
                    "DELETE": "on",
                },
                {"person": str(new_speaker.pk), "role": SpeakerRole.ANIMATION, "note": ""},
            ],
            initial=1,
        ),
        occurrences=inline_formset(
            [
                {  # the existing date, moved
                    "id": str(occurrence.pk),
                    "start": admin_datetime(start),
                    "end": admin_datetime(start + dt.timedelta(hours=3)),
                    "label": "Date déplacée",
                },
                {  # a new date, not saved yet
                    "start": admin_datetime(start + dt.timedelta(days=7)),
                    "end": admin_datetime(start + dt.timedelta(days=7, hours=3)),
                    "label": "Nouvelle date",
                },
            ],
            initial=1,
            min=1,
        ),
    )

    query = preview_in_front_end(staff_client, edit_preview_url(session), data)
    assert query["content_type"] == "catalogue.sessionpage"
    response = read_preview(front_end, **query)

    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    draft = response.json()
    assert set(draft) == set(live)  # the same shape as the published detail
    assert (draft["id"], draft["type"]) == (session.pk, "session")
    assert draft["title"] == "Titre du brouillon"
    assert draft["format"] == SessionFormat.ONLINE
    assert [(o["id"], o["label"]) for o in draft["occurrences"]] == [
        (occurrence.pk, "Date déplacée"),
        (None, "Nouvelle date"),
    ]
    assert draft["occurrences"][0]["start"] == timezone.localtime(start).isoformat()
    assert [(s["person"]["last_name"], s["role"]) for s in draft["speakers"]] == [
        ("Nouvelle", SpeakerRole.ANIMATION)
    ]
    assert [t["name"] for t in draft["themes"]] == ["Coopération"]
    assert draft["programme"][0]["value"]["title"] == "Identifier, décrire et qualifier"
    assert draft["contact"]["name"] == "Geneviève Ganivet"
    assert MEETING_LINK not in response.content.decode()
    # Nothing of the draft reached the live page.
    assert front_end.get(f"/api/catalogue/{session.pk}/").json() == live
    session.refresh_from_db()
    assert session.title == "Titre publié" and not session.meeting_url
    assert list(SessionOccurrence.objects.filter(session=session)) == [occurrence]
    assert [s.person for s in session.speakers.all()] == [old_speaker]


@pytest.mark.parametrize(
    "make_page",
    [
        lambda: SessionPageFactory(
            contact=PersonFactory(),
            meeting_url=MEETING_LINK,
            speakers=[(PersonFactory(), SpeakerRole.ANIMATION)],
            themes=[ThemeFactory()],
        ),
        WorkingGroupCallPageFactory,
        ResourceArticlePageFactory,
    ],
)
def test_an_unchanged_draft_reads_exactly_like_the_published_detail(
    headless, staff_client, front_end, make_page
):
    page = published(make_page())
    # "View draft" of the page's latest revision, in the headless mode.
    view_draft = reverse("wagtailadmin_pages:view_draft", args=(page.pk,))
    query = framed_query(staff_client.get(view_draft, {"mode": "headless"}))

    draft = read_preview(front_end, **query)

    assert draft.json() == front_end.get(f"/api/catalogue/{page.pk}/").json()
    assert MEETING_LINK not in draft.content.decode()


def test_the_draft_of_a_call_gives_its_draft_questions(headless, staff_client, front_end):
    call = published(WorkingGroupCallPageFactory(questions=["Question publiée ?"]))
    question = call.questions.get()
    questions = inline_formset(
        [
            {  # the published question, reworded
                "id": str(question.pk),
                "label": "Question reformulée ?",
                "help_text": "",
                "kind": QuestionKind.LONG_TEXT,
                "required": "on",
            },
            {
                "label": "Vous êtes plutôt",
                "help_text": "",
                "kind": QuestionKind.CHOICE,
                "choices": "Développement local\nAction sociale",
                "required": "on",
            },
        ],
        initial=1,
    )

    query = preview_in_front_end(
        staff_client, edit_preview_url(call), call_data(slug=call.slug, questions=questions)
    )
    draft = read_preview(front_end, **query).json()

    assert query["content_type"] == "catalogue.workinggroupcallpage"
    assert [(q["id"], q["label"], q["choices"]) for q in draft["questions"]] == [
        (question.pk, "Question reformulée ?", []),
        (None, "Vous êtes plutôt", ["Développement local", "Action sociale"]),
    ]
    assert draft["meeting_place"] == "Le plus central possible"
    assert [q.label for q in call.questions.all()] == ["Question publiée ?"]


def test_the_draft_of_an_article_links_only_to_live_public_sessions(
    headless, staff_client, front_end
):
    index = CatalogueIndexPageFactory()
    article = published(ResourceArticlePageFactory(parent=index))
    live_session = SessionPageFactory(parent=index)
    draft_session = SessionPageFactory(parent=index, live=False)
    data = article_data(live_session)
    data.update(
        {
            "slug": article.slug,
            "related_sessions-TOTAL_FORMS": "2",
            "related_sessions-1-session": str(draft_session.pk),
            "related_sessions-1-ORDER": "2",
            "related_sessions-1-id": "",
            "related_sessions-1-DELETE": "",
        }
    )

    query = preview_in_front_end(staff_client, edit_preview_url(article), data)
    draft = read_preview(front_end, **query).json()

    assert draft["title"] == "Le bénévolat à l'heure du confinement"
    assert draft["body"][0]["value"] == "Une enquête pendant le confinement"
    assert [s["id"] for s in draft["related_sessions"]] == [live_session.pk]


def test_a_saved_draft_never_published_can_be_previewed(headless, staff_client, front_end):
    session = SessionPageFactory(live=False)
    session.save_revision()

    query = preview_in_front_end(
        staff_client, edit_preview_url(session), session_data(slug=session.slug)
    )
    response = read_preview(front_end, **query)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == session.pk
    assert response.json()["first_published_at"] is None
    assert front_end.get(f"/api/catalogue/{session.pk}/").status_code == 404


def test_a_new_page_can_be_previewed_before_it_is_first_saved(headless, staff_client, front_end):
    index = CatalogueIndexPageFactory()

    query = preview_in_front_end(staff_client, add_preview_url(SessionPage, index), session_data())
    response = read_preview(front_end, **query)

    assert response.status_code == 200, response.content
    draft = response.json()
    assert (draft["id"], draft["title"]) == (None, "Décrypter les stratégies d'acteurs")
    assert draft["url"] == f"{index.url}decrypter-les-strategies-d-acteurs/"
    assert [o["id"] for o in draft["occurrences"]] == [None]
    assert not SessionPage.objects.exists()


# --------------------------------------------------------------------------- bad tokens


@pytest.fixture
def session_token(headless, staff_client):
    session = published(SessionPageFactory())
    return preview_in_front_end(
        staff_client, edit_preview_url(session), session_data(slug=session.slug)
    )


@pytest.mark.parametrize(
    "token",
    ["", "n-importe-quoi", "id=1:1uAbCd:faussesignature", "id=1" + ":" * 300],
)
def test_a_forged_token_is_refused_in_french(session_token, front_end, token):
    response = read_preview(front_end, content_type="catalogue.sessionpage", token=token)

    assert response.status_code == 404
    assert response.json() == {"detail": "Ce jeton d'aperçu n'est pas valide."}


def test_a_token_older_than_a_day_has_expired(session_token, front_end, monkeypatch):
    later = time.time() + dt.timedelta(days=1, minutes=1).total_seconds()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

    response = read_preview(front_end, **session_token)

    assert response.status_code == 404
    assert "expiré" in response.json()["detail"]


def test_a_token_less_than_a_day_old_still_works(session_token, front_end, monkeypatch):
    later = time.time() + dt.timedelta(hours=23).total_seconds()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

    assert read_preview(front_end, **session_token).status_code == 200


def test_a_token_whose_draft_was_deleted_is_not_found(session_token, front_end):
    PagePreview.objects.all().delete()

    response = read_preview(front_end, **session_token)

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Aucun aperçu ne correspond à ce jeton")


def test_a_token_given_with_another_type_is_refused(session_token, front_end):
    response = read_preview(
        front_end, content_type="catalogue.resourcearticlepage", token=session_token["token"]
    )

    assert response.status_code == 404
    assert "autre type de page" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["catalogue.catalogueindexpage", "wagtailcore.page", ""])
def test_an_unknown_content_type_is_refused_in_french(session_token, front_end, content_type):
    response = read_preview(front_end, content_type=content_type, token=session_token["token"])

    assert response.status_code == 422
    assert response.json()["message"].startswith("« content_type » : Valeur inconnue.")


def test_content_type_and_token_are_required(client):
    response = client.get("/api/catalogue/preview/")

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["content_type", "token"]


def test_the_plugins_prefixed_setting_alone_offers_the_front_ends_preview(settings, staff_client):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {}}
    settings.PORTAIL_HEADLESS_PREVIEW_URL = FRONT_END
    session = published(SessionPageFactory())

    data = session_data(title="Titre retravaillé", slug=session.slug)
    query = preview_in_front_end(staff_client, edit_preview_url(session), data)

    assert query["content_type"] == "catalogue.sessionpage"


def test_the_old_preview_setting_name_still_works(settings, staff_client):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {}}
    settings.HEADLESS_PREVIEW_URL = FRONT_END
    session = published(SessionPageFactory())

    assert session.preview_modes[1] == ("headless", "Front-end découplé")
