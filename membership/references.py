"""The payment reference of a cotisation: the label a member writes on a transfer or a cheque.

A holder has one reference per membership year, known as soon as they have a category for that
year, before any cotisation exists. It is derived from the holder and the year, so it needs no
storage and is the same on the form, in the member's area, in the API and on a bank statement.
Two check digits (ISO 7064 mod 97-10, as in an IBAN) catch a mistyped reference. Only letters and
digits: banks drop or change other characters in a transfer's label.
"""

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_97_10

PREFIX = "ADH"
PERSON = "P"
ORGANISATION = "O"

# Tolerates what banks and people put between the parts: spaces, dashes, dots, slashes.
_SEPARATOR = r"[\s\-./]*"
REFERENCE_PATTERN = re.compile(
    rf"{PREFIX}{_SEPARATOR}(\d{{4}}){_SEPARATOR}([{PERSON}{ORGANISATION}]){_SEPARATOR}"
    rf"(\d{{6}}){_SEPARATOR}(\d{{2}})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PaymentReference:
    year: int
    kind: str  # PERSON or ORGANISATION
    holder_id: int

    @property
    def is_organisation(self) -> bool:
        return self.kind == ORGANISATION

    def __str__(self) -> str:
        base = f"{PREFIX}{self.year:04d}{self.kind}{self.holder_id:06d}"
        return base + mod_97_10.calc_check_digits(base)


def payment_reference(*, year: int, user=None, organisation=None) -> str:
    """The reference of one holder's cotisation for ``year`` (give exactly one holder)."""
    if (user is None) == (organisation is None):
        raise ValueError("Give exactly one holder: user or organisation.")
    if organisation is not None:
        return str(PaymentReference(year, ORGANISATION, organisation.pk))
    return str(PaymentReference(year, PERSON, user.pk))


def find_payment_references(text: str) -> list[PaymentReference]:
    """The valid references written in ``text`` (a transfer's label), in order, without repeats.

    A reference whose check digits are wrong is not returned: it was mistyped, and matching it to
    another holder would credit the wrong person.
    """
    found: list[PaymentReference] = []
    for match in REFERENCE_PATTERN.finditer(text or ""):
        year, kind, holder_id, check = match.groups()
        base = f"{PREFIX}{year}{kind.upper()}{holder_id}"
        if not mod_97_10.is_valid(base + check):
            continue
        reference = PaymentReference(int(year), kind.upper(), int(holder_id))
        if reference not in found:
            found.append(reference)
    return found
