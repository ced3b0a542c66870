from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

DEFAULT_TITLE_WEIGHT = 4.0


class WeightedBM25(Func):
    """``bm25()`` over the FTS5 table with one weight per column: autocomplete, body, title."""

    output_field = FloatField()

    def __init__(self, autocomplete: float, body: float, title: float):
        self.weights = (float(autocomplete), float(body), float(title))
        super().__init__()

    def as_sql(self, compiler, connection, **extra_context):
        weights = ", ".join(str(weight) for weight in self.weights)
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []


class WeightedSearchQueryCompiler(SQLiteSearchQueryCompiler):
    title_weight = DEFAULT_TITLE_WEIGHT

    def _build_rank_expression(self, vectors, config):
        # bm25() is negative and best when lowest; Wagtail sorts it ascending. Weighting a column
        # inside one bm25() saturates with term frequency and long bodies still win, so the title
        # and the body are scored apart and added.
        return WeightedBM25(0, 0, 1) * self.title_weight + WeightedBM25(0, 1, 0)


class WeightedAutocompleteQueryCompiler(SQLiteAutocompleteQueryCompiler):
    def _build_rank_expression(self, vectors, config):
        return WeightedBM25(1, 0, 0)


class WeightedSQLiteSearchBackend(SQLiteSearchBackend):
    """SQLite FTS5 search where a word in the title weighs ``TITLE_WEIGHT`` times one in the body."""

    query_compiler_class = WeightedSearchQueryCompiler
    autocomplete_query_compiler_class = WeightedAutocompleteQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        title_weight = float(params.get("TITLE_WEIGHT", DEFAULT_TITLE_WEIGHT))
        if title_weight != DEFAULT_TITLE_WEIGHT:
            self.query_compiler_class = type(
                "WeightedSearchQueryCompiler",
                (WeightedSearchQueryCompiler,),
                {"title_weight": title_weight},
            )
