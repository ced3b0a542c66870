"""Relevance on the demo catalogue: French queries and the pages that must come first.

Accent folding runs on every database; stemming (plurals, verb forms) needs PostgreSQL, and so
does the finer ranking of several words: SQLite's bm25() normalises by the length of the whole
entry, so a long page with both words in its title can lose to a short one with one of them.
"""

import pytest
from django.core.management import call_command

from catalogue.models import CatalogueItemPage, SessionPage
from catalogue.search.queries import search_catalogue

MOBILISER = "Mobiliser et collaborer avec les nouveaux bénévoles"
DEMO_WEBCONFERENCE = (
    "Démo – Webconférence : accueillir les nouveaux bénévoles (au choix, deux dates)"
)
STRATEGIES = "Décrypter les stratégies d'acteurs dans les projets de coopération"
FICHE = "Fiche méthode : décrypter les stratégies d'acteurs"
ENQUETE = "Le bénévolat à l'heure du confinement : l'enquête de Recherche et Solidarité"
MAILLER = "Mailler les ingénieries de l'action sociale et du développement local"
RENCONTRE = "Démo – Rencontre ouverte : action sociale et développement local"
ATELIER = "Démo – Atelier : coopérer entre acteurs d'un territoire"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def first_titles(query, count):
    ids = search_catalogue(query).ids
    titles = dict(CatalogueItemPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids[:count]]


# (query, the titles that must come first, in any order among themselves)
EVERY_DATABASE = [
    ("benevoles", {MOBILISER, DEMO_WEBCONFERENCE}),
    ("BÉNÉVOLES", {MOBILISER, DEMO_WEBCONFERENCE}),
    ("webconference", {DEMO_WEBCONFERENCE}),
    ("enquete confinement", {ENQUETE}),
    ("ingenieries", {MAILLER}),
    ("action sociale", {MAILLER, RENCONTRE}),
    ("geopark", {STRATEGIES}),
]
POSTGRESQL_ONLY = [
    ("strategies acteurs", {STRATEGIES, FICHE}),
    ("bénévole", {MOBILISER, DEMO_WEBCONFERENCE}),
    ("coopérer", {ATELIER, STRATEGIES}),
    ("cooperation", {ATELIER, STRATEGIES}),
    ("collaboration", {MOBILISER}),
    ("mobilisation benevoles", {MOBILISER}),
    ("ingenierie action sociale", {MAILLER}),
    ("strategique", {STRATEGIES, FICHE}),
]


def misranked(cases):
    """The cases whose expected pages do not come first, with what came first instead."""
    return {
        query: first_titles(query, len(expected))
        for query, expected in cases
        if set(first_titles(query, len(expected))) != expected
    }


def test_accents_and_case_are_ignored_and_best_matches_come_first(demo):
    assert misranked(EVERY_DATABASE) == {}


@pytest.mark.postgres
def test_plurals_and_verb_forms_match_on_postgresql(demo):
    assert misranked(POSTGRESQL_ONLY) == {}


def test_a_word_in_the_title_outranks_the_same_word_in_the_body(demo):
    titles = first_titles("webconference", 10)
    assert titles[0] == DEMO_WEBCONFERENCE
    # The others only mention it in their text.
    assert len(titles) > 1


def test_speakers_and_their_organisations_find_the_sessions_they_speak_at(demo):
    speaking = set(
        SessionPage.objects.live()
        .filter(speakers__person__organisation__name="Compétence Bénévolat")
        .values_list("title", flat=True)
    )
    assert speaking
    for query in ["Loviconi", "Compétence Bénévolat", "competence benevolat"]:
        assert set(first_titles(query, len(speaking))) == speaking, query
    assert first_titles("Charlotte Besombes", 5) == [STRATEGIES]
