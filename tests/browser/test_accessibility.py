"""Every page type the portal ships, and every member page, passes axe-core's WCAG 2.1 A and AA
rules in the browser: no serious or critical violation."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalogue.models import CatalogueIndexPage, ResourceArticlePage
from catalogue.registrations.services import registration_create
from home.demo import CATALOGUE_SLUG, load_demo
from membership.models import MemberCategory, MembershipPage
from membership.years import membership_year
from tests.browser.axe import blocking_violations
from tests.catalogue.factories import (
    SessionPageFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)
from tests.catalogue.registration_helpers import session_member
from tests.membership.factories import ProfileFactory, TariffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def signed_in(journey, name: str, user) -> Page:
    """A browser window already signed in as ``user`` (the session cookie of a test client)."""
    client = Client()
    client.force_login(user)
    page = journey.person(name)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": journey.base_url}]
    )
    return page


def test_every_page_type_and_member_page_passes_wcag_21_aa(journey):
    load_demo()
    today = timezone.localdate()
    catalogue = CatalogueIndexPage.objects.get(slug=CATALOGUE_SLUG)
    # One item in each state whose badge must be readable.
    full = SessionPageFactory(parent=catalogue, title="Session complète", capacity=1)
    not_open = SessionPageFactory(
        parent=catalogue,
        title="Session pas encore ouverte",
        registration_opens_at=in_weeks(1),
        occurrences=[(in_weeks(6), in_weeks(6, 12))],
    )
    closed_call = WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel aux candidatures closes",
        registration_deadline=today - dt.timedelta(days=1),
        first_meeting=today + dt.timedelta(weeks=8),
    )
    open_call = WorkingGroupCallPageFactory(
        parent=catalogue,
        title="Appel ouvert",
        questions=[{"label": "Vos attentes ?"}],
    )
    session = SessionPageFactory(parent=catalogue, title="Session ouverte")
    # On the same dates as ``session``: its member is covered for both.
    other_session = SessionPageFactory(parent=catalogue, title="Autre session ouverte")
    article = ResourceArticlePage.objects.live().first()

    member = session_member(session)
    ProfileFactory(user=member)
    registration_create(session=full, user=session_member(full))
    registration_create(session=session, user=member)
    newcomer = UserFactory()
    TariffFactory(year=membership_year(), category=MemberCategory.INDIVIDUAL)

    visitor = journey.person("visiteur")
    adherent = signed_in(journey, "adhérent", member)
    nouveau = signed_in(journey, "nouveau", newcomer)
    pages = [
        (visitor, "/", "Accueil"),
        (visitor, catalogue.url, "Catalogue"),
        (visitor, session.url, "Session"),
        (visitor, full.url, "Session complète"),
        (visitor, open_call.url, "Appel à manifestation d'intérêt"),
        (visitor, closed_call.url, "Appel aux candidatures closes"),
        (visitor, article.url, "Article"),
        (visitor, "/recherche/?q=b%C3%A9n%C3%A9voles", "Recherche"),
        (visitor, MembershipPage.objects.get().url, "Adhérer"),
        (visitor, reverse("account_login"), "Connexion"),
        (visitor, reverse("account_signup"), "Création de compte"),
        (adherent, reverse("membership:account"), "Mon espace"),
        (adherent, reverse("membership:profile"), "Mon profil"),
        (adherent, reverse("membership:attachment_request"), "Rattachement"),
        (adherent, reverse("catalogue:my_registrations"), "Mes inscriptions"),
        (adherent, reverse("catalogue:register", args=[other_session.pk]), "Inscription"),
        (adherent, reverse("catalogue:apply", args=[open_call.pk]), "Candidature"),
        (nouveau, reverse("membership_checkout:checkout_start"), "Cotisation"),
    ]

    with journey.step("badges d'état du catalogue"):
        visitor.goto(catalogue.url)
        for badge in (
            "Complet — liste d’attente",
            "Inscriptions bientôt ouvertes",
            "Candidatures closes",
        ):
            expect(visitor.get_by_text(badge).first).to_be_visible()
    assert not_open.registration_state() == "not_open"

    problems = []
    for page, url, label in pages:
        with journey.step(f"axe - {label}"):
            response = page.goto(url)
            assert response.ok, f"{label} ({url}) : HTTP {response.status}"
            problems += [f"{label} ({url}) {problem}" for problem in blocking_violations(page)]
    with journey.step("axe - Cotisation nécessaire"):
        nouveau.goto(session.url)
        nouveau.get_by_role("button", name="M’inscrire").click()
        expect(nouveau.get_by_role("heading", name="Cotisation nécessaire")).to_be_visible()
        problems += [f"Cotisation nécessaire {problem}" for problem in blocking_violations(nouveau)]
    assert not problems, "Violations WCAG 2.1 AA graves :\n" + "\n".join(problems)
