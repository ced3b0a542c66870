import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The association's identity becomes the plugin's: receipts and forms print it.

    A site that kept it in ``home.AssociationSettings`` copies its rows here in its own migration
    (the portal's ``home/migrations/0003_move_association_settings``).
    """

    dependencies = [
        ('membership', '0007_add_receipt_stripe_refund_id'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssociationSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(default='Portail', max_length=200, verbose_name='nom')),
                ('legal_form', models.CharField(blank=True, max_length=100, verbose_name='forme juridique')),
                ('address', models.TextField(blank=True, verbose_name='adresse postale')),
                ('siret', models.CharField(blank=True, max_length=14, verbose_name='SIRET')),
                ('rna', models.CharField(blank=True, max_length=10, verbose_name='numéro RNA')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='courriel')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='téléphone')),
                ('website', models.URLField(blank=True, verbose_name='site web')),
                ('footer_text', models.TextField(blank=True, verbose_name='texte de pied de page')),
                ('site', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to='wagtailcore.site')),
            ],
            options={
                'verbose_name': "identité de l'association",
            },
        ),
    ]
