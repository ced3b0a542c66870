from django.db import migrations


def rename_in_revisions(apps, schema_editor, old, new):
    """Drafts and past revisions keep their fields by name: without this, publishing or reverting
    to one saved before the rename would empty the session's « méthode d'animation »."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="catalogue", model="sessionpage").first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        if old in revision.content:
            revision.content[new] = revision.content.pop(old)
            revision.save(update_fields=["content"])


def forwards(apps, schema_editor):
    rename_in_revisions(apps, schema_editor, "method", "teaching_method")


def backwards(apps, schema_editor):
    rename_in_revisions(apps, schema_editor, "teaching_method", "method")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_create_registrations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        # « method » as a form control hides the form's own method from the admin's scripts.
        migrations.RenameField(
            model_name="sessionpage",
            old_name="method",
            new_name="teaching_method",
        ),
        migrations.RunPython(forwards, backwards),
    ]
