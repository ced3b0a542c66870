"""Real bank statement files for the tests: CAMT.053 built with lxml in a chosen version's
namespace and structure, OFX 1.x (SGML) and 2.x (XML) as banks write them."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

ACCOUNT = "FR7630006000011234567890189"


@dataclass
class Credit:
    amount: Decimal
    text: str
    reference: str
    booked_on: dt.date
    debtor: str = "Camille Martin"
    credit: bool = True
    currency: str = "EUR"
    status: str = "BOOK"


def camt053(entries: list[Credit], *, version: str = "001.02", account: str = ACCOUNT) -> bytes:
    """A camt.053 statement; from 001.08 the status is a code and the debtor a party."""
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"
    recent = int(version.split(".")[1]) >= 8

    def el(parent, tag, text=None, **attrs):
        node = etree.SubElement(parent, f"{{{namespace}}}{tag}", **attrs)
        if text is not None:
            node.text = text
        return node

    document = etree.Element(f"{{{namespace}}}Document", nsmap={None: namespace})
    report = el(document, "BkToCstmrStmt")
    header = el(report, "GrpHdr")
    el(header, "MsgId", "RELEVE-2026-001")
    el(header, "CreDtTm", "2026-03-03T06:00:00")
    statement = el(report, "Stmt")
    el(statement, "Id", "STMT-001")
    el(statement, "CreDtTm", "2026-03-03T06:00:00")
    el(el(el(statement, "Acct"), "Id"), "IBAN", account)
    for item in entries:
        entry = el(statement, "Ntry")
        el(entry, "Amt", f"{item.amount:.2f}", Ccy=item.currency)
        el(entry, "CdtDbtInd", "CRDT" if item.credit else "DBIT")
        status = el(entry, "Sts")
        if recent:
            el(status, "Cd", item.status)
        else:
            status.text = item.status
        el(el(entry, "BookgDt"), "Dt", item.booked_on.isoformat())
        el(el(entry, "ValDt"), "Dt", item.booked_on.isoformat())
        if item.reference:
            el(entry, "AcctSvcrRef", item.reference)
        domain = el(el(entry, "BkTxCd"), "Domn")
        el(domain, "Cd", "PMNT")
        details = el(el(entry, "NtryDtls"), "TxDtls")
        el(el(details, "Refs"), "EndToEndId", "NOTPROVIDED")
        debtor = el(el(details, "RltdPties"), "Dbtr")
        el(el(debtor, "Pty") if recent else debtor, "Nm", item.debtor)
        el(el(details, "RmtInf"), "Ustrd", item.text)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _ofx_transactions(entries: list[Credit], close: bool) -> str:
    end = (lambda tag: f"</{tag}>") if close else (lambda tag: "")
    lines = []
    for item in entries:
        sign = "" if item.credit else "-"
        lines.append(
            "<STMTTRN>"
            f"<TRNTYPE>{'CREDIT' if item.credit else 'DEBIT'}{end('TRNTYPE')}"
            f"<DTPOSTED>{item.booked_on:%Y%m%d}120000{end('DTPOSTED')}"
            f"<TRNAMT>{sign}{item.amount:.2f}{end('TRNAMT')}"
            f"<FITID>{item.reference}{end('FITID')}"
            f"<NAME>{item.debtor[:32]}{end('NAME')}"
            f"<MEMO>{item.text}{end('MEMO')}"
            "</STMTTRN>"
        )
    return "\n".join(lines)


def _ofx_body(entries: list[Credit], close: bool, account: str) -> str:
    end = (lambda tag: f"</{tag}>") if close else (lambda tag: "")
    start = min((item.booked_on for item in entries), default=dt.date(2026, 3, 1))
    stop = max((item.booked_on for item in entries), default=dt.date(2026, 3, 1))
    return (
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
        f"{end('CODE')}<SEVERITY>INFO{end('SEVERITY')}</STATUS>"
        f"<DTSERVER>20260303060000{end('DTSERVER')}<LANGUAGE>FRA{end('LANGUAGE')}</SONRS>"
        "</SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS>"
        f"<TRNUID>1{end('TRNUID')}<STATUS><CODE>0{end('CODE')}<SEVERITY>INFO{end('SEVERITY')}"
        f"</STATUS><STMTRS><CURDEF>EUR{end('CURDEF')}<BANKACCTFROM>"
        f"<BANKID>30006{end('BANKID')}<BRANCHID>00001{end('BRANCHID')}"
        f"<ACCTID>{account}{end('ACCTID')}<ACCTTYPE>CHECKING{end('ACCTTYPE')}</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>{start:%Y%m%d}{end('DTSTART')}"
        f"<DTEND>{stop:%Y%m%d}{end('DTEND')}\n"
        f"{_ofx_transactions(entries, close)}\n</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>1000.00{end('BALAMT')}<DTASOF>{stop:%Y%m%d}{end('DTASOF')}"
        "</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )


def ofx_sgml(entries: list[Credit], *, account: str = "12345678901") -> bytes:
    """OFX 1.02 as French banks export it: an SGML header, Latin-1, elements left unclosed."""
    header = (
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\n"
        "ENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\n"
        "NEWFILEUID:NONE\r\n\r\n"
    )
    return (header + _ofx_body(entries, close=False, account=account)).encode("cp1252")


def ofx_xml(entries: list[Credit], *, account: str = "12345678901") -> bytes:
    """OFX 2.2: an XML declaration and processing instruction, every element closed."""
    header = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
        'NEWFILEUID="NONE"?>\n'
    )
    return (header + _ofx_body(entries, close=True, account=account)).encode()
