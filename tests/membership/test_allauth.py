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
    # The link leads to the portal's confirmation page (HEADLESS_FRONTEND_URLS, from SITE_URL).
    assert "http://testserver/comptes/confirm-email/" in mail.outbox[0].body


@pytest.fixture
def association(home_page):
    from membership.models import AssociationSettings

    identity = AssociationSettings.for_site(home_page.get_site())
    identity.name = "Cap Rural"
    identity.save()
    return identity


def test_account_emails_speak_in_the_associations_name_not_the_username_or_host(
    client, association
):
    client.post(
        reverse("account_signup"),
        {
            "email": "camille@exemple.fr",
            "password1": "Un-mot-de-passe-42",
            "password2": "Un-mot-de-passe-42",
        },
    )
    client.logout()
    UserFactory(email="dominique@exemple.fr")
    client.post(reverse("account_reset_password"), {"email": "dominique@exemple.fr"})

    confirmation, reset = mail.outbox
    for message in (confirmation, reset):
        assert message.subject.startswith("[Cap Rural] ")
        assert message.body.startswith("Bonjour,")
        assert message.body.rstrip().endswith("Cap Rural")
        assert "membre" not in message.body  # the opaque username
        assert "c'est testserver" not in message.body
    assert "confirmer votre adresse camille@exemple.fr sur le portail de Cap Rural" in (
        confirmation.body
    )
    assert "/comptes/confirm-email/" in confirmation.body


def test_the_login_message_names_the_person_not_their_username(client):
    from .factories import ProfileFactory

    anonymous = UserFactory(email="sans-profil@exemple.fr")
    named = ProfileFactory(first_name="Camille", last_name="Martin").user
    for user, name in ((anonymous, "sans-profil@exemple.fr"), (named, "Camille Martin")):
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "mot-de-passe-solide-42"},
            follow=True,
        )
        assert f"Connexion avec {name} réussie." in response.content.decode()
        client.logout()
