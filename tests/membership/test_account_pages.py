"""The member's pages: sign-up by email, account page, profile, attachments, documents, data."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from membership import services
from membership.models import (
    AttachmentStatus,
    CotisationStatus,
    MemberOrganisation,
    OrganisationMembership,
)
from membership.years import membership_year

from .factories import (
    PAID_AT,
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    PaymentFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_person_signs_up_with_an_email_confirms_it_and_logs_in(client):
    for email in ("alice@exemple.fr", "bob@exemple.fr"):  # two sign-ups: usernames stay unique
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": "Un-mot-de-passe-42", "password2": "Un-mot-de-passe-42"},
        )
        assert response.status_code == 302
        client.logout()
    assert len(mail.outbox) == 2
    assert "confirm" in mail.outbox[0].body.lower()

    login = {"login": "alice@exemple.fr", "password": "Un-mot-de-passe-42"}
    client.post(reverse("account_login"), login)
    assert client.get(reverse("membership:account")).status_code == 302  # not verified yet

    EmailAddress.objects.filter(email="alice@exemple.fr").update(verified=True)
    client.post(reverse("account_login"), login)
    page = client.get(reverse("membership:account"))
    assert page.status_code == 200
    assert "Mon espace" in page.content.decode()


def test_login_page_is_french_and_in_the_sites_look(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Connexion" in page
    assert 'class="site-header"' in page
    assert "membership/membership.css" in page


def test_account_page_says_who_covers_the_member(client):
    cotisation = CotisationFactory(
        user=None,
        organisation=OrganisationFactory(name="Commune de Bourganeuf"),
        year=membership_year(),
        status=CotisationStatus.PAID,
    )
    user = AttachmentFactory(organisation=cotisation.organisation).user
    client.force_login(user)
    page = client.get(reverse("membership:account")).content.decode()
    assert "Vous êtes couvert(e)" in page
    assert "par la cotisation de Commune de Bourganeuf" in page


def test_account_page_offers_the_membership_form_when_not_covered(client):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    client.force_login(UserFactory())
    page = client.get(reverse("membership:account")).content.decode()
    assert "Vous n’êtes pas couvert(e)" in page
    assert reverse("membership:form") in page


def test_profile_edit(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("membership:profile"),
        {
            "first_name": "Jeanne",
            "last_name": "Dupont",
            "phone": "05 55 00 00 00",
            "job_title": "Secrétaire de mairie",
            "category": "reduced",
            "address": "1 place du Marché\n23400 Bourganeuf",
        },
    )
    assert response.status_code == 302
    user.member_profile.refresh_from_db()
    assert user.member_profile.full_name == "Jeanne Dupont"
    assert user.member_profile.category == "reduced"


def test_profile_refuses_an_organisation_category(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("membership:profile"),
        {"first_name": "J", "last_name": "D", "category": "commune"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_request_attachment_then_referent_confirms(client):
    organisation = OrganisationFactory()
    referent = AttachmentFactory(organisation=organisation, is_referent=True).user
    member = UserFactory()
    client.force_login(member)
    client.post(reverse("membership:attachment_request"), {"organisation": organisation.pk})
    attachment = OrganisationMembership.objects.get(user=member)
    assert attachment.status == AttachmentStatus.REQUESTED
    assert mail.outbox[-1].to == [referent.email]

    client.force_login(referent)
    assert member.email in client.get(reverse("membership:account")).content.decode()
    client.post(
        reverse("membership:attachment_decide", args=[attachment.pk]), {"decision": "confirm"}
    )
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.CONFIRMED
    assert attachment.decided_by == referent
    assert mail.outbox[-1].to == [member.email]


def test_a_plain_member_cannot_decide_attachments(client):
    attachment = AttachmentFactory(status=AttachmentStatus.REQUESTED)
    colleague = AttachmentFactory(organisation=attachment.organisation).user  # not a referent
    client.force_login(colleague)
    response = client.post(
        reverse("membership:attachment_decide", args=[attachment.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 404
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.REQUESTED


def test_request_attachment_to_an_unlisted_organisation_checks_its_siret(client):
    member = UserFactory()
    client.force_login(member)
    data = {
        "name": "Foyer rural de Felletin",
        "kind": "association",
        "category": "association",
        "siret": "73282932000075",
        "town": "Felletin",
    }
    response = client.post(reverse("membership:attachment_request"), data)
    assert "clé de contrôle" in response.content.decode()
    assert not MemberOrganisation.objects.exists()

    client.post(reverse("membership:attachment_request"), {**data, "siret": "732 829 320 00074"})
    organisation = MemberOrganisation.objects.get()
    assert organisation.siret == "73282932000074"
    assert organisation.memberships.get().user == member


def test_receipt_download_is_a_pdf_with_its_number_and_only_for_its_holder(client):
    payment = PaymentFactory(cotisation__user=ProfileFactory(first_name="Jeanne").user)
    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    url = reverse("membership:receipt", args=[receipt.pk])

    client.force_login(payment.cotisation.user)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert receipt.display_number.encode() in response.content

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_membership_form_is_prefilled_with_the_tariff(client):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    profile = ProfileFactory(last_name="Durand")
    client.force_login(profile.user)
    response = client.get(reverse("membership:form"))
    assert response.content.startswith(b"%PDF")
    assert b"Durand" in response.content
    assert b"45,00" in response.content


def test_membership_form_of_an_organisation_needs_a_confirmed_attachment(client):
    attachment = AttachmentFactory(status=AttachmentStatus.REQUESTED)
    client.force_login(attachment.user)
    url = f"{reverse('membership:form')}?organisation={attachment.organisation.pk}"
    assert client.get(url).status_code == 404
    attachment.status = AttachmentStatus.CONFIRMED
    attachment.save()
    assert client.get(url).content.startswith(b"%PDF")


def test_personal_data_download(client):
    payment = PaymentFactory(cotisation__user=ProfileFactory(last_name="Durand").user)
    services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    AttachmentFactory(user=payment.cotisation.user)
    client.force_login(payment.cotisation.user)

    response = client.get(reverse("membership:data_export"))

    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == payment.cotisation.user.email
    assert data["profile"]["last_name"] == "Durand"
    assert data["cotisations"][0]["status"] == "paid"
    assert data["payments"][0]["amount"] == "30.00"
    assert data["receipts"][0]["number"].endswith("-000001")
    assert len(data["organisations"]) == 1


def test_personal_data_holds_reminders_and_api_tokens_with_paris_times(client):
    from wagtail.models import APIToken

    user = CotisationFactory(year=2025, status=CotisationStatus.PAID).user
    services.reminder_send(year=2026, user=user)
    APIToken.objects.create(user=user, name="Tableur de suivi", key_hash="x" * 64, prefix="abc")
    client.force_login(user)

    data = json.loads(client.get(reverse("membership:data_export")).content)

    assert data["reminders"] == [
        {"year": 2026, "sent_at": data["reminders"][0]["sent_at"], "to": user.email}
    ]
    assert [token["name"] for token in data["api_tokens"]] == ["Tableur de suivi"]
    paris = dt.datetime.fromisoformat(data["reminders"][0]["sent_at"]).utcoffset()
    assert paris == timezone.localtime().utcoffset() != dt.timedelta(0)
    assert dt.datetime.fromisoformat(data["exported_at"]).utcoffset() == paris


def test_account_deletion_keeps_anonymised_financial_records(client):
    profile = ProfileFactory(last_name="Durand", phone="0600000000")
    user = profile.user
    payment = PaymentFactory(cotisation__user=user)
    receipt = services.payment_succeeded(payment=payment, paid_at=PAID_AT)
    number, amount = receipt.number, receipt.amount
    assert "Durand" in receipt.holder_name
    AttachmentFactory(user=user)
    client.force_login(user)

    wrong = client.post(reverse("membership:account_delete"), {"password": "pas-le-bon"})
    assert "Mot de passe incorrect" in wrong.content.decode()

    response = client.post(
        reverse("membership:account_delete"), {"password": "mot-de-passe-solide-42"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert "Durand" not in user.email and user.email.endswith("@invalid")
    assert not user.has_usable_password()
    assert not hasattr(user, "member_profile") or not type(profile).objects.filter(user=user)
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not OrganisationMembership.objects.filter(user=user).exists()
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert payment.cotisation.user == user
    receipt.refresh_from_db()
    # The receipt stays, numbered and dated, without the person's name and address.
    assert (receipt.number, receipt.amount) == (number, amount)
    assert receipt.holder_name == "Adhérent (compte supprimé)" and not receipt.holder_address
    assert client.get(reverse("membership:account")).status_code == 302


def test_reminder_email_skipped_for_deleted_accounts():
    user = CotisationFactory(year=2025, status=CotisationStatus.PAID).user
    services.account_delete(user=user)
    assert services.reminders_send(year=2026) == 0


def test_pages_need_login(client):
    for name in ("membership:account", "membership:profile", "membership:data_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_provisional_dates_are_shown_in_french(client):
    cotisation = CotisationFactory(
        year=membership_year(),
        status=CotisationStatus.PROVISIONAL,
        provisional_until=dt.date(2099, 3, 31),
    )
    client.force_login(cotisation.user)
    page = client.get(reverse("membership:account")).content.decode()
    assert "31 mars 2099" in page


def test_online_payment_is_offered_only_when_stripe_is_configured(client, settings):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    client.force_login(UserFactory())
    settings.PORTAIL_STRIPE_SECRET_KEY = settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""
    assert "en ligne</a>" not in client.get(reverse("membership:account")).content.decode()

    settings.PORTAIL_STRIPE_SECRET_KEY = "sk_test_portail"
    settings.PORTAIL_STRIPE_WEBHOOK_SECRET = "whsec_portail"
    page = client.get(reverse("membership:account")).content.decode()
    assert "Payer 45,00 € en ligne</a>" in page
