"""Migrations that rename a field keep what editors wrote, drafts included."""

import importlib

from django.apps import apps

from catalogue.models import SessionPage
from tests.catalogue.factories import SessionPageFactory

rename_method = importlib.import_module("catalogue.migrations.0003_rename_method")


def test_a_draft_saved_before_the_rename_keeps_its_teaching_method(db):
    session = SessionPageFactory(teaching_method="<p>Apports et échanges.</p>")
    draft = session.save_revision()
    # The draft as it was stored while the field was still called « method ».
    draft.content["method"] = draft.content.pop("teaching_method")
    draft.save(update_fields=["content"])

    rename_method.forwards(apps, None)

    draft.refresh_from_db()
    restored = draft.as_object()
    assert isinstance(restored, SessionPage)
    assert restored.teaching_method == "<p>Apports et échanges.</p>"
    assert "method" not in draft.content
