"""The start of a member's offline payment, shared by the journeys that follow it (the bank
statement import continues from the pending cotisation and the reference read on the form)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from home.demo import load_demo
from membership.models import Cotisation
from membership.references import payment_reference
from membership.years import membership_year
from tests.membership.dues_helpers import pdf_text
from tests.membership.factories import ProfileFactory

PASSWORD = "Bocage-et-haies-2026"


@dataclass
class OfflineMember:
    user: object
    email: str
    reference: str


@pytest.fixture
def offline_member(settings) -> OfflineMember:
    """The demo site (tariffs, bank details, « Adhérer » page) without Stripe keys, and a member
    with an account and no cotisation yet."""
    settings.PORTAIL_STRIPE_SECRET_KEY = settings.PORTAIL_STRIPE_WEBHOOK_SECRET = ""
    load_demo()
    profile = ProfileFactory(
        first_name="Lucie",
        last_name="Fabre",
        user__email="lucie.fabre@exemple.fr",
        user__password=PASSWORD,
    )
    user = profile.user
    return OfflineMember(
        user=user, email=user.email, reference=payment_reference(year=membership_year(), user=user)
    )


def log_in(page: Page, member: OfflineMember) -> None:
    page.goto("/comptes/login/")
    page.get_by_label("E-mail").fill(member.email)
    page.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def download_the_form(page: Page, member: OfflineMember) -> tuple[str, Cotisation]:
    """From the member's area, download this year's membership form; returns its text and the
    pending cotisation the download opened."""
    page.goto("/adhesion/")
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=f"Télécharger le bulletin de cotisation {membership_year()} (PDF)"
        ).click()
    download = download_info.value
    assert download.suggested_filename == f"bulletin-cotisation-{membership_year()}.pdf"
    with open(download.path(), "rb") as form:
        text = pdf_text(form.read())
    return text, Cotisation.objects.live().get(user=member.user, year=membership_year())
