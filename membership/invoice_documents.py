"""Invoices and their credit notes as Factur-X files (EN 16931 profile), the form Chorus Pro
accepts as a deposited invoice: a PDF/A-3 drawn with reportlab (fonts embedded, sRGB output
intent) carrying the Cross Industry Invoice XML built and checked by the ``factur-x`` library.
"""

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import reportlab
from facturx import generate_from_binary
from facturx.generate_xml import generate_xml
from PIL import ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .formats import euros
from .models import CotisationStatus, Invoice, InvoiceKind, MemberCategory
from .pdf import _date, _text
from .years import year_end, year_label, year_start

# PDF/A forbids the standard fonts, which are not embedded: reportlab's own Bitstream Vera is.
_FONTS = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("PortailSans", _FONTS / "Vera.ttf"))
pdfmetrics.registerFont(TTFont("PortailSans-Bold", _FONTS / "VeraBd.ttf"))

BODY = ParagraphStyle("invoice-body", fontName="PortailSans", fontSize=9.5, leading=13)
SMALL = ParagraphStyle(
    "invoice-small", parent=BODY, fontSize=7.5, leading=10, textColor=colors.grey
)
BOLD = ParagraphStyle("invoice-bold", parent=BODY, fontName="PortailSans-Bold")
TITLE = ParagraphStyle("invoice-title", parent=BOLD, fontSize=15, leading=19)
ASSOCIATION = ParagraphStyle("invoice-association", parent=BOLD, fontSize=12, leading=15)

# UNTDID 1001: commercial invoice, credit note. UNTDID 4461: credit transfer.
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}
CREDIT_TRANSFER = "30"
# ISO 6523 scheme of French SIRET numbers, as Chorus Pro reads the parties' identifiers.
SIRET_SCHEME = "0009"
POSTCODE_TOWN = re.compile(r"(?P<postcode>\d{5})\s+(?P<town>.+)")


def _address(lines: list[str], postcode: str = "", town: str = "") -> dict:
    """A party's postal address in the CII's fields; the town line is found in free text."""
    lines = [line.strip() for line in lines if line.strip()]
    if not postcode and lines and POSTCODE_TOWN.fullmatch(lines[-1]):
        match = POSTCODE_TOWN.fullmatch(lines.pop())
        postcode, town = match.group("postcode"), match.group("town")
    address = {"postcode": postcode, "city": town, "country_code": "FR"}
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        address[key] = line
    return {key: value for key, value in address.items() if value}


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def invoice_line_label(invoice: Invoice) -> str:
    cotisation = invoice.cotisation
    return f"Cotisation {year_label(cotisation.year)} — {MemberCategory(cotisation.category).label}"


def is_settled(invoice: Invoice) -> bool:
    return (
        invoice.kind == InvoiceKind.INVOICE and invoice.cotisation.status == CotisationStatus.PAID
    )


def invoice_data(invoice: Invoice, *, identity) -> dict:
    """The invoice in the ``factur-x`` library's EN 16931 terms (business terms BT-n)."""
    cotisation = invoice.cotisation
    amount = _money(invoice.amount)
    paid = _money(invoice.amount if is_settled(invoice) else Decimal(0))
    due = _money(Decimal(0) if is_settled(invoice) else invoice.amount)
    seller = {
        "name": identity.name,
        "legal_identifier": identity.siret,
        "legal_identifier_schemeid": SIRET_SCHEME,
        **_address(identity.address.splitlines()),
    }
    organisation = cotisation.organisation
    buyer = {"name": invoice.buyer_name}
    if invoice.buyer_siret:
        buyer |= {
            "legal_identifier": invoice.buyer_siret,
            "legal_identifier_schemeid": SIRET_SCHEME,
        }
    if organisation is not None:
        buyer |= _address(
            organisation.address.splitlines(), organisation.postcode, organisation.town
        )
    else:
        buyer |= _address(invoice.buyer_address.splitlines())
    data = {
        "BT-1": invoice.display_number,
        "BT-2": invoice.issued_on,
        "BT-3": TYPE_CODES[invoice.kind],
        "BT-5": "EUR",
        "BT-9": invoice.due_on,
        "BT-20": payment_terms(invoice),
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": invoice.issued_on,
        "BT-73": year_start(cotisation.year),
        "BT-74": year_end(cotisation.year),
        "BT-83": invoice.payment_reference,
        "BG-4": seller,
        "BG-7": buyer,
        "BG-23": [
            {
                "BT-116": amount,
                "BT-117": "0.00",
                "BT-118": "E",
                "BT-119": "0",
                "BT-120": identity.vat_exemption,
            }
        ],
        "BG-25": [
            {
                "BT-126": "1",
                "BT-129": "1",
                "BT-130": "C62",  # one unit
                "BT-131": amount,
                "BT-146": amount,
                "BT-151": "E",
                "BT-152": "0",
                "BT-153": invoice_line_label(invoice),
            }
        ],
        "BT-106": amount,
        "BT-109": amount,
        "BT-110": "0.00",
        "BT-112": amount,
        "BT-113": paid,
        "BT-115": due,
    }
    # Chorus Pro reads the service code as the buyer reference, the legal commitment (or, lacking
    # one, the purchase order) as the order reference.
    if invoice.chorus_service_code:
        data["BT-10"] = invoice.chorus_service_code
    order = invoice.commitment_number or invoice.purchase_order_number
    if order:
        data["BT-13"] = order
    if invoice.purchase_order_number and invoice.commitment_number:
        data["BG-1"] = [{"BT-22": f"Bon de commande n° {invoice.purchase_order_number}"}]
    if invoice.credits_id:
        data["BG-3"] = [
            {"BT-25": invoice.credits.display_number, "BT-26": invoice.credits.issued_on}
        ]
    iban, bic = identity.iban, identity.bic
    if iban and invoice.kind == InvoiceKind.INVOICE:
        data |= {"BT-81": CREDIT_TRANSFER, "BT-84": iban}
        if bic:
            data["BT-86"] = bic
    return data


def invoice_xml(invoice: Invoice, *, identity) -> bytes:
    """The CII XML, checked against the EN 16931 schema by the library (its schematron check
    needs a Saxon server, which a portal does not run)."""
    return generate_xml(
        invoice_data(invoice, identity=identity), level="en16931", check_schematron=False
    )


def payment_terms(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return f"Avoir sur la facture n° {invoice.credits.display_number} : rien à payer."
    if is_settled(invoice):
        return "Facture acquittée : la cotisation est déjà réglée."
    return (
        f"À régler avant le {invoice.due_on:%d/%m/%Y} par virement ou mandat administratif, "
        f"avec la référence {invoice.payment_reference}. Pas d’escompte pour paiement anticipé."
    )


def _table(rows: list[list], widths, *, header: bool = False) -> Table:
    table = Table(
        [[Paragraph(_text(cell), BODY) for cell in row] for row in rows], colWidths=widths
    )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style.append(("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def invoice_visual_pdf(invoice: Invoice, *, identity) -> bytes:
    """The human-readable invoice: the PDF the Factur-X XML is embedded in."""
    is_credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    heading = f"{'Avoir' if is_credit else 'Facture'} n° {invoice.display_number}"
    story = [Paragraph(_text(identity.name), ASSOCIATION)]
    seller_lines = [identity.legal_form, identity.address, f"SIRET {identity.siret}"]
    seller_lines += [" · ".join(part for part in [identity.email, identity.phone] if part)]
    story += [Paragraph(_text(line), BODY) for line in seller_lines if line]
    story += [Spacer(1, 8 * mm), Paragraph(_text(heading), TITLE), Spacer(1, 2 * mm)]
    dates = f"Émise le {_date(invoice.issued_on)}"
    if not is_credit:
        dates += f" · à payer avant le {_date(invoice.due_on)}"
    story.append(Paragraph(_text(dates), BODY))
    if is_credit:
        story.append(
            Paragraph(
                _text(
                    f"Annule la facture n° {invoice.credits.display_number} du "
                    f"{_date(invoice.credits.issued_on)}."
                ),
                BODY,
            )
        )
    story += [Spacer(1, 6 * mm), Paragraph("Client", BOLD)]
    buyer = [invoice.buyer_name, invoice.buyer_address]
    if invoice.buyer_siret:
        buyer.append(f"SIRET {invoice.buyer_siret}")
    story += [Paragraph(_text(line), BODY) for line in buyer if line]
    references = [
        ["Bon de commande", invoice.purchase_order_number],
        ["Engagement juridique", invoice.commitment_number],
        ["Code service Chorus Pro", invoice.chorus_service_code],
    ]
    references = [row for row in references if row[1]]
    if references:
        story += [Spacer(1, 4 * mm), _table(references, (55 * mm, 115 * mm))]
    period = (
        f"du {year_start(invoice.cotisation.year):%d/%m/%Y} "
        f"au {year_end(invoice.cotisation.year):%d/%m/%Y}"
    )
    lines = [
        ["Désignation", "Période", "Quantité", "Montant"],
        [invoice_line_label(invoice), period, "1", euros(invoice.amount)],
    ]
    story += [Spacer(1, 6 * mm), _table(lines, (75 * mm, 45 * mm, 20 * mm, 30 * mm), header=True)]
    totals = [
        ["Total hors taxes", euros(invoice.amount)],
        ["TVA", euros(Decimal(0))],
        ["Total TTC", euros(invoice.amount)],
    ]
    if not is_credit:
        totals.append(["Déjà réglé", euros(invoice.amount if is_settled(invoice) else Decimal(0))])
        totals.append(
            ["Reste à payer", euros(Decimal(0) if is_settled(invoice) else invoice.amount)]
        )
    story += [Spacer(1, 3 * mm), _table(totals, (140 * mm, 30 * mm))]
    story += [Spacer(1, 2 * mm), Paragraph(_text(identity.vat_exemption), BODY)]
    if not is_credit and not is_settled(invoice):
        story += [Spacer(1, 6 * mm), Paragraph("Règlement", BOLD)]
        ways = [["Référence de paiement", invoice.payment_reference]]
        if identity.iban:
            ways.append(["Virement", f"IBAN {identity.iban_display} · BIC {identity.bic}"])
            ways.append(["Titulaire du compte", identity.account_holder])
        ways.append(
            ["Mandat administratif", "par le comptable public, à réception de cette facture"]
        )
        ways.append(["Chèque", f"à l’ordre de « {identity.payee} »"])
        story.append(_table(ways, (55 * mm, 115 * mm)))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_text(payment_terms(invoice)), BODY))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            _text(
                "En cas de retard de paiement : pénalités au taux d’intérêt légal et indemnité "
                "forfaitaire de 40 € pour frais de recouvrement (art. L441-10 et D441-5 du code "
                "de commerce). Document numéroté dans la série "
                f"{invoice.series}, sans rupture ni réutilisation ; factur-x.xml joint "
                "(profil EN 16931)."
            ),
            SMALL,
        ),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=heading,
        author=identity.name,
        lang="fr-FR",
    )
    document.build(story)
    return _with_output_intent(buffer.getvalue())


def _with_output_intent(pdf: bytes) -> bytes:
    """PDF/A wants the colours' meaning stated: an sRGB output intent in the catalogue."""
    writer = PdfWriter(clone_from=BytesIO(pdf))
    profile = DecodedStreamObject()
    profile.set_data(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([intent])
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def facturx_document(invoice: Invoice, *, identity) -> bytes:
    """The Factur-X file: the visual PDF with ``factur-x.xml`` embedded and PDF/A-3 metadata."""
    xml = invoice_xml(invoice, identity=identity)
    return generate_from_binary(
        invoice_visual_pdf(invoice, identity=identity), xml, level="en16931", lang="fr-FR"
    )
