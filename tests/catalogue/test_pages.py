"""The built-in public pages show every fact of a catalogue item, in French, and never the meeting link."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document

from catalogue.models import (
    AttendanceMode,
    CatalogueIndexPage,
    Registration,
    RegistrationMode,
    RelatedSession,
    SessionFormat,
    SpeakerRole,
)
from catalogue.templatetags.catalogue_tags import (
    fr_date,
    fr_datetime_range,
    fr_time,
    meetings_per_year,
)
from catalogue.templatetags.portal_tags import url_or_none
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

SECRET_LINK = "https://visio.example.org/salle-secrete-4821"
NBSP = "\u00a0"


def h(text):
    """The French hours as rendered: « 14 h – 16 h » with no-break spaces inside and before the dash."""
    text = text.replace(" –", f"{NBSP}–")
    return re.sub(r"(?<=\d) h( (?=\d\d))?", lambda match: match[0].replace(" ", NBSP), text)


def html(client, page, query=""):
    response = client.get(page.url + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def catalogue():
    return CatalogueIndexPageFactory(title="Catalogue", slug="catalogue")


@pytest.fixture
def full_session(catalogue):
    organisation = OrganisationFactory(
        name="Compétence Bénévolat", description="structure qui appuie les associations"
    )
    speaker = PersonFactory(
        first_name="Pascal", last_name="Loviconi", job_title="formateur", organisation=organisation
    )
    second = PersonFactory(first_name="Anne", last_name="Durand", organisation=None)
    contact = PersonFactory(
        first_name="Geneviève",
        last_name="Ganivet",
        job_title="chargée d'ingénierie de formation",
        email="formation@caprural.example",
        phone="04 75 22 14 89",
    )
    return SessionPageFactory(
        parent=catalogue,
        title="Travailler avec de nouveaux collectifs",
        lead="Décrypter les obstacles à la coopération.",
        rationale="<p>De nombreux collectifs portent des projets non entrepreneuriaux.</p>",
        objectives="<ul><li>Identifier les collectifs du territoire</li></ul>",
        audience_text="<p>Les agents de développement rural et les élus.</p>",
        teaching_method="<p>Apports et échanges entre pairs.</p>",
        case_study="<p>Le cas d'un atelier vélo.</p>",
        notices=[
            {
                "type": "notice",
                "value": {
                    "level": "warning",
                    "text": "Suite aux contraintes sanitaires, deux webconférences.",
                },
            }
        ],
        programme=[
            {
                "type": "section",
                "value": {
                    "title": "De quoi parlons-nous ?",
                    "start_time": "10:00",
                    "end_time": "11:30",
                    "body": "<ul><li>Témoignage d'un collectif<ul><li>Les motivations</li>"
                    "<li>L'intérêt général</li></ul></li></ul>",
                },
            },
            {
                "type": "day",
                "value": {
                    "title": "Jour 1",
                    "date": "2030-10-01",
                    "half_days": [
                        {
                            "period": "apres-midi",
                            "start_time": "14:00",
                            "end_time": "17:00",
                            "sections": [
                                {
                                    "title": "Quand créer la relation ?",
                                    "start_time": None,
                                    "end_time": None,
                                    "body": "<p>Les phases du projet.</p>",
                                }
                            ],
                        }
                    ],
                },
            },
        ],
        # Stored in UTC: the page must show Paris time (UTC+2 in October, UTC+1 in December).
        occurrences=[
            (
                dt.datetime(2030, 10, 1, 12, tzinfo=dt.UTC),
                dt.datetime(2030, 10, 1, 14, tzinfo=dt.UTC),
            ),
            (paris(2030, 12, 3, 9, 30), paris(2030, 12, 3, 12)),
        ],
        attendance_mode=AttendanceMode.ALL_DATES,
        format=SessionFormat.IN_PERSON,
        venue_name="Salle des fêtes",
        venue_address="2 place de la Mairie",
        venue_town="Die",
        capacity=12,
        registration_mode=RegistrationMode.MEMBERS,
        registration_deadline=dt.date(2030, 9, 7),
        fee_note="Repas à la charge des participants",
        contact=contact,
        speakers=[(speaker, SpeakerRole.TESTIMONY), (second, SpeakerRole.ANIMATION)],
        themes=[ThemeFactory(name="Coopération", slug="cooperation")],
        audiences=[AudienceFactory(name="Élus", slug="elus")],
    )


def test_session_page_shows_every_fact(client, full_session):
    content = html(client, full_session)

    for fact in [
        "Session d&#x27;exploration",
        "Travailler avec de nouveaux collectifs",
        "Décrypter les obstacles à la coopération.",
        "Suite aux contraintes sanitaires, deux webconférences.",
        "Pourquoi cette session ?",
        "De nombreux collectifs portent des projets non entrepreneuriaux.",
        "Identifier les collectifs du territoire",
        "Les agents de développement rural et les élus.",
        "Élus",
        "Apports et échanges entre pairs.",
        "Le cas d'un atelier vélo.",
        "Coopération",
        "Salle des fêtes",
        "2 place de la Mairie",
        "Die",
        "12 participants maximum",
        "12 places restantes",
        "La participation à toutes les dates est attendue.",
        "Inscription avant le 7 septembre 2030",
        "Participation soumise à la cotisation annuelle",
        "Repas à la charge des participants",
        "Réservé aux adhérents",
        "Inscriptions ouvertes",
    ]:
        assert fact in content, fact


def test_session_page_lists_dates_in_french_paris_time(client, full_session):
    content = html(client, full_session)
    assert h("mardi 1er octobre 2030, 14 h – 16 h") in content
    assert h("mardi 3 décembre 2030, 9 h 30 – 12 h") in content


def test_session_page_shows_programme_with_hours_and_nested_lists(client, full_session):
    content = html(client, full_session)
    assert "De quoi parlons-nous ?" in content
    assert h("10 h – 11 h 30") in content
    assert "<li>Les motivations</li>" in content
    assert "Jour 1" in content
    assert "Après-midi" in content
    assert h("14 h – 17 h") in content
    assert "Quand créer la relation ?" in content


def test_session_page_lists_speakers_in_order_with_role_and_organisation(client, full_session):
    content = html(client, full_session)
    pascal = content.index("Pascal Loviconi")
    anne = content.index("Anne Durand")
    assert pascal < anne
    assert "Témoignage" in content[:pascal]
    assert "Animation" in content[pascal:anne]
    after_pascal = content[pascal:anne]
    assert "formateur" in after_pascal
    assert "Compétence Bénévolat" in after_pascal
    assert "structure qui appuie les associations" in after_pascal


def test_session_page_shows_contact_with_mail_and_phone_links(client, full_session):
    content = html(client, full_session)
    assert "Geneviève Ganivet" in content
    assert "chargée d&#x27;ingénierie de formation" in content
    assert 'href="mailto:formation@caprural.example"' in content
    assert 'href="tel:0475221489"' in content


def test_meeting_link_never_appears_in_public_pages(client, catalogue, home_page):
    session = SessionPageFactory(
        parent=catalogue,
        format=SessionFormat.ONLINE,
        venue_name="",
        venue_town="",
        meeting_url=SECRET_LINK,
    )
    pages = [session, catalogue, home_page]
    for page in pages:
        assert SECRET_LINK not in html(client, page), page
        assert "salle-secrete" not in html(client, page), page
    assert "Le lien de connexion est communiqué aux participants inscrits." in html(client, session)
    assert "Le lien de connexion" not in html(client, catalogue)


def test_session_page_says_seats_left_once_next_to_the_registration(client, full_session):
    content = html(client, full_session)
    assert content.count("places restantes") == 1
    box = content[content.index('id="inscription"') :]
    assert "12 places restantes" in box
    facts = content[content.index('id="en-pratique"') : content.index('id="inscription"')]
    assert "12 participants maximum" in facts


def test_pick_one_session_counts_seats_date_by_date(client, catalogue):
    session = SessionPageFactory(
        parent=catalogue,
        attendance_mode=AttendanceMode.ONE_DATE,
        capacity=10,
        occurrences=[(in_weeks(3, 10), in_weeks(3, 12)), (in_weeks(5, 10), in_weeks(5, 12))],
    )
    user = get_user_model().objects.create_user("a@example.org", "a@example.org", "x")
    first = session.sorted_occurrences[0]
    Registration.objects.create(session=session, user=user, occurrence=first, position=1)

    content = html(client, session)
    assert "10 participants maximum par date" in content
    assert "9 places restantes" in content and "10 places restantes" in content
    assert "19 places restantes" not in content
    card = html(client, catalogue)
    assert "10 par date" in card
    assert "restantes" not in card


def test_cards_count_seats_left_only_where_people_register_here(client, catalogue):
    SessionPageFactory(parent=catalogue, title="Sur le site", capacity=15)
    SessionPageFactory(
        parent=catalogue,
        title="Chez le partenaire",
        capacity=20,
        registration_mode=RegistrationMode.EXTERNAL,
        registration_url="https://partenaire.example/inscription",
    )
    SessionPageFactory(
        parent=catalogue,
        title="Close",
        capacity=25,
        registration_deadline=dt.date.today() - dt.timedelta(days=1),
    )
    content = html(client, catalogue)
    assert "15 (15 places restantes)" in content
    assert "20 places restantes" not in content
    assert "25 places restantes" not in content


def test_external_registration_link_and_pick_one_date(client, catalogue):
    session = SessionPageFactory(
        parent=catalogue,
        registration_mode=RegistrationMode.EXTERNAL,
        registration_url="https://partenaire.example/inscription",
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[(in_weeks(3, 10), in_weeks(3, 12)), (in_weeks(5, 10), in_weeks(5, 12))],
    )
    content = html(client, session)
    assert 'href="https://partenaire.example/inscription"' in content
    assert "Inscription externe" in content
    assert "Choisissez une des dates." in content
    assert "12 participants maximum par date" in content
    assert "Réservé aux adhérents" not in content


def test_full_session_says_waiting_list(client, catalogue):
    session = SessionPageFactory(parent=catalogue, capacity=1)
    user = get_user_model().objects.create_user("a@example.org", "a@example.org", "x")
    Registration.objects.create(session=session, user=user, position=1)
    assert "Complet — liste d’attente" in html(client, session)
    catalogue_html = html(client, catalogue)
    assert "Complet — liste d’attente" in catalogue_html
    assert "aucune place restante" in catalogue_html


def test_past_session_shows_as_past(client, catalogue):
    past = SessionPageFactory(
        parent=catalogue,
        title="Élus et techniciens",
        occurrences=[(paris(2020, 10, 1, 14), paris(2020, 10, 1, 16))],
    )
    upcoming = SessionPageFactory(parent=catalogue, title="Animer une réunion")

    page_html = html(client, past)
    assert "Cette session est passée" in page_html
    assert "Inscriptions ouvertes" not in page_html
    # No « S'inscrire » box for a session that is over.
    assert 'id="inscription"' not in page_html
    assert 'id="inscription"' in html(client, upcoming)

    listing = html(client, catalogue)
    past_section = listing[listing.index('id="passes"') :]
    assert "Élus et techniciens" in past_section
    assert "card--past" in past_section
    assert "Passé" in past_section
    assert upcoming.title not in past_section
    assert h("jeudi 1er octobre 2020, 14 h – 16 h") in past_section


def test_catalogue_lists_items_as_cards_with_their_facts(client, catalogue):
    SessionPageFactory(
        parent=catalogue,
        title="Session en ligne",
        format=SessionFormat.ONLINE,
        venue_name="",
        venue_town="",
        occurrences=[(paris(2030, 10, 3, 14), paris(2030, 10, 3, 16))],
        capacity=15,
    )
    WorkingGroupCallPageFactory(parent=catalogue, title="Groupe action sociale")
    ResourceArticlePageFactory(parent=catalogue, title="Résultats de l'enquête")

    content = html(client, catalogue)
    assert "3 résultats" in content
    assert h("jeudi 3 octobre 2030, 14 h – 16 h") in content
    assert "En ligne" in content
    assert "15 places restantes" in content
    assert "Réservé aux adhérents" in content
    assert "Sur candidature" in content
    assert "Groupe action sociale" in content
    assert "Articles et ressources" in content


def section_titles(content, heading_id):
    """Card titles of the catalogue section headed by ``heading_id``, in order."""
    start = content.index(f'id="{heading_id}"')
    end = content.find("</section>", start)
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', content[start:end])


def test_catalogue_groups_events_ahead_resources_and_events_behind(client, catalogue):
    SessionPageFactory(
        parent=catalogue,
        title="Session dans un mois",
        occurrences=[(in_weeks(4, 10), in_weeks(4, 12))],
    )
    SessionPageFactory(
        parent=catalogue,
        title="Session la semaine prochaine",
        occurrences=[(in_weeks(1, 10), in_weeks(1, 12))],
    )
    WorkingGroupCallPageFactory(parent=catalogue, title="Appel ouvert")
    ResourceArticlePageFactory(parent=catalogue, title="Fiche de 2016", date=dt.date(2016, 9, 14))
    ResourceArticlePageFactory(parent=catalogue, title="Enquête de 2020", date=dt.date(2020, 10, 1))
    SessionPageFactory(
        parent=catalogue,
        title="Session de 2016",
        occurrences=[(paris(2016, 9, 14, 10), paris(2016, 9, 14, 12))],
    )
    SessionPageFactory(
        parent=catalogue,
        title="Session de 2020",
        occurrences=[(paris(2020, 10, 1, 14), paris(2020, 10, 1, 16))],
    )
    WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel de 2022",
        registration_deadline=None,
        first_meeting=dt.date(2022, 4, 7),
    )

    content = html(client, catalogue)
    assert "Sessions et appels à venir</h2>" in content
    # Articles are neither ahead nor behind: they have their own section, newest first.
    assert section_titles(content, "a-venir") == [
        "Session la semaine prochaine",
        "Session dans un mois",
        "Appel ouvert",
    ]
    assert section_titles(content, "ressources") == ["Enquête de 2020", "Fiche de 2016"]
    assert section_titles(content, "passes") == [
        "Appel de 2022",
        "Session de 2020",
        "Session de 2016",
    ]


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?when=past", ["Session passée"], ["Session en salle", "Session en ligne", "Groupe"]),
        ("?type=session", ["Session en salle", "Session en ligne"], ["Groupe"]),
        ("?format=online", ["Session en ligne"], ["Session en salle", "Groupe"]),
        ("?type=working_group_call", ["Groupe"], ["Session en salle", "Session en ligne"]),
    ],
)
def test_catalogue_filters_narrow_the_list(client, catalogue, query, shown, hidden):
    SessionPageFactory(parent=catalogue, title="Session en salle")
    SessionPageFactory(
        parent=catalogue,
        title="Session en ligne",
        format=SessionFormat.ONLINE,
        venue_name="",
        venue_town="",
    )
    SessionPageFactory(
        parent=catalogue,
        title="Session passée",
        occurrences=[(paris(2020, 1, 9, 10), paris(2020, 1, 9, 12))],
    )
    WorkingGroupCallPageFactory(parent=catalogue, title="Groupe de travail social")

    content = html(client, catalogue, query)
    cards = content[content.index("result-count") :]
    for title in shown:
        assert title in cards, title
    for title in hidden:
        assert title not in cards, title


def test_a_call_with_no_date_is_ahead_not_past(client, catalogue):
    WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel sans date",
        registration_deadline=None,
        first_meeting=None,
    )

    assert section_titles(html(client, catalogue), "a-venir") == ["Appel sans date"]
    assert section_titles(html(client, catalogue, "?when=upcoming"), "a-venir") == [
        "Appel sans date"
    ]
    assert "Appel sans date" not in html(client, catalogue, "?when=past")


def test_catalogue_and_home_list_no_login_only_item(client, catalogue, home_page):
    from wagtail.models import PageViewRestriction

    SessionPageFactory(parent=catalogue, title="Session ouverte")
    private = SessionPageFactory(parent=catalogue, title="Session réservée")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert section_titles(html(client, catalogue), "a-venir") == ["Session ouverte"]
    home = client.get(home_page.url).content.decode()
    assert "Session ouverte" in home and "Session réservée" not in home


def test_catalogue_filter_form_is_labelled_and_resettable(client, catalogue):
    content = html(client, catalogue)
    for name in ["type", "theme", "audience", "format", "when", "open", "cotisation"]:
        assert f'<label for="id_{name}">' in content, name
        assert f'name="{name}"' in content
    assert f'href="{catalogue.url}">Réinitialiser</a>' in content
    assert '<button type="submit">Filtrer</button>' in content


def test_invalid_filter_value_shows_the_form_error(client, catalogue):
    SessionPageFactory(parent=catalogue, title="Session en salle")
    response = client.get(catalogue.url + "?type=nimporte&format=teleportation")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="errorlist' in content
    assert "Sélectionnez un choix valide" in content
    assert "Session en salle" in content


def test_working_group_call_page_shows_every_fact(client, catalogue):
    contact = PersonFactory(
        first_name="Marie", last_name="Roux", email="marie@caprural.example", phone="0475000000"
    )
    call = WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Action sociale et développement local",
        kicker="Appel à manifestation d'intérêt pour participer au groupe de travail régional",
        call_date=dt.date(2022, 1, 10),
        rationale="<p>Un manque de relations entre action sociale et développement.</p>",
        objectives="<p>Produire une méthode partagée.</p>",
        why_take_part="<p>Pour croiser les regards.</p>",
        scope="<p>En lien avec les travaux régionaux.</p>",
        coordination="Cap Rural",
        meetings_per_year_min=3,
        meetings_per_year_max=4,
        how_it_works="<p>Des réunions d'une journée.</p>",
        meeting_place="Valence",
        first_meeting=dt.date(2030, 3, 7),
        first_meeting_note="en présentiel ou distanciel selon les conditions sanitaires",
        registration_deadline=dt.date(2030, 2, 14),
        profiles=[
            {"type": "profile", "value": "Agents de CCAS"},
            {"type": "profile", "value": "Élus en charge de l'action sociale"},
        ],
        questions=[
            {"label": "Quelles sont vos attentes ?"},
            {"label": "Votre structure", "help_text": "Nom et commune", "required": False},
        ],
        selection_note="Les participants seront sélectionnés sur la base de leur réponse.",
        fee_note="Participation gratuite",
        contact=contact,
        related_links=[
            {
                "type": "link",
                "value": {
                    "title": "Le rapport régional",
                    "url": "https://example.org/rapport",
                    "page": None,
                    "description": "PDF",
                },
            }
        ],
        audiences=[AudienceFactory(name="Techniciens", slug="techniciens")],
    )
    content = html(client, call)
    for fact in [
        "Appel à manifestation d&#x27;intérêt pour participer au groupe de travail régional",
        "janvier 2022",
        "Un manque de relations entre action sociale et développement.",
        "Produire une méthode partagée.",
        "Pour croiser les regards.",
        "En lien avec les travaux régionaux.",
        "Cap Rural",
        "3 à 4 réunions par an",
        "Des réunions d'une journée.",
        "Valence",
        "jeudi 7 mars 2030",
        "en présentiel ou distanciel selon les conditions sanitaires",
        "Candidater avant le 14 février 2030",
        "Agents de CCAS",
        "Élus en charge de l&#x27;action sociale",
        "Techniciens",
        "Quelles sont vos attentes ?",
        "Nom et commune",
        "(facultatif)",
        "Les participants seront sélectionnés sur la base de leur réponse.",
        "Participation gratuite",
        "Sur candidature",
        'href="mailto:marie@caprural.example"',
        'href="https://example.org/rapport"',
        "Le rapport régional",
    ]:
        assert fact in content, fact
    facts = content[content.index('id="en-pratique"') :]
    # One fact per line of the summary, not « 3 à 4 réunions par an, Valence ».
    assert re.search(r"<dt>Rythme</dt>\s*<dd>3 à 4 réunions par an</dd>", facts)
    assert re.search(r"<dt>Lieu des réunions</dt>\s*<dd>Valence</dd>", facts)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_article_page_shows_date_author_body_documents_and_related_sessions(
    client, catalogue, media_root
):
    document = Document.objects.create(
        title="Synthèse de l'enquête", file=ContentFile(b"%PDF-1.4", name="synthese.pdf")
    )
    session = SessionPageFactory(parent=catalogue, title="Session liée à l'enquête")
    author = PersonFactory(first_name="Lucie", last_name="Bernard")
    article = ResourceArticlePageFactory(
        parent=catalogue,
        title="Résultats de l'enquête 2021",
        date=dt.date(2021, 6, 1),
        author=author,
        lead="Ce que disent les agents.",
        body=[
            {"type": "heading", "value": "Les chiffres"},
            {"type": "paragraph", "value": "<p>Deux tiers des répondants.</p>"},
            {"type": "quote", "value": {"text": "Un métier qui change.", "source": "Un agent"}},
        ],
        documents=[{"type": "document", "value": {"document": document.pk, "title": ""}}],
        themes=[ThemeFactory(name="Métiers", slug="metiers")],
    )
    RelatedSession.objects.create(article=article, session=session)

    content = html(client, article)
    for fact in [
        "1er juin 2021",
        "Lucie Bernard",
        "Ce que disent les agents.",
        "<h2>Les chiffres</h2>",
        "Deux tiers des répondants.",
        "Un métier qui change.",
        "Synthèse de l&#x27;enquête",
        f'href="{document.url}"',
        "Métiers",
        "Session liée à l&#x27;enquête",
        f'href="{session.url}"',
    ]:
        assert fact in content, fact


def test_french_date_formatting():
    assert fr_date(dt.date(2020, 10, 1)) == "jeudi 1er octobre 2020"
    assert fr_date(dt.date(2016, 9, 7), False) == "7 septembre 2016"
    assert fr_time(dt.time(9, 30)) == f"9{NBSP}h{NBSP}30"
    # 23:30 UTC on 31 December is already 1 January in Paris.
    start = dt.datetime(2030, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert fr_date(start) == "mercredi 1er janvier 2031"
    across = fr_datetime_range(paris(2030, 3, 5, 9), paris(2030, 3, 6, 17))
    assert across == h("du mardi 5 mars 2030, 9 h, au mercredi 6 mars 2030, 17 h")
    assert meetings_per_year(3, 4) == "3 à 4 réunions par an"
    assert meetings_per_year(4, 4) == "4 réunions par an"


def test_optional_urls_resolve_or_give_none():
    assert url_or_none("search:search") == "/recherche/"
    assert url_or_none("no_such_app:no_such_view") is None


# --------------------------------------------------------------------------- pagination


def link_query(content, text):
    """The query of the link whose visible text is ``text``, as a dict (None if no such link)."""
    match = re.search(rf'<a[^>]*href="([^"]*)"[^>]*>{re.escape(text)}</a>', content)
    if match is None:
        return None
    query = urlsplit(match[1].replace("&amp;", "&")).query
    return {key: values[-1] for key, values in parse_qs(query).items()}


def pagination(content):
    """The pagination landmark: its page numbers, the current one, its previous and next links."""
    start = content.find('<nav class="pagination" aria-label="Pagination">')
    if start == -1:
        return None
    nav = content[start : content.index("</nav>", start)]
    numbers = re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>', nav)
    current = re.findall(
        r'aria-current="page"><span class="visually-hidden">Page </span>(\d+)', nav
    )
    return {
        "numbers": [int(n) for n in numbers],
        "current": [int(n) for n in current],
        "previous": link_query(nav, "Page précédente"),
        "next": link_query(nav, "Page suivante"),
        "page_2": link_query(nav, '<span class="visually-hidden">Page </span>2'),
    }


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(CatalogueIndexPage, "per_page", 2)


def test_catalogue_pages_keep_the_filters(client, catalogue, pages_of_two):
    for week in (5, 1, 3, 2, 4):
        SessionPageFactory(
            parent=catalogue,
            title=f"Session en salle S{week}",
            occurrences=[(in_weeks(week, 10), in_weeks(week, 12))],
        )
    SessionPageFactory(
        parent=catalogue,
        title="Session en ligne",
        format=SessionFormat.ONLINE,
        venue_name="",
        venue_town="",
        occurrences=[(in_weeks(1, 9), in_weeks(1, 10))],
    )
    WorkingGroupCallPageFactory(parent=catalogue, title="Groupe de travail")
    filters = {"type": "session", "format": "in_person"}

    first = html(client, catalogue, "?type=session&format=in_person")
    assert "5 résultats" in first
    assert section_titles(first, "a-venir") == ["Session en salle S1", "Session en salle S2"]
    nav = pagination(first)
    assert nav["numbers"] == [1, 2, 3]
    assert nav["current"] == [1]
    assert nav["previous"] is None
    assert nav["next"] == {**filters, "page": "2"}
    assert nav["page_2"] == {**filters, "page": "2"}
    assert "<title>Catalogue ·" in first

    second = html(client, catalogue, "?type=session&format=in_person&page=2")
    assert "5 résultats" in second
    assert section_titles(second, "a-venir") == ["Session en salle S3", "Session en salle S4"]
    nav = pagination(second)
    assert nav["current"] == [2]
    assert nav["previous"] == {**filters, "page": "1"}
    assert nav["next"] == {**filters, "page": "3"}
    assert "<title>Catalogue, page 2 ·" in second

    last = html(client, catalogue, "?type=session&format=in_person&page=3")
    assert section_titles(last, "a-venir") == ["Session en salle S5"]
    assert pagination(last)["next"] is None
    # The filter form still shows what the visitor chose.
    assert '<option value="in_person" selected>' in last


def test_one_page_needs_no_pagination(client, catalogue):
    SessionPageFactory(parent=catalogue)

    assert pagination(html(client, catalogue)) is None


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("2", ["S3", "S4"]),
        ("3", ["S5"]),
        ("99", ["S5"]),
        ("99999999999999999999999", ["S5"]),
        ("0", ["S5"]),
        ("-1", ["S5"]),
        ("deux", ["S1", "S2"]),
        ("1.5", ["S1", "S2"]),
        ("", ["S1", "S2"]),
    ],
)
def test_a_page_number_out_of_range_or_not_a_number_gives_the_last_or_first_page(
    client, catalogue, pages_of_two, number, shown
):
    for week in range(1, 6):
        SessionPageFactory(
            parent=catalogue,
            title=f"S{week}",
            occurrences=[(in_weeks(week, 10), in_weeks(week, 12))],
        )

    content = html(client, catalogue, f"?page={number}")

    assert section_titles(content, "a-venir") == shown
    assert "5 résultats" in content


def test_past_items_wait_behind_a_link_that_keeps_the_filters(client, catalogue, pages_of_two):
    SessionPageFactory(parent=catalogue, title="Session à venir")
    for year in (2019, 2023, 2021, 2020, 2022):
        SessionPageFactory(
            parent=catalogue,
            title=f"Session de {year}",
            occurrences=[(paris(year, 3, 5, 10), paris(year, 3, 5, 12))],
        )
    WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel de 2018",
        registration_deadline=None,
        first_meeting=dt.date(2018, 4, 7),
    )

    content = html(client, catalogue, "?type=session")
    assert "6 résultats" in content
    assert section_titles(content, "a-venir") == ["Session à venir"]
    # The latest three only, then the way to the others.
    assert section_titles(content, "passes") == [
        "Session de 2023",
        "Session de 2022",
        "Session de 2021",
    ]
    link = link_query(content, "Voir les sessions passées (5)")
    assert link == {"type": "session", "when": "past"}

    past = html(client, catalogue, "?type=session&when=past")
    assert "5 résultats" in past
    assert "a-venir" not in past
    assert section_titles(past, "passes") == ["Session de 2023", "Session de 2022"]
    assert pagination(past)["next"] == {"type": "session", "when": "past", "page": "2"}
    assert section_titles(html(client, catalogue, "?type=session&when=past&page=3"), "passes") == [
        "Session de 2019"
    ]

    # Without a type, the call counts among the past items too.
    assert "Voir les sessions passées (6)" in html(client, catalogue)


def test_past_items_all_shown_need_no_link(client, catalogue):
    SessionPageFactory(parent=catalogue, title="Session à venir")
    SessionPageFactory(
        parent=catalogue,
        title="Session de 2020",
        occurrences=[(paris(2020, 3, 5, 10), paris(2020, 3, 5, 12))],
    )

    content = html(client, catalogue)

    assert section_titles(content, "passes") == ["Session de 2020"]
    assert "Voir les sessions passées" not in content


def test_a_catalogue_with_nothing_ahead_says_so_above_its_past(client, catalogue):
    SessionPageFactory(
        parent=catalogue,
        title="Session de 2020",
        occurrences=[(paris(2020, 3, 5, 10), paris(2020, 3, 5, 12))],
    )

    content = html(client, catalogue)

    assert "1 résultat" in content
    assert "Pas de session ni d’appel à venir pour l’instant." in content
    assert section_titles(content, "passes") == ["Session de 2020"]


def test_articles_show_the_newest_and_lead_to_their_own_pages(client, catalogue, pages_of_two):
    SessionPageFactory(parent=catalogue, title="Session à venir")
    for year in (2016, 2020, 2018, 2017):
        ResourceArticlePageFactory(
            parent=catalogue, title=f"Article de {year}", date=dt.date(year, 9, 14)
        )

    content = html(client, catalogue)
    assert "5 résultats" in content
    assert section_titles(content, "ressources") == [
        "Article de 2020",
        "Article de 2018",
        "Article de 2017",
    ]
    assert link_query(content, "Voir tous les articles et ressources (4)") == {
        "type": "resource_article"
    }

    articles = html(client, catalogue, "?type=resource_article")
    assert "4 résultats" in articles
    assert "a-venir" not in articles
    assert section_titles(articles, "ressources") == ["Article de 2020", "Article de 2018"]
    assert pagination(articles)["next"] == {"type": "resource_article", "page": "2"}


def test_previews_show_on_the_first_page_only(client, catalogue, pages_of_two):
    for week in range(1, 4):
        SessionPageFactory(parent=catalogue, occurrences=[(in_weeks(week), in_weeks(week, 12))])
    ResourceArticlePageFactory(parent=catalogue, title="Un article")
    SessionPageFactory(
        parent=catalogue,
        title="Session de 2020",
        occurrences=[(paris(2020, 3, 5, 10), paris(2020, 3, 5, 12))],
    )

    second = html(client, catalogue, "?page=2")

    assert "5 résultats" in second
    assert len(section_titles(second, "a-venir")) == 1
    assert "Un article" not in second
    assert "Session de 2020" not in second


def test_same_day_items_keep_one_order_on_every_database(client, catalogue):
    # Same day, same hour: the order falls back on creation, not on titles, whose accents and
    # capitals SQLite and PostgreSQL sort differently.
    day = (in_weeks(3, 10), in_weeks(3, 12))
    for title in ("zèbre", "Élus", "Animer", "élevage"):
        SessionPageFactory(parent=catalogue, title=title, occurrences=[day])
    SessionPageFactory(parent=catalogue, title="Plus tôt", occurrences=[(in_weeks(3, 9), day[1])])
    WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel du même jour",
        registration_deadline=day[0].date(),
        first_meeting=day[0].date() + dt.timedelta(weeks=2),
    )

    assert section_titles(html(client, catalogue), "a-venir") == [
        "Plus tôt",
        "zèbre",
        "Élus",
        "Animer",
        "élevage",
        "Appel du même jour",
    ]


def add_mixed_items(catalogue, count):
    """``count`` items of every kind: sessions and calls ahead, sessions behind, articles."""
    for number in range(count):
        kind = number % 4
        if kind == 0:
            SessionPageFactory(parent=catalogue)
        elif kind == 1:
            WorkingGroupCallPageFactory(parent=catalogue)
        elif kind == 2:
            ResourceArticlePageFactory(parent=catalogue, author=PersonFactory())
        else:
            week = -1 - number
            SessionPageFactory(parent=catalogue, occurrences=[(in_weeks(week), in_weeks(week, 12))])


def test_catalogue_page_queries_are_the_same_for_5_and_50_items(client, catalogue, settings):
    settings.PORTAIL_PAGE_CACHE_SECONDS = 0  # the page's own queries, not the cache's
    queries = [
        "",
        "?when=past",
        "?when=past&page=2",
        "?type=session&format=in_person&cotisation=yes",
    ]

    def count_queries():
        counts = []
        for query in queries:
            html(client, catalogue, query)  # the sections' counts kept, as for every visit after
            with CaptureQueriesContext(connection) as captured:
                html(client, catalogue, query)
            counts.append(len(captured))
        return counts

    add_mixed_items(catalogue, 5)
    html(client, catalogue)  # warm the per-process caches (site, content types)
    few = count_queries()
    add_mixed_items(catalogue, 45)
    content = html(client, catalogue)
    assert "50 résultats" in content
    assert len(section_titles(content, "a-venir")) == CatalogueIndexPage.per_page

    assert count_queries() == few


def test_catalogue_page_cost_does_not_grow_with_its_cards(
    client, catalogue, django_assert_max_num_queries
):
    def add_items(count):
        for _ in range(count):
            SessionPageFactory(parent=catalogue)
            ResourceArticlePageFactory(parent=catalogue, author=PersonFactory())
            WorkingGroupCallPageFactory(parent=catalogue)

    add_items(1)
    html(client, catalogue)  # warm the per-process caches (site, content types)
    with CaptureQueriesContext(connection) as few:
        html(client, catalogue)
    add_items(4)
    html(client, catalogue)  # what the content version keeps (menu, counts) read again once
    with django_assert_max_num_queries(len(few)):
        assert "15 résultats" in html(client, catalogue)


def test_form_errors_stay_in_french_for_an_english_browser(client, catalogue):
    response = client.get(
        catalogue.url, {"when": "tomorrow"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Sélectionnez un choix valide" in content
    assert "Select a valid choice" not in content
