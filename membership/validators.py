import re

from django.core.exceptions import ValidationError
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as InvalidNumber
from stdnum.fr import siret


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits with a valid SIREN and check digit (python-stdnum knows La Poste's
    establishments, which share one SIREN and follow another rule); spaces are tolerated."""
    digits = "".join(value.split())
    # isdigit() alone lets through other scripts' digits and superscripts.
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        raise ValidationError("Un SIRET comporte 14 chiffres.", code="siret_length")
    if not siret.is_valid(digits):
        raise ValidationError(
            "Ce SIRET n’est pas valide : vérifiez les chiffres (clé de contrôle incorrecte).",
            code="siret_checksum",
        )


# Chorus Pro's identifiers: letters, digits and a few separators, as public bodies write them.
CHORUS_SERVICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,99}")
ORDER_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _/.\-]{0,49}")


def validate_chorus_service_code(value: str) -> None:
    if not CHORUS_SERVICE_CODE.fullmatch(value.strip()):
        raise ValidationError(
            "Un code service Chorus Pro comporte au plus 100 lettres, chiffres, tirets ou "
            "soulignés, sans espace (par exemple SERVICE_FINANCES).",
            code="chorus_service_code",
        )


def validate_commitment_number(value: str) -> None:
    if not ORDER_NUMBER.fullmatch(value.strip()):
        raise ValidationError(
            "Un numéro d’engagement juridique comporte au plus 50 lettres, chiffres, espaces, "
            "tirets, points ou barres obliques.",
            code="commitment_number",
        )


def validate_purchase_order_number(value: str) -> None:
    if not ORDER_NUMBER.fullmatch(value.strip()):
        raise ValidationError(
            "Un numéro de bon de commande comporte au plus 50 lettres, chiffres, espaces, "
            "tirets, points ou barres obliques.",
            code="purchase_order_number",
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
