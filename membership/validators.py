import re

from django.core.exceptions import ValidationError
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as InvalidNumber

# La Poste's establishments share one SIREN and follow another checksum rule.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn checksum is right (spaces are tolerated)."""
    digits = "".join(value.split())
    # isdigit() alone lets through other scripts' digits and superscripts, which int() refuses.
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        raise ValidationError("Un SIRET comporte 14 chiffres.", code="siret_length")
    if digits.startswith(LA_POSTE_SIREN) and sum(int(char) for char in digits) % 5 == 0:
        return
    if not luhn_valid(digits):
        raise ValidationError(
            "Ce SIRET n’est pas valide : vérifiez les chiffres (clé de contrôle incorrecte).",
            code="siret_checksum",
        )


PHONE_CHARACTERS = re.compile(r"\+?[0-9 .()\-\xa0]+")


def validate_phone(value: str) -> None:
    """A phone number as people write it: digits, spaces, dots, dashes, brackets, a leading +."""
    digits = sum(char.isascii() and char.isdigit() for char in value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 6 <= digits <= 15:
        raise ValidationError(
            "Indiquez un numéro de téléphone : des chiffres, avec si besoin des espaces, des "
            "points ou des tirets, et « + » devant l’indicatif (par exemple 06 12 34 56 78).",
            code="phone",
        )


def validate_iban(value: str) -> None:
    """An IBAN whose country format and check digits are right (python-stdnum)."""
    try:
        iban.validate(value)
    except InvalidNumber as exc:
        raise ValidationError(
            "Cet IBAN n’est pas valide : vérifiez-le sur votre RIB (clé ou longueur incorrecte).",
            code="iban",
        ) from exc


def validate_bic(value: str) -> None:
    """A BIC (SWIFT code) of 8 or 11 characters with a known country (python-stdnum)."""
    try:
        bic.validate(value)
    except InvalidNumber as exc:
        raise ValidationError(
            "Ce BIC n’est pas valide : 8 ou 11 caractères, par exemple BNPAFRPPXXX.", code="bic"
        ) from exc
