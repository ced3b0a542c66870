import pytest
from django.core.exceptions import ValidationError

from membership.models import MemberOrganisation, OrganisationKind
from membership.validators import validate_siret


@pytest.mark.parametrize(
    "siret", ["73282932000074", "732 829 320 00074", "732\xa0829\xa0320\xa000074", "35600000000048"]
)
def test_valid_sirets_pass(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "clé de contrôle"),
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "14 chiffres"),
        ("²²²²²²²²²²²²²²", "14 chiffres"),  # digits to str.isdigit(), not to int()
        ("٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "14 chiffres"),
    ],
)
def test_invalid_sirets_are_explained(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_la_poste_establishments_follow_their_own_rule():
    validate_siret("35600000012346")  # digits sum to a multiple of 5, Luhn fails


def test_an_organisation_may_leave_its_siret_blank_and_spaces_are_removed():
    organisation = MemberOrganisation(name="Foyer rural", kind=OrganisationKind.ASSOCIATION)
    organisation.full_clean()
    organisation.siret = "732 829 320\xa000074"
    organisation.full_clean()
    assert organisation.siret == "73282932000074"


def test_the_siren_inside_the_siret_must_be_valid_too():
    # The 14 digits pass the Luhn check, but their first nine, the SIREN, do not.
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("21230096900012")
