"""allauth's headless API answers every request with a 2xx or a 4xx, never a 500.

The walk reads the routes from the URL resolver, so an endpoint added by an allauth upgrade is
walked too. Rate limits are off during the walk so that each request reaches the view.
"""

import json

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver

from .factories import UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
BAD_BODIES = [
    "",
    "{}",
    "null",
    "[]",
    '"texte"',
    "pas du JSON",
    '{"email": 1, "password": 2, "key": 3, "phone": 4, "code": 5, "refresh_token": 6}',
    '{"email": ["a"], "password": {}, "key": null, "phone": [], "code": {}, "primary": "oui"}',
    json.dumps(
        {
            "email": "quelquun@exemple.fr",
            "password": "faux",
            "current_password": "faux",
            "new_password": "Un-autre-mot-de-passe-42",
            "phone": "+33612345678",
            "key": "cle-inconnue",
            "code": "000000",
            "primary": True,
        }
    ),
]
PASSWORD = "Un-mot-de-passe-42"


def routes(patterns, prefix):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        else:
            assert "<" not in route, f"fill in the parameters of {route}"
            yield route


def headless_paths():
    """Every route mounted under ``/_allauth/``."""
    (mount,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "_allauth/"]
    return list(routes(mount.url_patterns, "/_allauth/"))


def signed_in(user):
    def prepare(client: Client, _index: int) -> None:
        client.force_login(user)

    return prepare


def signing_up(client: Client, index: int) -> None:
    """Mid-way through a sign-up: the email verification is pending."""
    client.logout()
    client.post(
        "/_allauth/browser/v1/auth/signup",
        json.dumps({"email": f"nouveau{index}@exemple.fr", "password": PASSWORD}),
        content_type="application/json",
    )


def logging_in_unverified(client: Client, index: int) -> None:
    """An account whose email is not verified tries to log in: verification is pending."""
    client.logout()
    client.post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": f"nouveau{index}@exemple.fr", "password": PASSWORD}),
        content_type="application/json",
    )


@override_settings(ACCOUNT_RATE_LIMITS=False)
def test_every_headless_endpoint_answers_bad_input_without_a_server_error():
    paths = headless_paths()
    assert "/_allauth/browser/v1/auth/signup" in paths
    assert "/_allauth/app/v1/account/phone" in paths
    user = UserFactory()
    situations = [
        ("anonymous", Client(), None, {}),
        (
            "anonymous, CSRF checked, bad token",
            Client(enforce_csrf_checks=True),
            None,
            {"X-Session-Token": "x"},
        ),
        ("signed in", Client(), signed_in(user), {}),
        ("signing up", Client(), signing_up, {}),
        ("logging in unverified", Client(), logging_in_unverified, {}),
    ]
    failures = []
    for name, client, prepare, headers in situations:
        for index, path in enumerate(paths):
            if prepare:
                prepare(client, index)
            for method in METHODS:
                for body in BAD_BODIES:
                    try:
                        response = client.generic(
                            method, path, body, content_type="application/json", headers=headers
                        )
                    except Exception as error:  # the test client re-raises a view's exception
                        failures.append(f"{name}: {method} {path} {body[:40]!r} raised {error!r}")
                        continue
                    if response.status_code >= 500:
                        failures.append(
                            f"{name}: {method} {path} {body[:40]!r} → {response.status_code}"
                        )
    assert not failures, "\n".join(failures)
    assert mail.outbox  # the sign-ups of the walk did go through


@pytest.mark.parametrize("client_kind", ["browser", "app"])
@pytest.mark.parametrize(
    "endpoint", ["account/phone", "auth/phone/verify", "auth/phone/verify/resend"]
)
def test_phone_endpoints_say_in_french_that_accounts_have_no_phone(client, client_kind, endpoint):
    client.force_login(UserFactory())
    for method in METHODS:
        response = client.generic(
            method,
            f"/_allauth/{client_kind}/v1/{endpoint}",
            json.dumps({"phone": "+33612345678", "code": "123456"}),
            content_type="application/json",
        )
        assert response.status_code == 404
        (error,) = response.json()["errors"]
        assert error["code"] == "not_enabled"
        assert "téléphone" in error["message"]


def test_the_rest_of_the_headless_api_is_still_mounted(client):
    user = UserFactory()
    response = client.post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": user.email, "password": "mot-de-passe-solide-42"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["data"]["user"]["email"] == user.email
    assert client.get("/_allauth/browser/v1/account/email").status_code == 200


@pytest.mark.parametrize("depth", [100_000, 1_000, 101])
def test_a_deeply_nested_body_gets_a_400_from_every_headless_endpoint(depth):
    paths = headless_paths()
    user = UserFactory()
    bodies = ["[" * depth, '{"email": ' * depth + '"a@exemple.fr"' + "}" * depth]
    signed_in_client = Client()
    signed_in_client.force_login(user)
    failures = []
    for client in (Client(), signed_in_client):
        for path in paths:
            for method in METHODS[1:]:
                for body in bodies:
                    response = client.generic(method, path, body, content_type="application/json")
                    if response.status_code != 400:
                        failures.append(f"{method} {path} {depth} → {response.status_code}")
                    elif "imbriqués" not in response.json()["errors"][0]["message"]:
                        failures.append(f"{method} {path} {depth}: {response.content[:80]!r}")
    assert not failures, "\n".join(failures)


def test_brackets_in_strings_and_a_flat_body_are_not_refused_as_nested(client):
    user = UserFactory()
    response = client.post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": user.email, "password": "mot-de-passe-solide-42", "x": "[" * 500}),
        content_type="application/json",
    )
    assert response.status_code == 200
