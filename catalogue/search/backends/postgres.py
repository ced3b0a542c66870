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
