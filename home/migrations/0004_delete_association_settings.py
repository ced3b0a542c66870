from django.db import migrations


class Migration(migrations.Migration):
    # Apart from the copy, as Django advises: on PostgreSQL a schema change in the transaction of
    # a data migration can fail on its deferred constraints.
    dependencies = [("home", "0003_move_association_settings")]

    operations = [migrations.DeleteModel(name="AssociationSettings")]
