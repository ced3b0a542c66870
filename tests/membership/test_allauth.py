"""Accounts through django-allauth: reset, rate limits, and the headless API for front ends."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_forgotten_password_is_reset_by_email(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    assert user.email in message.to
    link = next(
        line for line in message.body.splitlines() if "/comptes/password/reset/key/" in line
    )
    path = link[link.index("/comptes/") :].strip()
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Nouveau-mot-de-passe-7", "password2": "Nouveau-mot-de-passe-7"},
    )
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-de-passe-7")


def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory()
    pages = [
        client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        for _ in range(6)
    ]
    assert "Trop de tentatives" not in pages[0].content.decode()
    assert "Trop de tentatives de connexion échouées" in pages[-1].content.decode()
    # Even the right password is refused while the limit holds.
    right = {"login": user.email, "password": "mot-de-passe-solide-42"}
    assert "Trop de tentatives" in client.post(reverse("account_login"), right).content.decode()


def test_a_decoupled_front_end_signs_up_through_the_headless_api(client):
    response = client.post(
        "/_allauth/browser/v1/auth/signup",
        json.dumps({"email": "front@exemple.fr", "password": "Un-mot-de-passe-42"}),
        content_type="application/json",
    )
    assert response.status_code == 401  # created, email verification pending
    flows = {flow["id"]: flow for flow in response.json()["data"]["flows"]}
    assert flows["verify_email"]["is_pending"]
    assert "front@exemple.fr" in mail.outbox[0].to
