"""POST /api/me/cotisations/checkout/: a decoupled front end sends the member to Stripe."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from membership.models import CotisationStatus, MemberCategory, Payment
from membership.years import membership_year

from .factories import AttachmentFactory, OrganisationFactory, TariffFactory

pytestmark = pytest.mark.django_db

URL = "/api/me/cotisations/checkout/"


def csrf_client(user) -> tuple[Client, str]:
    """A browser: session cookie, and the CSRF token it read from a page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("membership_checkout:checkout_start"))
    return client, client.cookies["csrftoken"].value


def test_a_browser_gets_the_checkout_address_with_its_session_and_csrf_token(
    stripe_fake, paying_member
):
    client, token = csrf_client(paying_member)

    response = client.post(URL, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    payment = Payment.objects.get(cotisation__user=paying_member)
    assert response.json() == {
        "checkout_url": stripe_fake.sessions[payment.stripe_checkout_session_id]["url"]
    }
    assert payment.cotisation.year == membership_year()
    assert payment.cotisation.status == CotisationStatus.PENDING


def test_without_the_csrf_token_a_session_cannot_start_a_payment(stripe_fake, paying_member):
    client, _token = csrf_client(paying_member)

    response = client.post(URL, {}, content_type="application/json")

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_a_server_with_a_bearer_token_pays_next_year_for_an_organisation(
    stripe_fake, paying_member
):
    organisation = OrganisationFactory(category=MemberCategory.ASSOCIATION)
    AttachmentFactory(user=paying_member, organisation=organisation)
    TariffFactory(year=membership_year() + 1, category=MemberCategory.ASSOCIATION, amount=80)
    _token, plaintext = APIToken.create_token(user=paying_member, name="front")

    response = Client().post(
        URL,
        {"year": membership_year() + 1, "organisation_id": organisation.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert payment.cotisation.organisation == organisation
    assert payment.cotisation.year == membership_year() + 1
    assert (
        stripe_fake.requests_to("POST", "/v1/checkout/sessions")[0].params["line_items"][0][
            "price_data"
        ]["unit_amount"]
        == "8000"
    )


def test_another_organisations_cotisation_is_out_of_reach(stripe_fake, paying_member, client):
    client.force_login(paying_member)

    response = client.post(
        URL, {"organisation_id": OrganisationFactory().pk}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Vous n’êtes pas rattaché(e) à cette organisation."}
    assert not Payment.objects.exists()


@pytest.mark.parametrize("year", [1999, 0, -1])
def test_a_year_that_cannot_be_paid_online_is_refused(stripe_fake, paying_member, client, year):
    client.force_login(paying_member)

    response = client.post(URL, {"year": year}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == f"La cotisation {year} ne peut pas être réglée en ligne."
    assert not Payment.objects.exists()


def test_without_stripe_keys_the_api_answers_503_in_french(settings, paying_member, client):
    settings.PORTAIL_STRIPE_SECRET_KEY = ""
    client.force_login(paying_member)

    response = client.post(URL, {}, content_type="application/json")

    assert response.status_code == 503
    assert "paiement en ligne n’est pas disponible" in response.json()["detail"]
    assert not Payment.objects.exists()


def test_when_stripe_is_down_the_api_answers_503(stripe_fake, paying_member, client):
    stripe_fake.unavailable = True
    client.force_login(paying_member)

    response = client.post(URL, {}, content_type="application/json")

    assert response.status_code == 503
    assert "momentanément indisponible" in response.json()["detail"]


def test_an_anonymous_caller_is_refused(stripe_fake, client):
    assert client.post(URL, {}, content_type="application/json").status_code == 401


def test_checkout_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json()

    operation = document["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400", "503"}
