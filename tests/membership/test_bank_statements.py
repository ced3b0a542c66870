"""Reading bank statements: CAMT.053 of every version and OFX 1.x / 2.x into the same entries;
anything else refused with a French message."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from reportlab.pdfgen import canvas

from membership.statements import statement_read

from .bank_files import ACCOUNT, Credit, camt053, ofx_sgml, ofx_xml

ON = dt.date(2026, 3, 2)
ENTRIES = [
    Credit(Decimal("45.00"), "COTISATION ADH2026P00001234", "AC-1", ON, debtor="Élodie Bérard"),
    Credit(Decimal("12.30"), "FRAIS TENUE DE COMPTE", "AC-2", ON, debtor="Banque", credit=False),
]


@pytest.mark.parametrize(
    "version", ["001.02", "001.03", "001.04", "001.05", "001.06", "001.07", "001.08", "001.13"]
)
def test_camt053_of_each_version_gives_the_same_entries(version):
    credit, debit = statement_read(camt053(ENTRIES, version=version))

    assert credit.account == ACCOUNT
    assert credit.entry_reference == "AC-1"
    assert credit.booked_on == ON
    assert credit.amount == Decimal("45.00") and credit.currency == "EUR"
    assert credit.is_credit and not credit.is_reversal
    assert credit.text == "COTISATION ADH2026P00001234"
    assert credit.debtor_name == "Élodie Bérard"
    assert not debit.is_credit and debit.amount == Decimal("12.30")


@pytest.mark.parametrize("build", [ofx_sgml, ofx_xml], ids=["ofx-1-sgml", "ofx-2-xml"])
def test_ofx_gives_the_same_entries(build):
    credit, debit = statement_read(build(ENTRIES))

    assert credit.account == "12345678901"
    assert credit.entry_reference == "AC-1"
    assert credit.booked_on == ON
    assert credit.amount == Decimal("45.00") and credit.currency == "EUR"
    assert credit.is_credit
    assert "COTISATION ADH2026P00001234" in credit.text
    assert credit.debtor_name == "Élodie Bérard"
    assert not debit.is_credit and debit.amount == Decimal("12.30")


def _camt_tree(entries, version="001.02"):
    root = etree.fromstring(camt053(entries, version=version))
    return root, {"c": etree.QName(root).namespace}


def test_a_batch_entry_gives_one_entry_per_transaction():
    root, ns = _camt_tree(ENTRIES[:1], version="001.04")
    details = root.find(".//c:TxDtls", ns)
    amount = etree.SubElement(details, f"{{{ns['c']}}}Amt", Ccy="EUR")
    amount.text = "45.00"
    details.addnext(etree.fromstring(etree.tostring(details)))
    second = root.findall(".//c:TxDtls", ns)[1]
    second.find("c:Amt", ns).text = "30.00"
    second.find("c:RmtInf/c:Ustrd", ns).text = "ADH2026P00009999 DUPONT"
    root.find(".//c:Ntry/c:Amt", ns).text = "75.00"

    first, other = statement_read(etree.tostring(root))

    assert (first.amount, other.amount) == (Decimal("45.00"), Decimal("30.00"))
    assert (first.entry_reference, other.entry_reference) == ("AC-1/1", "AC-1/2")
    assert other.text == "ADH2026P00009999 DUPONT"


def test_an_entry_without_reference_gets_a_stable_one_and_twins_stay_apart():
    twins = [Credit(Decimal("45.00"), "VIR", "", ON), Credit(Decimal("45.00"), "VIR", "", ON)]
    first = statement_read(camt053(twins))
    again = statement_read(camt053(twins))

    assert [entry.entry_reference for entry in first] == [e.entry_reference for e in again]
    assert first[0].entry_reference != first[1].entry_reference


def test_a_reversal_is_flagged():
    root, ns = _camt_tree(ENTRIES[:1])
    status = root.find(".//c:Ntry/c:CdtDbtInd", ns)
    status.addnext(etree.Element(f"{{{ns['c']}}}RvslInd"))
    status.getnext().text = "true"
    (entry,) = statement_read(etree.tostring(root))
    assert entry.is_reversal


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "Relevé de compte")
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"  \n ", "vide"),
        (_pdf(), "PDF"),
        (b"\x00\x01\x02garbage\xff", "n’est pas un relevé bancaire"),
        (b"Date;Libelle;Montant\n02/03/2026;VIR;45,00\n", "n’est pas un relevé bancaire"),
        (b"<?xml version='1.0'?><html><body>Relev\xc3\xa9</body></html>", "pas un relevé"),
        (
            camt053(ENTRIES).replace(b"camt.053.001.02", b"camt.052.001.02"),
            "camt.052, pas un relevé de compte",
        ),
        (camt053(ENTRIES)[:400], "mal formé"),
        # Declared UTF-8, written in Latin-1.
        (camt053(ENTRIES).replace("Élodie".encode(), "Élodie".encode("latin-1")), "mal formé"),
        (camt053(ENTRIES).replace(b">45.00<", b">quarante<"), "Montant illisible"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
            b'camt.053.001.02"><BkToCstmrStmt/></Document>',
            "aucun relevé",
        ),
        (ofx_sgml(ENTRIES)[:300], "OFX est illisible"),
    ],
    ids=[
        "empty",
        "blank",
        "pdf",
        "binary",
        "csv",
        "other-xml",
        "camt052",
        "truncated-xml",
        "wrong-encoding",
        "bad-amount",
        "no-statement",
        "truncated-ofx",
    ],
)
def test_a_file_that_is_not_a_statement_is_refused_in_french(content, message):
    with pytest.raises(ValidationError) as error:
        statement_read(content)
    assert message in " ".join(error.value.messages)


def test_an_xml_entity_is_not_expanded():
    content = (
        camt053(ENTRIES)
        .replace(
            b"<Document", b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document', 1
        )
        .replace(b"COTISATION ADH2026P00001234", b"&x;")
    )
    entries = statement_read(content)
    assert "root" not in entries[0].text


def test_a_reference_longer_than_stored_is_kept_as_its_digest():
    long = "F" * 200
    (first,) = statement_read(ofx_xml([Credit(Decimal("45.00"), "VIR", long, ON)]))
    (again,) = statement_read(ofx_xml([Credit(Decimal("45.00"), "VIR", long, ON)]))
    assert first.entry_reference == again.entry_reference
    assert first.entry_reference.startswith("sha-") and len(first.entry_reference) <= 140
