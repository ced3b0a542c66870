"""The rows the migrations wrote (default site, home page, groups…), put back for a transactional
test however many transactional tests ran before it."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction


def restore_migration_rows() -> None:
    """Empty the tables and save the rows serialized when the test database was created
    (``serialized_rollback``), content types first.

    A transactional test run before may have emptied the tables and let ``post_migrate`` recreate
    the content types under new ids. Django's own restore would then collide with them, and on
    empty tables too: it saves the apps' rows in INSTALLED_APPS order (contenttypes late), and a
    save handler asking for a content type not restored yet creates it under a new id. So: empty
    tables, content types first. Django's restore that follows then saves the same rows again.
    """
    call_command(
        "flush", interactive=False, reset_sequences=False, inhibit_post_migrate=True, verbosity=0
    )
    rows = json.loads(connection._test_serialized_contents)
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    ContentType.objects.clear_cache()
    with transaction.atomic(), connection.constraint_checks_disabled():
        for row in serializers.deserialize("json", json.dumps(rows)):
            row.save()
    ContentType.objects.clear_cache()
