"""The member API: who may read what, with a session cookie or a bearer token."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from membership import services
from membership.models import CotisationStatus
from membership.years import membership_year

from .factories import (
    PAID_AT,
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    PaymentFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, plaintext = APIToken.create_token(user=user, name="front")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_me_needs_authentication(client):
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentification requise")
    assert client.get("/api/me/", HTTP_AUTHORIZATION="Bearer wagtail_faux").status_code == 401


def test_me_with_a_session_gives_profile_and_coverage_through_an_organisation(client):
    cotisation = CotisationFactory(
        user=None,
        organisation=OrganisationFactory(name="Pays de Guéret"),
        year=membership_year(),
        status=CotisationStatus.PAID,
    )
    profile = ProfileFactory(last_name="Durand")
    AttachmentFactory(user=profile.user, organisation=cotisation.organisation)
    client.force_login(profile.user)

    data = client.get("/api/me/").json()

    assert data["profile"]["last_name"] == "Durand"
    assert data["coverage"]["covered"] is True
    assert data["coverage"]["cotisation_id"] == cotisation.pk
    assert data["coverage"]["organisation_name"] == "Pays de Guéret"
    assert data["organisations"][0]["attachment_status"] == "confirmed"


def test_me_with_a_bearer_token_answers_for_the_tokens_owner():
    profile = ProfileFactory(last_name="Martin")
    data = Client().get("/api/me/", **bearer(profile.user)).json()
    assert data["profile"]["last_name"] == "Martin"
    assert data["coverage"]["covered"] is False


def test_a_revoked_token_or_an_inactive_account_is_refused():
    user = UserFactory()
    token, plaintext = APIToken.create_token(user=user, name="front")
    token.revoke()
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 401
    services.account_delete(user=user)
    assert Client().get("/api/me/", **bearer(user)).status_code == 401


def test_cotisations_lists_own_and_confirmed_organisations_only(client):
    user = UserFactory()
    own = CotisationFactory(user=user)
    organisation_cotisation = CotisationFactory(user=None, organisation=OrganisationFactory())
    AttachmentFactory(user=user, organisation=organisation_cotisation.organisation)
    requested = CotisationFactory(user=None, organisation=OrganisationFactory())
    AttachmentFactory(user=user, organisation=requested.organisation, status="requested")
    CotisationFactory()  # somebody else's

    client.force_login(user)
    ids = {c["id"] for c in client.get("/api/me/cotisations/").json()}

    assert ids == {own.pk, organisation_cotisation.pk}


def test_receipt_pdf_through_the_api_and_nobody_elses():
    payment = PaymentFactory()
    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    owner = bearer(payment.cotisation.user)

    (cotisation,) = Client().get("/api/me/cotisations/", **owner).json()
    (listed,) = cotisation["receipts"]
    assert listed["number"] == receipt.display_number
    assert Decimal(listed["amount"]) == Decimal("30.00")
    assert listed["url"] == f"/api/me/receipts/{receipt.pk}.pdf"

    response = Client().get(listed["url"], **owner)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert receipt.display_number.encode() in response.content

    stranger = bearer(UserFactory())
    assert Client().get(listed["url"], **stranger).status_code == 404
    assert Client().get(f"/api/me/receipts/{receipt.pk + 1000}.pdf", **owner).status_code == 404


def test_me_is_in_the_openapi_document(client):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    assert "/api/me/" in paths
    assert "/api/me/cotisations/" in paths
