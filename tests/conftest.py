import pytest
from django.core.cache import cache
from django.db import connection
from wagtail.models import Site


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL; on the SQLite default they are skipped."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home_page(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty shared cache: the database is rolled back between tests,
    a cached page or count of the previous one would describe rows that are gone."""
    cache.clear()
    yield
    cache.clear()
