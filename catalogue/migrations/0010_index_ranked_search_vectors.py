"""A RUM index on the title and body vectors, which returns the best matches first.

GIN finds the matching rows but cannot order them: every search ranked all its matches
(``ts_rank`` reads each row's vectors from the table) before it could keep the best 20. RUM
(PostgreSQL's ``rum`` extension, Debian's ``postgresql-15-rum``) keeps the lexemes' positions in
the index and answers ``ORDER BY (title || body) <=> query LIMIT 20`` from it.

Nothing on SQLite. Without the extension installed, or without the right to create it, nothing
either: searches keep the GIN index of ``0005`` and rank their matches as before
(``catalogue.search.backends.postgres.ranked_index_available``).
"""

from django.db import DatabaseError, migrations

INDEX = "search_indexentry_title_body_rum"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT portail_rum")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:  # no right to create it: keep the GIN path
            cursor.execute("ROLLBACK TO SAVEPOINT portail_rum")
            return
        cursor.execute("RELEASE SAVEPOINT portail_rum")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING rum ((title || body) rum_tsvector_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_store_listing_keys")]

    operations = [migrations.RunPython(create_index, drop_index)]
