from django.db import migrations

FIELDS = ("name", "legal_form", "address", "siret", "rna", "email", "phone", "website", "footer_text")


def copy_to_membership(apps, schema_editor):
    """Copy each site's identity into the plugin's setting, which receipts and forms now read."""
    Old = apps.get_model("home", "AssociationSettings")
    New = apps.get_model("membership", "AssociationSettings")
    for old in Old.objects.all():
        New.objects.update_or_create(
            site_id=old.site_id, defaults={field: getattr(old, field) for field in FIELDS}
        )


def copy_back_to_home(apps, schema_editor):
    Old = apps.get_model("home", "AssociationSettings")
    New = apps.get_model("membership", "AssociationSettings")
    for new in New.objects.all():
        Old.objects.update_or_create(
            site_id=new.site_id, defaults={field: getattr(new, field) for field in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("membership", "0008_create_association_settings"),
    ]

    operations = [migrations.RunPython(copy_to_membership, copy_back_to_home)]
