"""Wagtail's database search backend, tuned for a French catalogue.

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends"}}`` picks, like Wagtail's
``wagtail.search.backends.database``, the backend matching the default database:

- PostgreSQL (``postgres.py``): ``SEARCH_CONFIG`` (``french_unaccent``: unaccent then French
  stemming, created by ``search/migrations``) for search, and ``AUTOCOMPLETE_CONFIG``
  (``simple_unaccent``) for autocomplete, where Wagtail hard-codes ``simple`` and keeps accents.
- SQLite (``sqlite.py``): FTS5, whose default ``unicode61`` tokenizer already folds accents in the
  indexed text and in the query (``remove_diacritics 1``); FTS5 has no stemming. Wagtail ranks
  with an unweighted ``bm25()``, where a word in the body counts as much as one in the title: we
  weight the FTS5 columns instead (``TITLE_WEIGHT``).
"""

from django.db import connection


def SearchBackend(params):  # noqa: N802 - Wagtail looks the backend up by this name
    # Each backend module reads models at import time: import the one this database needs.
    if connection.vendor == "postgresql":
        from .postgres import FrenchPostgresSearchBackend

        return FrenchPostgresSearchBackend(params)
    from modelsearch.backends.database import SearchBackend as database_backend

    backend = database_backend(params)
    if connection.vendor == "sqlite" and type(backend).__name__ == "SQLiteSearchBackend":
        from .sqlite import WeightedSQLiteSearchBackend

        return WeightedSQLiteSearchBackend(params)
    return backend
