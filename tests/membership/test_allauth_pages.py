"""allauth's pages render in French, in the site's look."""

import pytest
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("account_signup", "Inscription"),
        ("account_reset_password", "Mot de passe oublié"),
    ],
)
def test_public_account_pages(client, name, text):
    page = client.get(reverse(name)).content.decode()
    assert text in page
    assert 'class="site-header"' in page


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_signed_in_account_pages(client, name):
    client.force_login(UserFactory())
    page = client.get(reverse(name)).content.decode()
    assert 'class="site-header"' in page
    assert "Mon espace" in page
