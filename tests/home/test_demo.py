"""``load_demo`` builds the demo site from Cap Rural's real pages, every fact in its field, and can
be run again without duplicating anything."""

import datetime as dt
import html
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Revision, Site

from catalogue.models import (
    AttendanceMode,
    CatalogueIndexPage,
    CatalogueItemPage,
    Organisation,
    Person,
    QuestionKind,
    RegistrationMode,
    ResourceArticlePage,
    SessionFormat,
    SessionKind,
    SessionPage,
    SpeakerRole,
    Theme,
)
from membership.models import AssociationSettings

pytestmark = pytest.mark.django_db

COLLECTIFS = "travailler-avec-de-nouveaux-collectifs-porteurs-de-projet"
BENEVOLES = "mobiliser-les-nouveaux-benevoles"
STRATEGIES = "strategies-d-acteurs-dans-les-projets-de-cooperation"
MAILLER = "mailler-les-ingenieries-de-l-action-sociale-et-du-developpement-local"
SEED_SLUGS = [COLLECTIFS, BENEVOLES, STRATEGIES, MAILLER]
ENDED_TRAINING = "animer-une-demarche-participative-demonstration"


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    return load_demo()


def page(slug):
    return Page.objects.get(slug=slug).specific


def paris_slots(session):
    """Each date as (day, start time, end time) on the Paris wall clock."""
    slots = []
    for occurrence in session.sorted_occurrences:
        start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
        assert str(start.tzinfo) == "Europe/Paris"
        slots.append((start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")))
    return slots


def speakers(session):
    return [
        (
            s.person.full_name,
            s.person.organisation.name if s.person.organisation else None,
            s.person.job_title,
            s.role,
        )
        for s in session.speakers.select_related("person__organisation")
    ]


def text_of(value):
    """Rich text or HTML as the words a reader sees."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", str(value)))).strip()


def row_counts():
    models = list(apps.get_app_config("catalogue").get_models()) + [
        Page,
        Site,
        AssociationSettings,
    ]
    return {model._meta.label: model.objects.count() for model in models}


# --------------------------------------------------------------------------- idempotence


def test_loading_twice_creates_no_duplicate(demo):
    counts = row_counts()
    revisions = Revision.page_revisions.count()

    output = load_demo()

    assert row_counts() == counts
    assert "0 élément(s) créé(s)" in output
    # Nothing was published again: the second run only looked.
    assert Revision.page_revisions.count() == revisions


def test_reloading_keeps_what_staff_edited_and_published_since(demo):
    session = page(COLLECTIFS)
    session.capacity = 99
    session.occurrences.all().delete()
    session.save_revision().publish()
    identity = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    identity.name, identity.phone = "Cap Rural Auvergne-Rhône-Alpes", "04 00 00 00 00"
    identity.save()
    home = Site.objects.get(is_default_site=True).root_page.specific
    home.lead = "Notre réseau, en une phrase."
    home.save_revision().publish()
    Person.objects.filter(last_name="Ganivet").update(phone="00 00 00 00 00")
    Theme.objects.filter(slug="benevolat").update(name="Bénévolat associatif")

    output = load_demo()

    session = page(COLLECTIFS)
    assert session.capacity == 99 and not session.occurrences.exists()
    assert not session.has_unpublished_changes
    identity = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    assert (identity.name, identity.phone) == ("Cap Rural Auvergne-Rhône-Alpes", "04 00 00 00 00")
    assert Site.objects.get(is_default_site=True).root_page.specific.lead == (
        "Notre réseau, en une phrase."
    )
    assert Person.objects.get(last_name="Ganivet").phone == "00 00 00 00 00"
    assert Theme.objects.get(slug="benevolat").name == "Bénévolat associatif"
    assert "0 élément(s) créé(s)" in output


def test_reloading_rebuilds_a_demo_page_staff_deleted(demo):
    page(COLLECTIFS).delete()

    output = load_demo()

    assert page(COLLECTIFS).capacity == 12
    assert "1 élément(s) créé(s)" in output


def test_demo_builds_the_catalogue_and_prints_a_french_summary(demo):
    assert "Site de démonstration à jour" in demo
    assert "7 sessions dont 3 à venir" in demo
    catalogue = CatalogueIndexPage.objects.get()
    assert catalogue.get_parent().specific_class.__name__ == "HomePage"
    items = CatalogueItemPage.objects.child_of(catalogue)
    assert items.count() == 10
    for item in items.specific():
        assert item.live and not item.has_unpublished_changes
        assert item.live_revision_id == item.latest_revision_id
    assert Person.objects.filter(last_name="Loviconi").count() == 1
    assert set(Page.objects.child_of(catalogue).values_list("slug", flat=True)).issuperset(
        SEED_SLUGS
    )


def test_the_association_identity_is_cap_rural_with_no_invented_registration_numbers(demo):
    site = Site.objects.get(is_default_site=True)
    identity = AssociationSettings.for_site(site)
    assert identity.name == "Cap Rural"
    assert identity.website == "https://www.caprural.org"
    assert (identity.siret, identity.rna) == ("", "")
    home = site.root_page.specific
    assert "Cap Rural" in home.lead and home.body


# --------------------------------------------------------------------------- seed facts


def test_collectifs_session_has_every_seed_fact_in_its_field(demo):
    session = page(COLLECTIFS)

    assert session.title == "Travailler avec de nouveaux collectifs porteurs de projet"
    assert session.kind == SessionKind.EXPLORATION
    assert "habitat participatif, atelier vélo" in text_of(session.rationale)
    assert "agents de développement rural" in text_of(session.audience_text)
    assert {a.name for a in session.audiences.all()} >= {"Agents de développement", "Élus"}
    assert paris_slots(session) == [
        (dt.date(2020, 12, 10), "10:00", "12:00"),
        (dt.date(2020, 12, 18), "10:00", "12:00"),
    ]
    assert session.attendance_mode == AttendanceMode.ALL_DATES
    assert session.format == SessionFormat.ONLINE
    assert session.meeting_url == "" and session.meeting_url_sent_later
    assert session.capacity == 12
    assert session.registration_mode == RegistrationMode.MEMBERS
    assert "soumise à la cotisation annuelle" in session.fee_rule
    assert [notice.value["text"] for notice in session.notices] == [
        "Suite aux contraintes sanitaires cette formation aura lieu sous forme de deux "
        "webconférences."
    ]
    assert "Suite aux contraintes sanitaires" not in text_of(session.rationale)
    assert "exposé du cas d'un participant" in text_of(session.teaching_method)

    first, second = session.programme
    assert first.value["title"] == "De quoi parlons-nous ?"
    assert second.value["title"] == "Quand et comment créer la relation ?"
    # The testimony's three themes are a list nested inside its item.
    nested = re.sub(r' data-block-key="\w+"', "", str(first.value["body"]))
    assert re.search(r"<li>Témoignage[^<]*<ul><li>Les motivations.*</ul></li></ul>$", nested)

    assert speakers(session) == [("Pascal Loviconi", "Compétence Bénévolat", "", "speaker")]
    assert Organisation.objects.get(name="Compétence Bénévolat").description == (
        "structure qui appuie les associations, les collectivités, les fondations"
    )
    contact = session.contact
    assert (contact.full_name, contact.phone, contact.email) == (
        "Geneviève Ganivet",
        "04 75 22 14 896",
        "ingenieriedeformation@caprural.org",
    )


def test_benevoles_session_has_every_seed_fact_in_its_field(demo):
    session = page(BENEVOLES)

    assert session.kind == SessionKind.WEBCONFERENCE
    assert paris_slots(session) == [(dt.date(2020, 10, 1), "14:00", "16:00")]
    assert session.format == SessionFormat.ONLINE and session.meeting_url_sent_later
    assert session.capacity == 12
    assert session.registration_mode == RegistrationMode.MEMBERS
    assert speakers(session) == [
        ("Camille Lefaire", "Compétence Bénévolat", "", "speaker"),
        ("Pascal Loviconi", "Compétence Bénévolat", "", "speaker"),
    ]
    assert [block.value["title"] for block in session.programme] == [
        "Quels constats sur l'engagement citoyen « nouveau »",
        "Échanges sur les enjeux de travail avec ces nouveaux bénévoles",
        "Ébauche de pistes pour travailler avec ces nouvelles formes d'engagements",
    ]
    assert "Recherche et Solidarité" in text_of(session.programme[0].value["body"])
    assert "privilégiera les échanges" in text_of(session.teaching_method)
    assert {a.name for a in session.audiences.all()} == {
        "Agents de développement",
        "Administrateurs d'associations",
        "Bénévoles",
    }
    assert session.contact.last_name == "Ganivet"


def test_strategies_session_has_every_seed_fact_in_its_field(demo):
    session = page(STRATEGIES)

    assert paris_slots(session) == [(dt.date(2016, 9, 14), "10:30", "12:30")]
    assert session.capacity == 15
    assert session.registration_deadline == dt.date(2016, 9, 7)
    closes_at = timezone.localtime(session.registration_closes_at())
    assert (closes_at.date(), closes_at.hour) == (dt.date(2016, 9, 7), 23)
    assert session.format == SessionFormat.ONLINE and session.meeting_url_sent_later
    assert speakers(session) == [
        (
            "Dominique Bernier",
            "Cap Rural",
            "chargée de mission Coopérations entre acteurs",
            SpeakerRole.ANIMATION,
        ),
        (
            "Charlotte Besombes",
            "Syndicat Mixte du Pays Beaujolais",
            "chargée de la démarche Geopark en Beaujolais",
            SpeakerRole.CONTRIBUTION,
        ),
        ("Philippe Jean", None, "sociologue et consultant", SpeakerRole.CONTRIBUTION),
    ]
    assert "label Geopark sur le territoire du Beaujolais" in text_of(session.case_study)
    assert [block.value["title"] for block in session.programme] == [
        "Identifier, décrire et qualifier",
        "Problématiser",
        "Réaliser, agir",
    ]
    assert {a.name for a in session.audiences.all()} == {
        "Élus",
        "Agents de développement",
        "Techniciens",
        "Acteurs socioprofessionnels",
        "Société civile organisée",
    }
    contact = session.contact
    assert (contact.full_name, contact.phone, contact.email) == (
        "Dominique Bernier",
        "06 66 46 62 76",
        "cooperationentreacteurs@caprural.org",
    )


def test_working_group_call_has_every_seed_fact_in_its_field(demo):
    call = page(MAILLER)

    assert call.title == "Mailler les ingénieries de l'action sociale et du développement local"
    assert call.kicker == (
        "Appel à manifestation d'intérêt pour participer au groupe de travail régional"
    )
    assert (call.call_date.year, call.call_date.month) == (2022, 1)
    assert "manque de relations" in text_of(call.rationale)
    assert "Faire dialoguer les professionnels" in text_of(call.objectives)
    assert "co-construction de méthodes" in text_of(call.why_take_part)
    scope = text_of(call.scope)
    assert "Pauvreté Précarité" in scope and "Carrefour des métiers" in scope
    assert call.coordination == "Cap Rural"
    assert (call.meetings_per_year_min, call.meetings_per_year_max) == (3, 4)
    assert "le plus central possible" in call.meeting_place.lower()
    assert call.first_meeting == dt.date(2022, 4, 7)
    assert "conditions sanitaires" in call.first_meeting_note
    assert len(call.profiles) == 2
    assert "acteur de l'action sociale" in call.profiles[1].value
    assert {q.kind for q in call.questions.all()} == {
        QuestionKind.SHORT_TEXT,
        QuestionKind.LONG_TEXT,
        QuestionKind.CHOICE,
    }
    choice = call.questions.get(kind=QuestionKind.CHOICE)
    assert len(choice.choice_list) == 2
    assert call.registration_mode == RegistrationMode.APPLICATION
    assert call.selection_note == (
        "Les participants seront sélectionnés sur la base de leur réponse."
    )
    assert call.fee_note == call.fee_rule == "Participation non soumise à cotisation"
    assert not call.cotisation_required
    contact = call.contact
    assert (contact.full_name, contact.job_title, contact.email, contact.phone) == (
        "Marine Rouchouse",
        "chargée de mission Emplois et métiers d'agents de développement rural",
        "emploisetmetiers@caprural.org",
        "07 87 18 51 18",
    )
    assert contact.organisation.name == "Cap Rural"
    assert [link.value["url"] for link in call.related_links] == ["https://www.caprural.org"]


def test_the_survey_resource_points_to_the_session_that_used_it(demo):
    article = ResourceArticlePage.objects.get(slug="le-benevolat-a-l-heure-du-confinement")

    assert "Recherche et Solidarité" in article.title
    assert [r.session.slug for r in article.related_sessions.all()] == [BENEVOLES]
    assert {t.name for t in article.themes.all()} >= {"Bénévolat"}


# --------------------------------------------------------------------------- past and upcoming


def test_seed_items_are_past_and_demo_sessions_are_upcoming(demo):
    past = set(CatalogueItemPage.objects.past().values_list("slug", flat=True))
    upcoming = SessionPage.objects.upcoming()

    # The seeds, and the training that ended last week with its attendance proofs.
    assert past == {*SEED_SLUGS, ENDED_TRAINING}
    for slug in SEED_SLUGS:
        assert page(slug).registration_state() == "past"
    assert upcoming.count() == 3
    assert all(session.registration_state() == "open" for session in upcoming)
    assert {s.title.split(" – ")[0] for s in upcoming} == {"Démo"}


def test_upcoming_demo_sessions_cover_in_person_pick_one_and_any_account(demo):
    today = timezone.localdate()
    sessions = {s.slug: s for s in SessionPage.objects.upcoming()}

    in_person = sessions["demo-atelier-cooperation-entre-acteurs"]
    assert in_person.format == SessionFormat.IN_PERSON and in_person.venue_town
    assert timezone.localdate(in_person.starts_at) == today + dt.timedelta(weeks=3)
    assert in_person.registration_deadline < timezone.localdate(in_person.starts_at)

    pick_one = sessions["demo-webconference-benevoles-deux-dates"]
    assert pick_one.attendance_mode == AttendanceMode.ONE_DATE
    assert len(pick_one.sorted_occurrences) == 2

    open_to_all = sessions["demo-rencontre-action-sociale-et-developpement-local"]
    assert open_to_all.registration_mode == RegistrationMode.ACCOUNT


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        (
            COLLECTIFS,
            [
                "Travailler avec de nouveaux collectifs porteurs de projet",
                "jeudi 10 décembre 2020, 10 h – 12 h",
                "vendredi 18 décembre 2020, 10 h – 12 h",
                "12 participants maximum",
                "Suite aux contraintes sanitaires cette formation aura lieu sous forme de deux "
                "webconférences.",
                "Pascal Loviconi",
                "structure qui appuie les associations, les collectivités, les fondations",
                "Les définitions et les sources de légitimité des acteurs",
                "04 75 22 14 896",
                "ingenieriedeformation@caprural.org",
                "Participation soumise à la cotisation annuelle à Cap Rural",
                "Cette session est passée",
            ],
        ),
        (
            BENEVOLES,
            [
                "jeudi 1er octobre 2020, 14 h – 16 h",
                "Camille Lefaire",
                "bénévolat à l'heure du confinement",
                "12 participants maximum",
            ],
        ),
        (
            STRATEGIES,
            [
                "mercredi 14 septembre 2016, 10 h 30 – 12 h 30",
                "15 participants maximum",
                "7 septembre 2016",
                "Dominique Bernier",
                "Charlotte Besombes",
                "Syndicat Mixte du Pays Beaujolais",
                "Philippe Jean",
                "Geopark",
                "06 66 46 62 76",
                "cooperationentreacteurs@caprural.org",
            ],
        ),
        (
            MAILLER,
            [
                "Appel à manifestation d'intérêt pour participer au groupe de travail régional",
                "Mailler les ingénieries de l'action sociale et du développement local",
                "janvier 2022",
                "7 avril 2022",
                "Cap Rural",
                "Participation non soumise à cotisation",
                "Marine Rouchouse",
                "07 87 18 51 18",
                "emploisetmetiers@caprural.org",
                "Carrefour des métiers",
                "www.caprural.org",
            ],
        ),
    ],
)
def test_each_seed_page_shows_its_facts(demo, client, slug, facts):
    response = client.get(page(slug).url)

    assert response.status_code == 200
    shown = text_of(response.content.decode())
    for fact in facts:
        assert fact in shown, fact


def test_the_demo_catalogue_is_in_the_main_navigation(demo, client):
    catalogue = CatalogueIndexPage.objects.get()
    content = client.get("/").content.decode()
    nav = content[content.index('<nav class="main-nav"') : content.index("</nav>")]
    assert f'<a href="{catalogue.url}">Catalogue</a>' in nav

    session = client.get(page(COLLECTIFS).url).content.decode()
    nav = session[session.index('<nav class="main-nav"') : session.index("</nav>")]
    assert f'<a href="{catalogue.url}" aria-current="true">Catalogue</a>' in nav


def card_titles(content, heading_id):
    start = content.index(f'id="{heading_id}"')
    section = content[start : content.index("</section>", start)]
    return [
        text_of(title) for title in re.findall(r'class="card__title"><a [^>]*>(.*?)</a>', section)
    ]


def test_the_catalogue_lists_upcoming_and_past_items(demo, client):
    catalogue = CatalogueIndexPage.objects.get()
    response = client.get(catalogue.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "10 résultats" in content
    # What a visitor comes for first: the three sessions ahead, soonest first.
    assert card_titles(content, "a-venir") == [
        "Démo – Atelier : coopérer entre acteurs d'un territoire",
        "Démo – Webconférence : accueillir les nouveaux bénévoles (au choix, deux dates)",
        "Démo – Rencontre ouverte : action sociale et développement local",
    ]
    assert card_titles(content, "ressources") == [
        "Le bénévolat à l'heure du confinement : l'enquête de Recherche et Solidarité",
        "Fiche méthode : décrypter les stratégies d'acteurs",
    ]
    # The latest three past items, and the way to all four.
    assert card_titles(content, "passes") == [
        "Animer une démarche participative (session terminée)",
        "Mailler les ingénieries de l'action sociale et du développement local",
        "Travailler avec de nouveaux collectifs porteurs de projet",
    ]
    assert 'href="?when=past">Voir les sessions passées (5)</a>' in content
    assert 'class="pagination"' not in content

    past = client.get(catalogue.url, {"when": "past"}).content.decode()
    assert "5 résultats" in past
    assert card_titles(past, "passes")[-1] == (
        "Décrypter les stratégies d'acteurs dans les projets de coopération"
    )
