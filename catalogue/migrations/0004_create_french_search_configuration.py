"""PostgreSQL text search configurations for French that ignore accents; nothing on SQLite.

french_unaccent: unaccent, then the French Snowball stemmer (search).
simple_unaccent: unaccent, then lower-casing only (autocomplete, which must not stem).
"""

from django.db import migrations

WORD_TOKENS = "hword, hword_part, word"

CREATE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, french_stem;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'simple_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION simple_unaccent
            ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, simple;
    END IF;
END
$$;
"""
DROP = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS simple_unaccent;
"""


def create_configurations(apps, schema_editor):
    # No django.contrib.postgres import: a host on SQLite may have no PostgreSQL driver.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute(CREATE)


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_rename_method")]

    operations = [migrations.RunPython(create_configurations, drop_configurations)]
