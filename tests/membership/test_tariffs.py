"""Tariffs: a flat amount or per inhabitant between a floor and a ceiling; the one read that
prices a holder's cotisation, and what it says when it cannot."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from membership import services
from membership.dues import NO_INHABITANTS, NO_TARIFF, AmountUnknown, amount_due
from membership.models import MemberCategory, PaymentMethod, Tariff, TariffFormula
from membership.years import membership_year

from .factories import OrganisationFactory, ProfileFactory, TariffFactory, UserFactory

pytestmark = pytest.mark.django_db

PER_INHABITANT = {
    "formula": TariffFormula.PER_INHABITANT,
    "amount": None,
    "per_inhabitant": Decimal("0.12"),
    "floor": Decimal("80.00"),
    "ceiling": Decimal("2500.00"),
}


@pytest.fixture
def identity():
    identity = services.association_identity()
    identity.name, identity.email, identity.phone = (
        "Cap Rural",
        "contact@caprural.org",
        "04 76 00 00 00",
    )
    identity.save()
    return identity


@pytest.mark.parametrize(
    ("inhabitants", "expected"),
    [
        (300, Decimal("80.00")),  # 36,00 € raised to the floor
        (4_321, Decimal("518.52")),
        (43_210, Decimal("2500.00")),  # 5 185,20 € held to the ceiling
    ],
)
def test_a_commune_pays_per_inhabitant_between_the_floor_and_the_ceiling(inhabitants, expected):
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.COMMUNE, **PER_INHABITANT)
    commune = OrganisationFactory(category=MemberCategory.COMMUNE, inhabitants=inhabitants)

    assert amount_due(year=year, organisation=commune) == expected
    assert services.cotisation_open(organisation=commune, year=year).amount == expected


def test_a_rate_per_inhabitant_is_rounded_to_the_cent_half_up():
    tariff = Tariff(formula=TariffFormula.PER_INHABITANT, per_inhabitant=Decimal("0.125"))
    assert tariff.amount_for(3) == Decimal("0.38")  # 0,375
    assert tariff.amount_for(None) is None


def test_the_formula_reads_in_french_words():
    assert Tariff(amount=Decimal("1200")).formula_text == "1\xa0200,00 €"
    assert Tariff(**PER_INHABITANT).formula_text == (
        "0,12 € par habitant, au minimum 80,00 € et au maximum 2\xa0500,00 €"
    )
    assert (
        Tariff(formula=TariffFormula.PER_INHABITANT, per_inhabitant=Decimal("0.125")).formula_text
        == "0,125 € par habitant"
    )


def test_an_individual_pays_the_flat_amount_of_their_category():
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.REDUCED, amount=Decimal("15.00"))
    user = ProfileFactory(category=MemberCategory.REDUCED).user
    assert amount_due(year=year, user=user) == Decimal("15.00")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": None}, "amount", "Indiquez le montant de la cotisation."),
        (
            {**PER_INHABITANT, "per_inhabitant": None},
            "per_inhabitant",
            "Indiquez le montant par habitant.",
        ),
        (
            {**PER_INHABITANT, "floor": Decimal("900"), "ceiling": Decimal("800")},
            "ceiling",
            "Le plafond doit être supérieur ou égal au plancher.",
        ),
        ({"amount": Decimal("-1")}, "amount", "Un montant ne peut pas être négatif."),
    ],
)
def test_an_incomplete_tariff_is_refused_in_french(fields, field, message):
    tariff = Tariff(year=membership_year(), category=MemberCategory.COMMUNE, **fields)
    with pytest.raises(ValidationError) as error:
        tariff.full_clean()
    assert message in error.value.message_dict[field]


def test_the_database_refuses_a_tariff_without_its_amount():
    with pytest.raises(IntegrityError), transaction.atomic():
        Tariff.objects.create(year=2026, category=MemberCategory.COMMUNE, amount=None)


def test_a_flat_tariff_forgets_the_floor_and_ceiling_of_another_formula():
    tariff = Tariff(
        year=2026, category=MemberCategory.ASSOCIATION, amount=Decimal("60"), floor=Decimal("1")
    )
    tariff.full_clean()
    assert tariff.floor is None and tariff.formula_text == "60,00 €"


@pytest.mark.parametrize(
    ("inhabitants", "message"),
    [
        (0, "Indiquez un nombre d’habitants d’au moins 1."),
        (80_000_000, "Ce nombre d’habitants dépasse celui de la France entière : vérifiez-le."),
    ],
)
def test_an_organisations_inhabitants_are_validated(inhabitants, message):
    organisation = OrganisationFactory.build(inhabitants=inhabitants)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert error.value.message_dict["inhabitants"] == [message]


def test_without_a_tariff_the_member_is_told_whom_to_contact(identity):
    user = UserFactory()
    year = membership_year()
    with pytest.raises(AmountUnknown) as error:
        services.cotisation_open(user=user, year=year)
    assert error.value.code == NO_TARIFF
    assert error.value.messages == [
        f"Le tarif {year} de la catégorie « Adhésion individuelle » n’est pas encore fixé : pour "
        "connaître le montant de votre cotisation, contactez Cap Rural "
        "(contact@caprural.org, 04 76 00 00 00)."
    ]
    assert "l’équipe" not in error.value.messages[0]
    assert reverse("membership_tariff_modeladmin_create") in error.value.staff_message


def test_per_inhabitant_without_inhabitants_asks_for_them(identity):
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.COMMUNE, **PER_INHABITANT)
    commune = OrganisationFactory(name="Commune de Crocq", category=MemberCategory.COMMUNE)

    with pytest.raises(AmountUnknown) as error:
        services.cotisation_open(organisation=commune, year=year)

    assert error.value.code == NO_INHABITANTS
    assert "dépend de son nombre d’habitants" in error.value.messages[0]
    assert "contact@caprural.org" in error.value.messages[0]
    edit = reverse("membership_memberorganisation_modeladmin_edit", args=[commune.pk])
    assert f'href="{edit}"' in error.value.staff_message
    assert not commune.cotisations.exists()


def test_staff_recording_a_payment_without_a_tariff_get_a_link_to_the_tariffs(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    profile = ProfileFactory()
    url = reverse("membership_offline_payment", args=["personne", profile.pk])

    response = client.post(
        url,
        {
            "year": membership_year(),
            "method": PaymentMethod.TRANSFER,
            "amount": "30.00",
            "reference": "VIR-1",
            "received_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    page = response.content.decode()
    assert f'<a href="{reverse("membership_tariff_modeladmin_create")}">fixez-le' in page
    assert "contactez" not in page
    assert not profile.user.cotisations.exists()


def test_staff_see_the_formula_in_the_tariffs_list(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    TariffFactory(year=membership_year(), category=MemberCategory.COMMUNE, **PER_INHABITANT)
    page = client.get(reverse("membership_tariff_modeladmin_index")).content.decode()
    assert "0,12 € par habitant, au minimum 80,00 €" in page
