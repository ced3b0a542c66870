"""Shared by the dues tests and the browser journey: the association's bank details, a member
with this year's tariff, and the text of a PDF."""

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from membership.identity import association_identity
from membership.models import MemberCategory
from membership.years import membership_year

from .factories import ProfileFactory, TariffFactory

# A test IBAN with right check digits (Banque de France's example) and a BIC of the right form.
IBAN = "FR7630006000011234567890189"
IBAN_DISPLAY = "FR76 3000 6000 0112 3456 7890 189"
BIC = "AGRIFRPP882"
CHEQUE_ADDRESS = "Cap Rural — Trésorerie\n1 rue de la Gare\n38000 Grenoble"


def set_bank_details(**extra):
    """The association's identity with its bank account and cheque address."""
    identity = association_identity()
    identity.name = "Cap Rural"
    identity.email = "contact@caprural.org"
    identity.iban, identity.bic = IBAN, BIC
    identity.cheque_address = CHEQUE_ADDRESS
    for name, value in extra.items():
        setattr(identity, name, value)
    identity.full_clean()
    identity.save()
    return identity


def member_with_tariff(amount=Decimal("45.00"), **profile):
    """A member (verified email, full name) whose category has this year's tariff."""
    TariffFactory(year=membership_year(), category=MemberCategory.INDIVIDUAL, amount=amount)
    return ProfileFactory(**profile).user


def pdf_text(content: bytes) -> str:
    """The text of every page, with runs of whitespace made single spaces."""
    reader = PdfReader(BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())
