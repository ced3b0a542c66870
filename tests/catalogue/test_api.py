"""The catalogue API a decoupled front end reads: listing, filters, detail, errors, cost."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from catalogue.models import (
    AttendanceMode,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    RelatedSession,
    SessionFormat,
    SpeakerRole,
)
from tests.catalogue.factories import (
    AudienceFactory,
    CatalogueIndexPageFactory,
    OrganisationFactory,
    PersonFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
    paris,
)

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://visio.example.org/salle-secrete-42"


def listing(client, **params):
    response = client.get("/api/catalogue/", params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(client, **params):
    return [item["id"] for item in listing(client, limit=100, **params)["items"]]


def unpublish(page):
    page.live = False
    page.save(update_fields=["live"])


# --------------------------------------------------------------------------- listing


def test_listing_gives_each_item_its_specific_fields(client):
    theme = ThemeFactory(name="Coopération", slug="cooperation")
    elus = AudienceFactory(name="Élus", slug="elus")
    index = CatalogueIndexPageFactory(slug="catalogue")
    session = SessionPageFactory(
        parent=index,
        slug="strategies-acteurs",
        title="Stratégies d'acteurs",
        occurrences=[
            (paris(2031, 6, 5, 9, 30), paris(2031, 6, 5, 17)),
            (paris(2031, 6, 6, 9), paris(2031, 6, 6, 12)),
        ],
        themes=[theme],
        audiences=[elus],
        capacity=15,
        venue_name="Maison des associations",
        venue_town="Crest",
        fee_note="Repas à la charge des participants",
    )
    call = WorkingGroupCallPageFactory(
        parent=index,
        first_meeting=dt.date(2031, 3, 10),
        registration_deadline=dt.date(2031, 2, 20),
        meeting_place="Valence",
    )
    article = ResourceArticlePageFactory(parent=index, date=dt.date(2025, 4, 1))

    items = {item["id"]: item for item in listing(client)["items"]}

    found = items[session.pk]
    assert found["type"] == "session"
    assert found["url"] == "/catalogue/strategies-acteurs/"
    assert found["kind"] == "exploration"
    assert found["starts_at"] == "2031-06-05T09:30:00+02:00"
    assert found["ends_at"] == "2031-06-06T12:00:00+02:00"
    assert [o["start"] for o in found["occurrences"]] == [
        "2031-06-05T09:30:00+02:00",
        "2031-06-06T09:00:00+02:00",
    ]
    assert found["date"] == "2031-06-05"
    assert found["format"] == "in_person"
    assert found["place"] == "Maison des associations, Crest"
    assert (found["capacity"], found["seats_left"]) == (15, 15)
    assert found["themes"] == [{"slug": "cooperation", "name": "Coopération"}]
    assert found["audiences"] == [{"slug": "elus", "name": "Élus"}]
    assert found["cotisation_required"] is True
    assert found["fee_rule"] == "Participation soumise à la cotisation annuelle"
    # The page shows both; the API must too, or a front end loses the cost of the meal.
    assert found["fee_note"] == "Repas à la charge des participants"
    assert found["kind_label"] == "Session d'exploration"
    assert found["registration_mode"] == "members"
    assert found["registration_state"] == "open"

    found = items[call.pk]
    assert found["type"] == "working_group_call"
    assert found["first_meeting"] == "2031-03-10"
    assert found["registration_deadline"] == "2031-02-20"
    assert found["date"] == "2031-03-10"
    assert found["place"] == "Valence"
    assert found["kind_label"] == "Appel à manifestation d'intérêt"
    assert found["fee_rule"] == found["fee_note"] == "Participation non soumise à cotisation"
    assert found["cotisation_required"] is False
    assert found["registration_state"] == "open"

    found = items[article.pk]
    assert found["type"] == "resource_article"
    assert found["date"] == "2025-04-01"
    assert found["kind_label"] == "Article ou ressource"
    assert found["registration_state"] == "none"


def test_listing_hides_drafts_and_private_items(client):
    shown = SessionPageFactory()
    draft = SessionPageFactory()
    unpublish(draft)
    private = ResourceArticlePageFactory()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert ids(client) == [shown.pk]


def test_filter_by_type(client):
    session = SessionPageFactory()
    call = WorkingGroupCallPageFactory()
    article = ResourceArticlePageFactory()

    assert ids(client, type="session") == [session.pk]
    assert ids(client, type="working_group_call") == [call.pk]
    assert ids(client, type="resource_article") == [article.pk]


def test_filter_by_theme_and_audience(client):
    cooperation = ThemeFactory(slug="cooperation")
    benevolat = ThemeFactory(slug="benevolat")
    elus = AudienceFactory(slug="elus")
    agents = AudienceFactory(slug="agents")
    both = SessionPageFactory(themes=[cooperation, benevolat], audiences=[elus, agents])
    cooperation_only = WorkingGroupCallPageFactory(themes=[cooperation], audiences=[agents])
    ResourceArticlePageFactory(themes=[benevolat])

    assert sorted(ids(client, theme="cooperation")) == sorted([both.pk, cooperation_only.pk])
    assert ids(client, audience="elus") == [both.pk]
    assert ids(client, theme="cooperation", audience="agents", ordering="title") == sorted(
        [both.pk, cooperation_only.pk],
        key=lambda pk: {both.pk: both.title, cooperation_only.pk: cooperation_only.title}[pk],
    )
    # An item in two matching categories is listed once.
    assert listing(client, theme="cooperation")["count"] == 2


def test_filter_by_format(client):
    online = SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK)
    SessionPageFactory(format=SessionFormat.IN_PERSON)
    WorkingGroupCallPageFactory()

    assert ids(client, format="online") == [online.pk]


def test_filter_upcoming_and_past(client):
    upcoming = SessionPageFactory(occurrences=[(in_weeks(2, 10), in_weeks(2, 12))])
    past = SessionPageFactory(occurrences=[(in_weeks(-2, 10), in_weeks(-2, 12))])
    call = WorkingGroupCallPageFactory()
    old_call = WorkingGroupCallPageFactory(
        first_meeting=timezone.localdate() - dt.timedelta(days=30),
        registration_deadline=timezone.localdate() - dt.timedelta(days=40),
    )

    assert sorted(ids(client, when="upcoming")) == sorted([upcoming.pk, call.pk])
    assert sorted(ids(client, when="past")) == sorted([past.pk, old_call.pk])


def test_filter_open_for_registration(client):
    open_session = SessionPageFactory()
    SessionPageFactory(registration_mode=RegistrationMode.NONE)
    closed = SessionPageFactory(registration_deadline=timezone.localdate() - dt.timedelta(days=1))
    SessionPageFactory(occurrences=[(in_weeks(-1, 10), in_weeks(-1, 12))])
    open_call = WorkingGroupCallPageFactory()
    article = ResourceArticlePageFactory()

    assert sorted(ids(client, open="true")) == sorted([open_session.pk, open_call.pk])
    not_open = ids(client, open="false")
    assert closed.pk in not_open and article.pk in not_open
    assert open_session.pk not in not_open and len(not_open) == 4


def test_open_filter_agrees_with_the_page_once_a_session_has_begun(client):
    """Registration stops when a session starts; a pick-one session still takes its later dates."""
    now = timezone.now()
    begun = [
        (now - dt.timedelta(hours=1), now - dt.timedelta(minutes=30)),
        (in_weeks(2, 10), in_weeks(2, 12)),
    ]
    all_dates = SessionPageFactory(occurrences=begun)
    pick_one = SessionPageFactory(attendance_mode=AttendanceMode.ONE_DATE, occurrences=begun)
    assert all_dates.registration_state() == "closed"
    assert pick_one.registration_state() == "open"

    assert ids(client, open="true") == [pick_one.pk]
    assert ids(client, open="false") == [all_dates.pk]


def test_filter_by_cotisation(client):
    members = SessionPageFactory(registration_mode=RegistrationMode.MEMBERS)
    anyone = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT)
    call = WorkingGroupCallPageFactory()

    assert ids(client, cotisation="true") == [members.pk]
    assert sorted(ids(client, cotisation="false")) == sorted([anyone.pk, call.pk])


def test_ordering(client):
    later = SessionPageFactory(title="Bénévolat", occurrences=[(in_weeks(6), in_weeks(6, 12))])
    sooner = SessionPageFactory(title="Accueil", occurrences=[(in_weeks(2), in_weeks(2, 12))])
    article = ResourceArticlePageFactory(
        title="Coopération", date=timezone.localdate() + dt.timedelta(weeks=4)
    )
    for days, page in enumerate([article, later, sooner]):
        page.first_published_at = timezone.now() - dt.timedelta(days=10 - days)
        page.save(update_fields=["first_published_at"])

    assert ids(client, ordering="date") == [sooner.pk, article.pk, later.pk]
    assert ids(client, ordering="-date") == [later.pk, article.pk, sooner.pk]
    assert ids(client, ordering="title") == [sooner.pk, later.pk, article.pk]
    assert ids(client, ordering="-title") == [article.pk, later.pk, sooner.pk]
    assert ids(client, ordering="-published") == [sooner.pk, later.pk, article.pk]


def test_pagination_gives_the_total_and_one_page(client):
    sessions = [
        SessionPageFactory(occurrences=[(in_weeks(week), in_weeks(week, 12))])
        for week in range(1, 8)
    ]

    page = listing(client, ordering="date", limit=3, offset=3)

    assert page["count"] == 7
    assert [item["id"] for item in page["items"]] == [s.pk for s in sessions[3:6]]


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        (
            {"type": "atelier"},
            "type",
            "Valeurs possibles : session, working_group_call, resource_article",
        ),
        ({"format": "visio"}, "format", "Valeurs possibles : in_person, online, hybrid"),
        ({"when": "demain"}, "when", "Valeurs possibles : upcoming, past"),
        ({"open": "peut-être"}, "open", "booléen"),
        ({"cotisation": "oui-non"}, "cotisation", "booléen"),
        ({"ordering": "prix"}, "ordering", "Valeurs possibles"),
        ({"limit": "0"}, "limit", "supérieure ou égale à 1"),
        ({"limit": "500"}, "limit", "inférieure ou égale à 100"),
        ({"offset": "-1"}, "offset", "supérieure ou égale à 0"),
        # Past the databases' integer range: refused, not a server error.
        ({"offset": "9" * 23}, "offset", "inférieure ou égale à"),
        ({"theme": "inexistant"}, "theme", "Thème inconnu : « inexistant »"),
        ({"audience": "inexistant"}, "audience", "Public inconnu : « inexistant »"),
    ],
)
def test_unknown_filter_values_are_refused_in_french(client, params, parameter, words):
    response = client.get("/api/catalogue/", params)

    assert response.status_code == 422
    body = response.json()
    assert f"« {parameter} »" in body["message"]
    assert words in body["message"]
    assert body["detail"][0]["loc"][-1] == parameter


# --------------------------------------------------------------------------- detail


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_detail_of_a_session_expands_everything_a_page_shows(client, media):
    structure = OrganisationFactory(
        name="Cap Rural", description="Centre de ressources.", website="https://caprural.org"
    )
    animatrice = PersonFactory(
        first_name="Anne",
        last_name="Dupont",
        job_title="chargée de mission",
        organisation=structure,
    )
    temoin = PersonFactory(first_name="Paul", last_name="Martin", organisation=None)
    contact = PersonFactory(
        first_name="Lise",
        last_name="Roux",
        email="lise@caprural.org",
        phone="04 75 00 00 01",
        organisation=structure,
    )
    programme_doc = Document.objects.create(
        title="Programme détaillé", file=ContentFile(b"%PDF-1.4", name="programme.pdf")
    )
    index = CatalogueIndexPageFactory(slug="formations")
    linked = ResourceArticlePageFactory(parent=index, slug="fiche")
    session = SessionPageFactory(
        parent=index,
        slug="cooperation",
        contact=contact,
        attendance_mode=AttendanceMode.ONE_DATE,
        format=SessionFormat.HYBRID,
        meeting_url=SECRET_LINK,
        occurrences=[(paris(2031, 1, 15, 9), paris(2031, 1, 15, 12))],
        speakers=[(animatrice, SpeakerRole.ANIMATION), (temoin, SpeakerRole.TESTIMONY)],
        objectives="<ul><li>Comprendre</li></ul>",
        programme=[
            {
                "type": "section",
                "value": {
                    "title": "De quoi parlons-nous ?",
                    "start_time": "09:30:00",
                    "end_time": "10:00:00",
                    "body": f'<p>Voir <a linktype="page" id="{linked.pk}">la fiche</a></p>',
                },
            },
            {
                "type": "day",
                "value": {
                    "title": "Jour 1",
                    "date": "2031-01-15",
                    "half_days": [
                        {
                            "period": "matin",
                            "start_time": "09:00:00",
                            "end_time": "12:00:00",
                            "sections": [
                                {
                                    "title": "Accueil",
                                    "start_time": None,
                                    "end_time": None,
                                    "body": "<ul><li>Café</li></ul>",
                                }
                            ],
                        }
                    ],
                },
            },
        ],
        notices=[
            {"type": "notice", "value": {"level": "warning", "text": "En deux webconférences."}}
        ],
        documents=[{"type": "document", "value": {"document": programme_doc.pk, "title": ""}}],
    )
    session.save()

    response = client.get(f"/api/catalogue/{session.pk}/")

    assert response.status_code == 200
    item = response.json()
    assert item["url"] == "/formations/cooperation/"
    assert item["attendance_mode"] == "one"
    assert item["place"] == "Salle des fêtes, Die et en ligne"
    assert item["objectives"] == "<ul><li>Comprendre</li></ul>"
    assert [(s["order"], s["role"], s["person"]["name"]) for s in item["speakers"]] == [
        (0, "animation", "Anne Dupont"),
        (1, "testimony", "Paul Martin"),
    ]
    assert item["speakers"][0]["person"]["organisation"] == {
        "name": "Cap Rural",
        "description": "Centre de ressources.",
        "website": "https://caprural.org",
    }
    assert item["speakers"][1]["person"]["organisation"] is None
    assert "email" not in item["speakers"][0]["person"]
    assert item["contact"] == {
        "name": "Lise Roux",
        "job_title": "chargée de mission",
        "organisation": item["speakers"][0]["person"]["organisation"],
        "email": "lise@caprural.org",
        "phone": "04 75 00 00 01",
    }
    section, day = item["programme"]
    assert section["type"] == "section"
    assert section["value"]["start_time"] == "09:30:00"
    assert section["value"]["body"] == '<p>Voir <a href="/formations/fiche/">la fiche</a></p>'
    assert day["value"]["half_days"][0]["sections"][0]["body"] == "<ul><li>Café</li></ul>"
    assert day["value"]["date"] == "2031-01-15"
    assert item["notices"] == [{"level": "warning", "text": "En deux webconférences."}]
    assert item["documents"] == [{"title": "Programme détaillé", "url": programme_doc.url}]
    assert SECRET_LINK not in response.content.decode()


def test_detail_of_a_call_gives_its_questions_profiles_and_links(client):
    index = CatalogueIndexPageFactory(slug="groupes")
    other = ResourceArticlePageFactory(parent=index, slug="enquete")
    call = WorkingGroupCallPageFactory(
        parent=index,
        questions=[
            {"label": "Votre structure ?", "kind": "short_text"},
            {
                "label": "Votre rôle ?",
                "kind": "choice",
                "choices": "Élu\nAgent\n",
                "required": False,
            },
        ],
        profiles=[{"type": "profile", "value": "Agents de collectivités"}],
        related_links=[
            {
                "type": "link",
                "value": {
                    "title": "Site du réseau",
                    "url": "https://reseau.example.org",
                    "page": None,
                    "description": "",
                },
            },
            {
                "type": "link",
                "value": {
                    "title": "L'enquête",
                    "url": "",
                    "page": other.pk,
                    "description": "résultats",
                },
            },
        ],
        why_take_part="<p>Pour <b>échanger</b>.</p>",
    )
    call.save()

    item = client.get(f"/api/catalogue/{call.pk}/").json()

    assert [(q["label"], q["kind"], q["choices"], q["required"]) for q in item["questions"]] == [
        ("Votre structure ?", "short_text", [], True),
        ("Votre rôle ?", "choice", ["Élu", "Agent"], False),
    ]
    assert item["profiles"] == ["Agents de collectivités"]
    assert item["related_links"] == [
        {"title": "Site du réseau", "url": "https://reseau.example.org", "description": ""},
        {"title": "L'enquête", "url": "/groupes/enquete/", "description": "résultats"},
    ]
    assert item["why_take_part"] == "<p>Pour <b>échanger</b>.</p>"
    assert item["meetings_per_year_min"] == 3


def test_detail_of_an_article_gives_its_body_author_and_live_related_sessions(client):
    author = PersonFactory(first_name="Jeanne", last_name="Blanc")
    shown = SessionPageFactory(
        title="Session liée", occurrences=[(paris(2031, 2, 3, 14), paris(2031, 2, 3, 17))]
    )
    hidden = SessionPageFactory()
    unpublish(hidden)
    article = ResourceArticlePageFactory(
        author=author,
        body=[
            {"type": "heading", "value": "Résultats"},
            {"type": "paragraph", "value": '<p>Texte <a href="https://example.org">lien</a></p>'},
            {"type": "quote", "value": {"text": "Agir ensemble.", "source": "Un élu"}},
        ],
    )
    RelatedSession.objects.create(article=article, session=shown, sort_order=0)
    RelatedSession.objects.create(article=article, session=hidden, sort_order=1)

    item = client.get(f"/api/catalogue/{article.pk}/").json()

    assert item["author"] == "Jeanne Blanc"
    assert item["author_person"]["name"] == "Jeanne Blanc"
    assert [(b["type"], b["value"]) for b in item["body"]] == [
        ("heading", "Résultats"),
        ("paragraph", '<p>Texte <a href="https://example.org">lien</a></p>'),
        ("quote", {"text": "Agir ensemble.", "source": "Un élu"}),
    ]
    assert [(s["id"], s["title"], s["starts_at"]) for s in item["related_sessions"]] == [
        (shown.pk, "Session liée", "2031-02-03T14:00:00+01:00")
    ]


def test_detail_by_path(client):
    index = CatalogueIndexPageFactory(slug="catalogue")
    session = SessionPageFactory(parent=index, slug="ma-session")

    response = client.get("/api/catalogue/by-path/", {"path": "/catalogue/ma-session/"})
    assert response.status_code == 200
    assert response.json()["id"] == session.pk
    # Without slashes around it, the same page.
    assert (
        client.get("/api/catalogue/by-path/", {"path": "catalogue/ma-session"}).json()["id"]
        == session.pk
    )


def test_unknown_or_unpublished_items_are_not_found_in_french(client):
    draft = SessionPageFactory(slug="brouillon", parent=CatalogueIndexPageFactory(slug="cat"))
    unpublish(draft)
    index_page = draft.get_parent()

    for url in [
        "/api/catalogue/999999/",
        f"/api/catalogue/{draft.pk}/",
        f"/api/catalogue/{index_page.pk}/",
        "/api/catalogue/by-path/?path=/cat/brouillon/",
        "/api/catalogue/by-path/?path=/nulle-part/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"] == (
            "Aucun élément publié du catalogue ne correspond à cette adresse."
        )


def test_by_path_needs_a_path(client):
    response = client.get("/api/catalogue/by-path/")

    assert response.status_code == 422
    assert response.json()["message"] == "« path » : Ce paramètre est obligatoire."


def test_meeting_link_is_never_in_listing_or_detail(client):
    session = SessionPageFactory(format=SessionFormat.ONLINE, meeting_url=SECRET_LINK)

    assert "salle-secrete" not in client.get("/api/catalogue/").content.decode()
    detail = client.get(f"/api/catalogue/{session.pk}/")
    assert detail.json()["place"] == "En ligne"
    assert "salle-secrete" not in detail.content.decode()


# --------------------------------------------------------------------------- documentation


def test_openapi_document_is_valid_and_documents_the_catalogue(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert {
        "/api/catalogue/",
        "/api/catalogue/{item_id}/",
        "/api/catalogue/by-path/",
        "/api/calendar.ics",
    } <= set(schema["paths"])
    assert (
        "by-path/?path=/catalogue/ma-session/"
        in schema["paths"]["/api/catalogue/by-path/"]["get"]["description"]
    )
    assert client.get("/api/docs").status_code == 200


# --------------------------------------------------------------------------- cost


def make_items(count, themes, audiences, people):
    """Items of every type, each with themes, audiences, dates and speakers."""
    index = CatalogueIndexPageFactory()
    for n in range(count):
        kind = n % 3
        common = {"parent": index, "themes": themes, "audiences": audiences, "contact": people[0]}
        if kind == 0:
            SessionPageFactory(
                occurrences=[
                    (in_weeks(n + 1), in_weeks(n + 1, 12)),
                    (in_weeks(n + 2), in_weeks(n + 2, 12)),
                ],
                speakers=people,
                **common,
            )
        elif kind == 1:
            WorkingGroupCallPageFactory(**common)
        else:
            ResourceArticlePageFactory(author=people[1], **common)


def queries_for(client, url):
    client.get(url)  # caches (site root paths, content types) warm, as in production
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_listing_costs_the_same_number_of_queries_for_5_and_50_items(client):
    themes = [ThemeFactory(), ThemeFactory()]
    audiences = [AudienceFactory(), AudienceFactory()]
    people = [PersonFactory(), PersonFactory(), PersonFactory()]

    filtered = f"/api/catalogue/?limit=100&theme={themes[0].slug}&open=true&ordering=title"

    make_items(5, themes, audiences, people)
    response, few = queries_for(client, "/api/catalogue/?limit=100")
    assert response.json()["count"] == 5
    _, filtered_few = queries_for(client, filtered)

    make_items(45, themes, audiences, people)
    response, many = queries_for(client, "/api/catalogue/?limit=100")
    assert len(response.json()["items"]) == 50
    _, filtered_many = queries_for(client, filtered)

    assert many == few
    assert filtered_many == filtered_few


def test_detail_costs_the_same_number_of_queries_whatever_its_size(client, settings):
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0  # the cost of building the detail, not of the cache
    themes = [ThemeFactory() for _ in range(6)]
    people = [PersonFactory() for _ in range(8)]
    small = SessionPageFactory(themes=themes[:1], speakers=people[:1], contact=people[0])
    large = SessionPageFactory(
        themes=themes,
        speakers=people,
        contact=people[1],
        occurrences=[(in_weeks(w), in_weeks(w, 12)) for w in range(1, 6)],
    )

    client.get(f"/api/catalogue/{small.pk}/")  # the settings rows written on their first read
    _, small_cost = queries_for(client, f"/api/catalogue/{small.pk}/")
    _, large_cost = queries_for(client, f"/api/catalogue/{large.pk}/")

    assert large_cost == small_cost
    assert small_cost <= 12


def test_empty_filters_from_an_html_form_mean_no_filter(client):
    session = SessionPageFactory()
    article = ResourceArticlePageFactory()

    found = ids(client, type="", theme="", audience="", format="", when="", open="", ordering="")

    assert sorted(found) == sorted([session.pk, article.pk])


def test_seats_left_and_full_state_count_confirmed_registrations_only(client, django_user_model):
    session = SessionPageFactory(capacity=2)
    statuses = [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.CANCELLED,
    ]
    for position, status in enumerate(statuses, start=1):
        user = django_user_model.objects.create_user(
            username=f"membre{position}", email=f"membre{position}@example.org"
        )
        Registration.objects.create(session=session, user=user, status=status, position=position)
    other = SessionPageFactory(capacity=2)

    items = {item["id"]: item for item in listing(client)["items"]}
    detail = client.get(f"/api/catalogue/{session.pk}/").json()

    assert (items[session.pk]["seats_left"], items[session.pk]["registration_state"]) == (0, "full")
    assert (detail["seats_left"], detail["registration_state"]) == (0, "full")
    assert (items[other.pk]["seats_left"], items[other.pk]["registration_state"]) == (2, "open")
