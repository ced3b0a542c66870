"""The association's identity is the plugin's own site setting; a site that kept it keeps its data."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale, Page, Site

from membership import services
from membership.models import AssociationSettings

BEFORE = [("home", "0002_create_homepage"), ("membership", "0007_add_receipt_stripe_refund_id")]


def migrate(targets=None):
    """Migrate to ``targets``, or to the latest migration of every app: later tests need all
    tables back, whichever migrations came after the move."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def any_site() -> Site:
    """A site, even after an earlier transactional test flushed the one the migrations made."""
    site = Site.objects.first()
    if site is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(title="Racine", slug="racine")
        site = Site.objects.create(hostname="identite.example", root_page=root)
    return site


# Migrating back and forth needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_the_identity_kept_in_home_survives_its_move_to_membership():
    site_id = any_site().pk
    old_apps = migrate(BEFORE)
    old_apps.get_model("home", "AssociationSettings").objects.create(
        site_id=site_id,
        name="Cap Rural",
        legal_form="Association loi 1901",
        address="1 rue de la Gare\n26150 Die",
        siret="44306184100047",
        rna="W261000123",
        email="contact@caprural.example",
        phone="04 75 22 14 89",
        website="https://caprural.example",
        footer_text="Centre de ressources du développement local.",
    )

    migrate()

    identity = AssociationSettings.objects.get(site_id=site_id)
    assert (identity.name, identity.legal_form, identity.siret, identity.rna) == (
        "Cap Rural",
        "Association loi 1901",
        "44306184100047",
        "W261000123",
    )
    assert identity.address == "1 rue de la Gare\n26150 Die"
    assert identity.email == "contact@caprural.example"
    assert identity.phone == "04 75 22 14 89"
    assert identity.website == "https://caprural.example"
    assert identity.footer_text == "Centre de ressources du développement local."
    assert "home_associationsettings" not in connection.introspection.table_names()


@pytest.mark.django_db
def test_receipts_and_emails_read_the_identity_from_membership(home_page):
    identity = AssociationSettings.for_site(home_page.get_site())
    identity.name = "Cap Rural"
    identity.save()

    assert services.association_identity().name == "Cap Rural"
