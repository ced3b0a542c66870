import pytest

from membership.references import PaymentReference, find_payment_references, payment_reference


class Holder:
    def __init__(self, pk):
        self.pk = pk


def test_a_reference_names_the_year_the_kind_of_holder_and_the_holder():
    reference = payment_reference(year=2026, organisation=Holder(7))
    assert reference.startswith("ADH2026O000007")
    assert reference.isalnum()
    assert payment_reference(year=2026, user=Holder(7)) != reference
    assert payment_reference(year=2027, organisation=Holder(7)) != reference


def test_exactly_one_holder_is_required():
    with pytest.raises(ValueError):
        payment_reference(year=2026)
    with pytest.raises(ValueError):
        payment_reference(year=2026, user=Holder(1), organisation=Holder(2))


def test_a_reference_is_found_in_a_label_as_banks_rewrite_it():
    reference = payment_reference(year=2026, user=Holder(42))
    spaced = f"{reference[:3]}-{reference[3:7]} {reference[7].lower()} {reference[8:14]}.{reference[14:]}"
    label = f"VIR SEPA COTISATION {spaced} MME DUPONT {reference}"
    assert find_payment_references(label) == [PaymentReference(2026, "P", 42)]


def test_a_mistyped_reference_is_not_found():
    reference = payment_reference(year=2026, user=Holder(42))
    wrong_check = reference[:-2] + f"{(int(reference[-2:]) + 1) % 100:02d}"
    wrong_holder = reference[:8] + "000043" + reference[-2:]
    assert find_payment_references(wrong_check) == []
    assert find_payment_references(wrong_holder) == []
    assert find_payment_references("") == []


@pytest.mark.django_db
def test_a_cotisation_carries_its_holders_reference_for_its_year():
    from tests.membership.factories import CotisationFactory

    cotisation = CotisationFactory()
    holder = (
        {"organisation": cotisation.organisation}
        if cotisation.organisation_id
        else {"user": cotisation.user}
    )
    assert cotisation.payment_reference == payment_reference(year=cotisation.year, **holder)
