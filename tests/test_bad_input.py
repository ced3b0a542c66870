"""Wrong input gets a French message and leaves nothing half-written.

Each test sends what a person (or an operator at the command line) gets wrong to a form or a
management command, reads the French message given back, and counts the rows that could have
been written: the counts do not move.
"""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from catalogue.models import (
    Application,
    AttendanceMode,
    Registration,
    RegistrationMode,
    Theme,
)
from membership.models import (
    AssociationSettings,
    CotisationStatus,
    MemberOrganisation,
    MemberProfile,
    OrganisationMembership,
    Reminder,
)
from membership.years import membership_year
from tests.catalogue.factories import (
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
)
from tests.membership.factories import CotisationFactory, ProfileFactory, TariffFactory

pytestmark = pytest.mark.django_db


def counts(*models) -> dict:
    return {model.__name__: model.objects.count() for model in models}


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(client):
    user = ProfileFactory(first_name="Camille", last_name="Martin").user
    CotisationFactory(user=user, year=membership_year(), status=CotisationStatus.PAID)
    client.force_login(user)
    return user


# --------------------------------------------------------------------------- forms


def test_signup_with_a_bad_email_and_mismatched_passwords_says_so_in_french(client):
    before = counts(get_user_model(), EmailAddress)

    response = client.post(
        "/comptes/signup/",
        {"email": "pas-une-adresse", "password1": "Bocage-2026!", "password2": "Bocage-2027!"},
    )

    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide." in page_text(response)
    assert counts(get_user_model(), EmailAddress) == before


def test_signup_with_a_weak_password_says_so_in_french(client):
    before = counts(get_user_model(), EmailAddress)

    response = client.post(
        "/comptes/signup/",
        {"email": "camille@exemple.fr", "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in page_text(response)
    assert counts(get_user_model(), EmailAddress) == before


def test_a_profile_with_a_missing_name_and_an_overlong_phone_is_not_saved(client, member):
    response = client.post(
        "/adhesion/profil/",
        {
            "first_name": "",
            "last_name": "Martin",
            "phone": "0" * 31,
            "job_title": "Élue",
            "category": "individual",
            "address": "",
        },
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Champ requis." in text
    assert "au plus 30 caractères" in text
    profile = MemberProfile.objects.get(user=member)
    assert (profile.first_name, profile.phone, profile.job_title) == ("Camille", "", "")


def test_an_organisation_with_a_wrong_siret_is_neither_created_nor_joined(client, member):
    before = counts(MemberOrganisation, OrganisationMembership)

    response = client.post(
        "/adhesion/organisation/",
        {
            "organisation": "",
            "name": "Commune de Bourganeuf",
            "kind": "commune",
            "category": "small_commune",
            "siret": "21230096900013",
            "address": "Place de la Mairie",
            "postcode": "23400",
            "town": "Bourganeuf",
            "billing_email": "mairie@bourganeuf.fr",
        },
    )

    assert response.status_code == 200
    assert "Ce SIRET n’est pas valide" in page_text(response)
    assert counts(MemberOrganisation, OrganisationMembership) == before


def test_registering_for_a_date_the_session_does_not_offer_is_refused(client, member):
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[(in_weeks(4, 10), in_weeks(4, 12)), (in_weeks(5, 10), in_weeks(5, 12))],
    )
    other_session = SessionPageFactory()
    foreign_date = other_session.occurrences.get()
    before = counts(Registration)

    refused = {
        "": "Choisissez une date.",
        foreign_date.pk: "Cette date n'est pas proposée pour cette session.",
        "pas-un-nombre": "Cette date n'est pas proposée pour cette session.",
    }
    for occurrence, message in refused.items():
        response = client.post(f"/inscriptions/session/{session.pk}/", {"occurrence": occurrence})

        assert response.status_code == 200
        assert message in page_text(response).replace("&#x27;", "'")
    assert counts(Registration) == before
    assert not mail.outbox


def test_an_application_without_its_required_answer_is_not_recorded(client, member):
    call = WorkingGroupCallPageFactory(
        registration_mode=RegistrationMode.APPLICATION,
        questions=[{"label": "Vos attentes ?", "required": True}],
    )
    question = call.questions.get()
    before = counts(Application)

    response = client.post(f"/inscriptions/appel/{call.pk}/candidature/", {str(question.pk): " "})

    assert response.status_code == 200
    assert "Répondez à la question « Vos attentes ? »." in page_text(response)
    assert counts(Application) == before
    assert not mail.outbox


def test_an_unknown_catalogue_filter_is_explained_and_the_catalogue_still_shows(client):
    session = SessionPageFactory(themes=[ThemeFactory(name="Mobilités")])
    session.save_revision().publish()
    index = session.get_parent()

    response = client.get(index.url, {"theme": "inconnu", "format": "par-pigeon"})

    assert response.status_code == 200
    text = page_text(response)
    assert "Sélectionnez un choix valide" in text
    assert session.title in text


def test_an_empty_or_unknown_search_is_explained_in_french(client):
    empty = client.get("/recherche/", {"q": "le des"})
    unknown = client.get("/recherche/", {"q": "mobilité", "theme": "inconnu"})

    assert empty.status_code == 200
    assert "Précisez votre recherche : les mots très courants" in page_text(empty)
    assert unknown.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(unknown)


def test_the_api_explains_wrong_parameters_in_french(client):
    response = client.get("/api/catalogue/", {"limit": "beaucoup", "when": "demain"})

    assert response.status_code == 422
    message = response.json()["message"]
    assert "« limit » : Indiquez un nombre entier" in message
    assert "« when » : Valeur inconnue" in message


# --------------------------------------------------------------------------- commands


def test_cotisation_reminders_with_an_impossible_date_stop_before_sending(member):
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    ProfileFactory()  # someone with nothing paid, who would be reminded
    before = counts(Reminder)

    with pytest.raises(CommandError, match="Date invalide : utilisez le format AAAA-MM-JJ."):
        call_command("send_cotisation_reminders", "--date", "2026-02-30")

    assert counts(Reminder) == before
    assert not mail.outbox


def test_load_demo_without_a_default_site_says_what_to_do_and_writes_nothing(home_page):
    Site.objects.update(is_default_site=False)
    before = counts(Page, AssociationSettings)

    with pytest.raises(CommandError, match="Aucun site par défaut : lancez d'abord"):
        call_command("load_demo")

    assert counts(Page, AssociationSettings) == before


def test_load_demo_facing_a_conflicting_theme_says_so_and_writes_nothing(home_page):
    Theme.objects.create(name="Coopération", slug="cooperer")
    before = counts(Page, Theme, AssociationSettings)

    with pytest.raises(CommandError, match="conflit avec celui de la démonstration"):
        call_command("load_demo")

    assert counts(Page, Theme, AssociationSettings) == before
