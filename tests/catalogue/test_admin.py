"""Staff create, preview and publish every catalogue page type in the Wagtail admin, and the
admin refuses a page whose facts contradict each other, with a French message on the field."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from catalogue.models import (
    QuestionKind,
    RegistrationMode,
    ResourceArticlePage,
    SessionFormat,
    SessionPage,
    SpeakerRole,
    WorkingGroupCallPage,
)
from tests.catalogue.factories import (
    AudienceFactory,
    CatalogueIndexPageFactory,
    PersonFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)

pytestmark = pytest.mark.django_db

PUBLISH = {"action-publish": "action-publish"}


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaction", "redaction@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def catalogue():
    return CatalogueIndexPageFactory()


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=("catalogue", model._meta.model_name, parent.pk))


def preview_url(model, parent):
    return reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("catalogue", model._meta.model_name, parent.pk),
    )


def admin_datetime(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def with_many(data, **many):
    """Multiple-choice fields (themes, audiences) post one value per id."""
    data.update({name: [str(obj.pk) for obj in objs] for name, objs in many.items()})
    return data


def session_data(**overrides):
    """A complete, valid SessionPage admin form: an online webconference five weeks ahead."""
    start = in_weeks(5, 14)
    speaker = PersonFactory(first_name="Dominique", last_name="Bernier")
    contact = PersonFactory(first_name="Geneviève", last_name="Ganivet", phone="04 75 22 14 896")
    fields = {
        "title": "Décrypter les stratégies d'acteurs",
        "slug": "decrypter-les-strategies-d-acteurs",
        "kind": "webconference",
        "lead": "Coopérer, c'est fabriquer du compromis.",
        "notices": streamfield(
            [("notice", {"level": "warning", "text": "La session aura lieu en ligne."})]
        ),
        "rationale": rich_text("<p>Un décryptage fin du système d'acteurs.</p>"),
        "objectives": rich_text(""),
        "audience_text": rich_text("<p>Élus et agents de développement.</p>"),
        "programme": streamfield(
            [
                (
                    "section",
                    {
                        "title": "Identifier, décrire et qualifier",
                        "start_time": "14:00",
                        "end_time": "15:00",
                        "body": rich_text(
                            "<ul><li>Les acteurs<ul><li>leurs intérêts</li></ul></li></ul>"
                        ),
                    },
                )
            ]
        ),
        "teaching_method": rich_text("<p>Apports et échanges.</p>"),
        "case_study": rich_text("<p>La démarche Geopark en Beaujolais.</p>"),
        "speakers": inline_formset(
            [{"person": str(speaker.pk), "role": SpeakerRole.ANIMATION, "note": ""}]
        ),
        "documents": streamfield([]),
        "occurrences": inline_formset(
            [
                {
                    "start": admin_datetime(start),
                    "end": admin_datetime(start + dt.timedelta(hours=2)),
                    "label": "",
                }
            ],
            min=1,
        ),
        "attendance_mode": "all",
        "format": SessionFormat.ONLINE,
        "venue_name": "",
        "venue_address": "",
        "venue_town": "",
        "meeting_url": "",
        "meeting_url_sent_later": "on",
        "registration_mode": RegistrationMode.MEMBERS,
        "registration_url": "",
        "capacity": "15",
        "registration_opens_at": "",
        "registration_deadline": (timezone.localdate(start) - dt.timedelta(days=7)).isoformat(),
        "fee_note": "",
        "contact": str(contact.pk),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    fields.update(overrides)
    data = nested_form_data(fields)
    if data.get("meeting_url_sent_later") is None:
        data.pop("meeting_url_sent_later", None)
    return with_many(data, themes=[ThemeFactory(name="Coopération")], audiences=[AudienceFactory()])


def call_data(**overrides):
    first_meeting = timezone.localdate() + dt.timedelta(weeks=10)
    fields = {
        "title": "Mailler les ingénieries",
        "slug": "mailler-les-ingenieries",
        "kicker": "Appel à manifestation d'intérêt pour participer au groupe de travail régional",
        "call_date": timezone.localdate().replace(day=1).isoformat(),
        "lead": "Faire dialoguer action sociale et développement local.",
        "rationale": rich_text("<p>Un manque de relations.</p>"),
        "objectives": rich_text("<ul><li>Faire dialoguer les professionnels</li></ul>"),
        "why_take_part": rich_text("<p>Se croiser et enclencher le dialogue.</p>"),
        "scope": rich_text("<p>Sous l'angle de l'ingénierie.</p>"),
        "related_links": streamfield(
            [("link", {"title": "Cap Rural", "url": "https://www.caprural.org", "page": ""})]
        ),
        "coordination": "Cap Rural",
        "meetings_per_year_min": "3",
        "meetings_per_year_max": "4",
        "how_it_works": rich_text("<p>À discuter.</p>"),
        "meeting_place": "Le plus central possible",
        "first_meeting": first_meeting.isoformat(),
        "first_meeting_note": "En présentiel ou distanciel",
        "profiles": streamfield([("profile", "Un acteur de l'action sociale.")]),
        "questions": inline_formset(
            [
                {"label": "Votre fonction", "help_text": "", "kind": QuestionKind.SHORT_TEXT},
                {
                    "label": "Vous êtes plutôt",
                    "help_text": "",
                    "kind": QuestionKind.CHOICE,
                    "choices": "Développement local\nAction sociale",
                    "required": "on",
                },
            ]
        ),
        "registration_mode": RegistrationMode.APPLICATION,
        "registration_url": "",
        "registration_opens_at": "",
        "registration_deadline": (first_meeting - dt.timedelta(weeks=2)).isoformat(),
        "selection_note": "Les participants seront sélectionnés sur la base de leur réponse.",
        "fee_note": "Participation non soumise à cotisation",
        "contact": str(PersonFactory(first_name="Marine", last_name="Rouchouse").pk),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    fields.update(overrides)
    return with_many(nested_form_data(fields), themes=[ThemeFactory()], audiences=[])


def article_data(session):
    fields = {
        "title": "Le bénévolat à l'heure du confinement",
        "slug": "le-benevolat-a-l-heure-du-confinement",
        "date": "2020-10-01",
        "author": "",
        "author_name": "Cap Rural",
        "lead": "Une enquête de Recherche et Solidarité.",
        "body": streamfield(
            [
                ("heading", "Une enquête pendant le confinement"),
                ("paragraph", rich_text("<p>Réalisée en avril-mai 2020.</p>")),
            ]
        ),
        "documents": streamfield([]),
        "related_sessions": inline_formset([{"session": str(session.pk)}]),
        "contact": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    return with_many(nested_form_data(fields), themes=[ThemeFactory()], audiences=[])


def form_errors(response):
    """Errors of the page form and of its inline rows, by field name."""
    form = response.context["form"]
    errors = {name: list(messages) for name, messages in form.errors.items()}
    for relation, formset in form.formsets.items():
        for row in formset.forms:
            for name, messages in row.errors.items():
                errors.setdefault(f"{relation}-{name}", []).extend(messages)
    return errors


# --------------------------------------------------------------------------- create and publish


def test_staff_create_and_publish_a_session(staff_client, catalogue):
    response = staff_client.post(add_url(SessionPage, catalogue), {**session_data(), **PUBLISH})

    assert response.status_code == 302, form_errors(response)
    page = SessionPage.objects.child_of(catalogue).get(slug="decrypter-les-strategies-d-acteurs")
    assert page.live and page.live_revision is not None
    assert page.format == SessionFormat.ONLINE and page.meeting_url_sent_later
    assert page.capacity == 15
    start = timezone.localtime(page.starts_at)
    assert (start.hour, start.minute, str(start.tzinfo)) == (14, 0, "Europe/Paris")
    speaker = page.speakers.get()
    assert (speaker.person.last_name, speaker.role) == ("Bernier", SpeakerRole.ANIMATION)
    assert [theme.name for theme in page.themes.all()] == ["Coopération"]
    body = re.sub(r' data-block-key="\w+"', "", str(page.programme[0].value["body"]))
    assert body == "<ul><li>Les acteurs<ul><li>leurs intérêts</li></ul></li></ul>"
    assert page.notices[0].value["text"] == "La session aura lieu en ligne."


def test_staff_create_and_publish_a_working_group_call(staff_client, catalogue):
    response = staff_client.post(
        add_url(WorkingGroupCallPage, catalogue), {**call_data(), **PUBLISH}
    )

    assert response.status_code == 302, form_errors(response)
    page = WorkingGroupCallPage.objects.child_of(catalogue).get(slug="mailler-les-ingenieries")
    assert page.live and page.live_revision is not None
    assert (page.meetings_per_year_min, page.meetings_per_year_max) == (3, 4)
    assert [(q.label, q.kind) for q in page.questions.all()] == [
        ("Votre fonction", QuestionKind.SHORT_TEXT),
        ("Vous êtes plutôt", QuestionKind.CHOICE),
    ]
    assert page.questions.all()[1].choice_list == ["Développement local", "Action sociale"]
    assert page.fee_rule == "Participation non soumise à cotisation"


def test_staff_create_and_publish_a_resource_article(staff_client, catalogue):
    session = SessionPageFactory(parent=catalogue)

    response = staff_client.post(
        add_url(ResourceArticlePage, catalogue), {**article_data(session), **PUBLISH}
    )

    assert response.status_code == 302, form_errors(response)
    page = ResourceArticlePage.objects.child_of(catalogue).get()
    assert page.live and page.live_revision is not None
    assert page.date == dt.date(2020, 10, 1)
    assert page.related_sessions.get().session_id == session.pk
    assert page.body[0].value == "Une enquête pendant le confinement"


@pytest.mark.parametrize(
    ("model", "make_data", "fact"),
    [
        (SessionPage, session_data, "Identifier, décrire et qualifier"),
        (WorkingGroupCallPage, call_data, "Le plus central possible"),
        (ResourceArticlePage, None, "Une enquête pendant le confinement"),
    ],
)
def test_staff_preview_a_new_page_before_publishing(
    staff_client, catalogue, model, make_data, fact
):
    data = make_data() if make_data else article_data(SessionPageFactory(parent=catalogue))
    url = preview_url(model, catalogue)

    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert json.loads(response.content) == {"is_valid": True, "is_available": True}

    response = staff_client.get(url)
    assert response.status_code == 200
    assert fact in response.content.decode()
    assert not model.objects.filter(slug=data["slug"]).exists()  # previewing saves nothing


def tab_labels(html):
    return [
        re.sub(r"<.*", "", label, flags=re.S).strip()
        for label in re.findall(r'role="tab"[^>]*>(.*?)</a>', html, flags=re.S)
    ]


@pytest.mark.parametrize(
    ("make_page", "tabs"),
    [
        (SessionPageFactory, ["Contenu", "En pratique", "Qualité", "Référencement"]),
        (
            WorkingGroupCallPageFactory,
            ["Contenu", "Fonctionnement", "Candidatures", "Référencement"],
        ),
        (ResourceArticlePageFactory, ["Contenu"]),
        (CatalogueIndexPageFactory, ["Contenu"]),
    ],
)
def test_edit_view_of_each_page_type_shows_its_tabs(staff_client, make_page, tabs):
    page = make_page()

    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))

    assert response.status_code == 200
    assert tab_labels(response.content.decode())[: len(tabs)] == tabs


# --------------------------------------------------------------------------- validation


def assert_refused(response, field, message):
    assert response.status_code == 200, "the page should not have been published"
    errors = form_errors(response)
    assert any(message in error for error in errors.get(field, [])), errors


def test_an_occurrence_that_ends_before_it_starts_is_refused(staff_client, catalogue):
    start = in_weeks(5, 14)
    data = session_data(
        occurrences=inline_formset(
            [
                {
                    "start": admin_datetime(start),
                    "end": admin_datetime(start - dt.timedelta(hours=1)),
                }
            ],
            min=1,
        )
    )

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert_refused(response, "occurrences-end", "La fin doit être postérieure au début.")
    assert list(form_errors(response)) == ["occurrences-end"]  # no English constraint message
    assert not SessionPage.objects.exists()


def test_a_registration_deadline_after_the_session_is_refused(staff_client, catalogue):
    deadline = timezone.localdate(in_weeks(5)) + dt.timedelta(days=1)
    data = session_data(registration_deadline=deadline.isoformat())

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert_refused(
        response, "registration_deadline", "La date limite d'inscription doit précéder la session"
    )
    assert not SessionPage.objects.exists()


def test_a_capacity_of_zero_is_refused(staff_client, catalogue):
    response = staff_client.post(
        add_url(SessionPage, catalogue), {**session_data(capacity="0"), **PUBLISH}
    )

    assert_refused(response, "capacity", "Le nombre de places doit être d'au moins 1.")
    assert not SessionPage.objects.exists()


def test_an_online_session_needs_a_link_or_link_sent_later(staff_client, catalogue):
    data = session_data(meeting_url="", meeting_url_sent_later=None)

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert_refused(response, "meeting_url", "Une session en ligne a besoin d'un lien de connexion")
    assert not SessionPage.objects.exists()


def test_an_online_session_with_a_meeting_link_is_accepted(staff_client, catalogue):
    data = session_data(meeting_url="https://visio.example.org/salle", meeting_url_sent_later=None)

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert response.status_code == 302, form_errors(response)
    assert SessionPage.objects.get().meeting_url == "https://visio.example.org/salle"


def test_external_registration_without_a_link_is_refused(staff_client, catalogue):
    data = session_data(registration_mode=RegistrationMode.EXTERNAL, registration_url="")

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert_refused(response, "registration_url", "Indiquez le lien d'inscription externe.")
    assert not SessionPage.objects.exists()


def test_a_call_with_fewer_maximum_than_minimum_meetings_is_refused(staff_client, catalogue):
    data = call_data(meetings_per_year_min="4", meetings_per_year_max="3")

    response = staff_client.post(add_url(WorkingGroupCallPage, catalogue), {**data, **PUBLISH})

    assert_refused(response, "meetings_per_year_max", "Le maximum doit être supérieur au minimum.")
    assert not WorkingGroupCallPage.objects.exists()


def test_a_call_with_external_mode_needs_its_form_link(staff_client, catalogue):
    data = call_data(registration_mode=RegistrationMode.EXTERNAL, registration_url="")

    response = staff_client.post(add_url(WorkingGroupCallPage, catalogue), {**data, **PUBLISH})

    assert_refused(response, "registration_url", "Indiquez le lien du formulaire externe.")
    assert not WorkingGroupCallPage.objects.exists()
