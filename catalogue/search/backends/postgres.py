from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.query import Fuzzy, MatchAll, Not


class AliasedVectorMixin:
    """Match on the index's vectors without reading them back.

    Wagtail's compiler ``annotate()``s the concatenated title and body vectors to filter on
    them, so every matching row sends its whole ``tsvector`` to Python: a third of the time of
    a search over 10,000 sessions. ``alias()`` filters the same way and selects nothing.
    """

    def search(self, config, start, stop, score_field=None, backend=None):
        if isinstance(self.query, MatchAll | Fuzzy) or (
            isinstance(self.query, Not) and isinstance(self.query.subquery, MatchAll)
        ):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        rank_expression = self._build_rank_expression(vectors, config)
        combined_vector = vectors[0][0]
        for vector, _boost in vectors[1:]:
            combined_vector = combined_vector._combine(vector, "||", False)
        queryset = self.queryset.alias(_vector_=combined_vector).filter(_vector_=search_query)
        return self._apply_ordering_and_scoring(queryset, rank_expression, start, stop, score_field)


class FrenchPostgresSearchQueryCompiler(AliasedVectorMixin, PostgresSearchQueryCompiler):
    pass


class FrenchPostgresAutocompleteQueryCompiler(
    AliasedVectorMixin, PostgresAutocompleteQueryCompiler
):
    pass


class FrenchPostgresSearchBackend(PostgresSearchBackend):
    """PostgreSQL search whose autocomplete configuration can be set (to ignore accents)."""

    query_compiler_class = FrenchPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = FrenchPostgresAutocompleteQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.autocomplete_config = params.get("AUTOCOMPLETE_CONFIG", "simple")


# --------------------------------------------------------------------------- ranked search

RANKED_INDEX = "search_indexentry_title_body_rum"  # catalogue/migrations/0010
_ranked_index: dict[tuple[str, str], bool] = {}


def ranked_index_available(connection) -> bool:
    """Whether the RUM index of ``catalogue/migrations/0010`` exists (looked up once a process)."""
    key = (connection.alias, connection.settings_dict["NAME"])
    if key not in _ranked_index:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RANKED_INDEX])
            _ranked_index[key] = cursor.fetchone()[0]
    return _ranked_index[key]


def forget_ranked_index() -> None:
    """Look the index up again (after a migration created or dropped it)."""
    _ranked_index.clear()


def match_sql(config: str, words: str) -> tuple[str, str, list]:
    """SQL matching the index entries (alias ``e``) on ``words``, all of them (AND).

    Returns the match condition and the ranking ``ORDER BY`` (best first), each to be given
    ``params`` once. With the RUM index, the ranking is its distance operator, which the index
    returns in order; otherwise Wagtail's own ranking (``ts_rank`` of title and body,
    weighted), computed for every match. The query is written inline, not read from a
    common table expression, so that the planner sees a constant and uses the indexes.
    """
    from django.db import connection
    from modelsearch.backends.database.postgres.weights import get_sql_weights

    vector = "(e.title || e.body)"
    query = "plainto_tsquery(%s::regconfig, %s)"
    if ranked_index_available(connection):
        # The distance alone: a second key would make PostgreSQL sort every match again.
        order = f"{vector} <=> {query}"
    else:
        weights = get_sql_weights()
        order = (
            f"ts_rank('{weights}'::float4[], e.title, {query}) * e.title_norm "
            f"+ ts_rank('{weights}'::float4[], e.body, {query}) DESC, e.object_id::integer DESC"
        )
    return f"{vector} @@ {query}", order, [config, words]
