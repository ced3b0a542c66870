"""PDF documents: receipts (and credit notes) and the pre-filled membership form.

Both carry the association's identity from its site settings (``membership.AssociationSettings``).
Pages are left uncompressed: they are small, and the numbers stay readable in the file.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .app_settings import app_settings
from .formats import euros
from .models import MemberCategory, PaymentMethod, Receipt, ReceiptKind
from .years import year_label

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=STYLES["Normal"], fontName="Helvetica", fontSize=10, leading=14
)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.grey)
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=16, leading=20)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=11)
ASSOCIATION = ParagraphStyle("association", parent=BODY, fontName="Helvetica-Bold", fontSize=12)


def _text(value) -> str:
    """Escape for reportlab's mini-markup; the standard fonts lack the narrow no-break space."""
    return escape(str(value)).replace("\u202f", "\xa0").replace("\n", "<br/>")


def _date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    with translation.override("fr"):  # receipts are French whatever the host's language
        return date_format(value, "j F Y")


def _identity_block(identity) -> list:
    lines = [Paragraph(_text(identity.name), ASSOCIATION)]
    details = [identity.legal_form, identity.address]
    legal = " · ".join(
        part
        for part in [
            f"SIRET {identity.siret}" if identity.siret else "",
            f"RNA {identity.rna}" if identity.rna else "",
        ]
        if part
    )
    contact = " · ".join(
        part for part in [identity.email, identity.phone, identity.website] if part
    )
    lines += [Paragraph(_text(line), BODY) for line in [*details, legal, contact] if line]
    return lines


def _document(build) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        pageCompression=0,
        title=build.title,
        author=build.author,
    )
    document.build(build.story)
    return buffer.getvalue()


class _Build:
    def __init__(self, title: str, author: str):
        self.title, self.author, self.story = title, author, []


def _table(rows: list[tuple[str, str]], widths=(60 * mm, 110 * mm)) -> Table:
    table = Table(
        [[Paragraph(_text(label), BODY), Paragraph(_text(value), BODY)] for label, value in rows],
        colWidths=widths,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def receipt_pdf(receipt: Receipt, *, identity) -> bytes:
    """The receipt or credit note as a one-page PDF."""
    cotisation, payment = receipt.cotisation, receipt.payment
    is_credit = receipt.kind == ReceiptKind.CREDIT_NOTE
    heading = (
        f"Avoir n° {receipt.display_number}"
        if is_credit
        else f"Reçu de cotisation n° {receipt.display_number}"
    )
    build = _Build(heading, identity.name)
    story = build.story
    story += _identity_block(identity)
    story += [Spacer(1, 10 * mm), Paragraph(_text(heading), TITLE), Spacer(1, 2 * mm)]
    story.append(Paragraph(_text(f"Émis le {_date(receipt.issued_at)}"), BODY))
    if is_credit and receipt.credits_id:
        story.append(
            Paragraph(
                _text(f"Annule en tout ou partie le reçu n° {receipt.credits.display_number}"), BODY
            )
        )
    story += [Spacer(1, 8 * mm), Paragraph("Adhérent", HEADING)]
    story.append(Paragraph(_text(receipt.holder_name), BODY))
    if receipt.holder_address:
        story.append(Paragraph(_text(receipt.holder_address), BODY))
    rows = [
        (
            "Objet",
            f"Cotisation {year_label(cotisation.year)} — "
            f"{MemberCategory(cotisation.category).label}",
        ),
        ("Montant remboursé" if is_credit else "Montant reçu", euros(receipt.amount)),
        ("Moyen de paiement", PaymentMethod(payment.method).label),
    ]
    if payment.succeeded_at:
        rows.append(("Payé le", _date(payment.succeeded_at)))
    if payment.reference:
        rows.append(("Référence", payment.reference))
    story += [Spacer(1, 6 * mm), _table(rows), Spacer(1, 8 * mm)]
    closing = (
        "Cet avoir corrige le reçu indiqué ci-dessus ; la somme a été rendue au payeur."
        if is_credit
        else "Reçu pour acquit. Nous vous remercions de votre adhésion."
    )
    story.append(Paragraph(_text(closing), BODY))
    story += [
        Spacer(1, 12 * mm),
        Paragraph(
            _text(
                f"Document numéroté dans la série {receipt.series}, sans rupture ni réutilisation."
            ),
            SMALL,
        ),
    ]
    return _document(build)


def membership_form_pdf(
    *,
    identity,
    year: int,
    holder_name: str,
    holder_lines: list[tuple[str, str]],
    category: str,
    amount: Decimal | None,
    transfer_reference: str,
) -> bytes:
    """The membership form (bulletin de cotisation) pre-filled for one holder and year, with the
    ways to pay offline: cheque, transfer, administrative mandate."""
    title = f"Bulletin de cotisation {year_label(year)}"
    build = _Build(title, identity.name)
    story = build.story
    story += _identity_block(identity)
    story += [Spacer(1, 10 * mm), Paragraph(_text(title), TITLE), Spacer(1, 4 * mm)]
    story.append(Paragraph("Adhérent", HEADING))
    rows = [("Nom", holder_name), *holder_lines, ("Catégorie", MemberCategory(category).label)]
    rows.append(
        (
            "Montant de la cotisation",
            euros(amount) if amount is not None else "selon le tarif voté (nous consulter)",
        )
    )
    story += [_table(rows), Spacer(1, 6 * mm), Paragraph("Règlement", HEADING)]
    payee = app_settings.CHEQUE_PAYEE or identity.name
    ways = [
        ("Chèque", f"à l’ordre de « {payee} », envoyé avec ce bulletin à l’adresse ci-dessus."),
        (
            "Virement",
            (f"{app_settings.BANK_DETAILS} — " if app_settings.BANK_DETAILS else "")
            + f"libellé à indiquer : {transfer_reference}",
        ),
        (
            "Mandat administratif",
            "joignez votre bon de commande ; le reçu est émis à réception du mandat.",
        ),
    ]
    story += [_table(ways), Spacer(1, 8 * mm)]
    story.append(Paragraph(_text("Fait à ……………………………… le ……………………"), BODY))
    story += [Spacer(1, 6 * mm), Paragraph("Signature (et cachet pour une organisation) :", BODY)]
    story += [
        Spacer(1, 25 * mm),
        Paragraph(
            _text(
                "Les informations de ce bulletin servent à la gestion des adhésions. Vous pouvez "
                "les consulter, les télécharger ou supprimer votre compte depuis votre espace "
                "adhérent."
            ),
            SMALL,
        ),
    ]
    return _document(build)
