"""What a visitor's query becomes before it reaches the search engine."""

import pytest

from catalogue.search.queries import MAX_TERMS, clean_query


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Les bénévoles", "bénévoles"),
        ("  Coopérer, entre acteurs !  ", "coopérer entre acteurs"),
        ("l'alimentation d'un territoire", "alimentation territoire"),
        ("tiers-lieux", "tiers lieux"),
        ("bénévoles' OR 1=1 --", "bénévoles or 1 1"),
        ('"webconférence"*', "webconférence"),
        ("<b>élus</b>", "b élus b"),
        ("e\u0301lus", "élus"),  # a decomposed accent is composed like the indexed text
        ("le la les des", ""),
        ("?!;--", ""),
        (None, ""),
    ],
)
def test_queries_keep_only_words(raw, cleaned):
    assert clean_query(raw) == cleaned


def test_long_queries_are_capped():
    assert clean_query("a" * 10_000) == "a" * 200
    assert len(clean_query("mot " * 500).split()) == MAX_TERMS


def test_autocomplete_keeps_a_common_word_being_typed():
    assert clean_query("accueillir les", keep_last=True) == "accueillir les"
    assert clean_query("accueillir les nouv", keep_last=True) == "accueillir nouv"
