"""Bank statements read into one list of entries, whatever the bank's format.

CAMT.053 (ISO 20022 bank-to-customer statement, any version from 001.02) is read with lxml
against the standard's structure: the namespace is the version's, the elements the same, except
for the two places versions differ (the entry status became a code in 001.08, the related
parties' names moved under ``Pty`` in 001.08). OFX 1.x (SGML) and 2.x (XML) are read with
ofxtools, which handles both headers and the SGML's unclosed tags.

Reading writes nothing; a file that is not a statement raises ``ValidationError`` in French.
"""

import datetime as dt
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from lxml import etree
from ofxtools.Parser import OFXTree

CAMT_053 = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
CAMT_OTHER = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.001\.\d{2}$")
FIRST_CAMT_VERSION = 2
MAX_REFERENCE = 140  # Payment.bank_entry_reference, BankEntry.entry_reference


@dataclass(frozen=True)
class StatementEntry:
    """One movement on the association's account, as the bank reported it."""

    account: str  # IBAN, or the bank's account number
    entry_reference: str  # the bank's own reference (AcctSvcrRef, FITID): unique per account
    booked_on: dt.date
    amount: Decimal  # always positive; see is_credit
    currency: str
    is_credit: bool
    text: str  # remittance information: the payer's label
    debtor_name: str
    is_reversal: bool = False


def _error(message: str) -> ValidationError:
    return ValidationError(message, code="statement")


def statement_read(content: bytes) -> list[StatementEntry]:
    """The booked entries of a CAMT.053 or OFX statement, in the file's order."""
    if not content or not content.strip():
        raise _error("Le fichier est vide : exportez à nouveau le relevé depuis votre banque.")
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head.startswith(b"%PDF"):
        raise _error(
            "Ce fichier est un PDF : importez le relevé au format CAMT.053 (XML) ou OFX, "
            "que votre banque propose dans l’export des relevés."
        )
    if head.upper().startswith(b"OFXHEADER:") or b"<?OFX" in head.upper():
        return _read_ofx(content)
    if head.startswith(b"<"):
        return _read_camt(content)
    raise _error(
        "Ce fichier n’est pas un relevé bancaire lisible : importez un relevé CAMT.053 (XML) "
        "ou OFX."
    )


# --------------------------------------------------------------------------- CAMT.053


def _read_camt(content: bytes) -> list[StatementEntry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise _error(f"Ce fichier XML est illisible ou mal formé ({exc.msg}).") from exc
    namespace = etree.QName(root).namespace or ""
    version = CAMT_053.match(namespace)
    if version is None:
        other = CAMT_OTHER.match(namespace)
        if other:
            raise _error(
                f"Ce fichier est un message {other.group(1)}, pas un relevé de compte : "
                "importez le relevé CAMT.053."
            )
        raise _error(
            "Ce fichier XML n’est pas un relevé bancaire CAMT.053 (ISO 20022) : importez le "
            "relevé de compte exporté par votre banque."
        )
    if int(version.group(1)) < FIRST_CAMT_VERSION:
        raise _error("Cette version de CAMT.053 est trop ancienne pour être lue.")
    ns = {"c": namespace}
    statements = root.xpath("c:BkToCstmrStmt/c:Stmt", namespaces=ns)
    if not statements:
        raise _error("Ce fichier CAMT.053 ne contient aucun relevé (élément Stmt absent).")
    entries: list[StatementEntry] = []
    for statement in statements:
        account = _text(statement, "c:Acct/c:Id/c:IBAN", ns) or _text(
            statement, "c:Acct/c:Id/c:Othr/c:Id", ns
        )
        for entry in statement.xpath("c:Ntry", namespaces=ns):
            entries.extend(_camt_entry(entry, account, ns))
    return _with_references(entries)


def _text(node, path: str, ns: dict) -> str:
    found = node.xpath(path, namespaces=ns)
    return " ".join(" ".join((item.text or "").split()) for item in found).strip()


def _amount(node, ns: dict) -> tuple[Decimal, str]:
    try:
        amount = Decimal(node.text.strip())
    except (AttributeError, InvalidOperation) as exc:
        raise _error(f"Montant illisible dans le relevé : « {node.text} ».") from exc
    return amount, (node.get("Ccy") or "").upper()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise _error(f"Date illisible dans le relevé : « {value} ».") from exc


def _camt_entry(entry, account: str, ns: dict) -> list[StatementEntry]:
    # 001.02 to 001.07: <Sts>BOOK</Sts>; from 001.08: <Sts><Cd>BOOK</Cd></Sts>.
    status = _text(entry, "c:Sts/c:Cd", ns) or _text(entry, "c:Sts", ns)
    if status != "BOOK":
        return []  # pending or informative: not money on the account yet
    amount_node = entry.find("c:Amt", ns)
    if amount_node is None:
        raise _error("Une écriture du relevé n’a pas de montant (élément Amt absent).")
    amount, currency = _amount(amount_node, ns)
    direction = _text(entry, "c:CdtDbtInd", ns)
    if direction not in {"CRDT", "DBIT"}:
        raise _error(f"Sens d’écriture inconnu dans le relevé : « {direction} ».")
    booked = _text(entry, "c:BookgDt/c:Dt", ns) or _text(entry, "c:BookgDt/c:DtTm", ns)
    if not booked:
        raise _error("Une écriture du relevé n’a pas de date de comptabilisation.")
    common = {
        "account": account,
        "booked_on": _date(booked),
        "is_credit": direction == "CRDT",
        "is_reversal": _text(entry, "c:RvslInd", ns).lower() in {"true", "1"},
    }
    entry_reference = _text(entry, "c:AcctSvcrRef", ns) or _text(entry, "c:NtryRef", ns)
    entry_text = _text(entry, "c:AddtlNtryInf", ns)
    details = entry.xpath("c:NtryDtls/c:TxDtls", namespaces=ns)
    # A batch booked as one entry: each transaction with its own amount is a payment of its own.
    if len(details) > 1 and all(_detail_amount(detail, ns) for detail in details):
        return [
            StatementEntry(
                **common,
                amount=_detail_amount(detail, ns)[0],
                currency=_detail_amount(detail, ns)[1] or currency,
                entry_reference=_text(detail, "c:Refs/c:AcctSvcrRef", ns)
                or (f"{entry_reference}/{index}" if entry_reference else ""),
                text=_detail_text(detail, ns) or entry_text,
                debtor_name=_debtor(detail, ns),
            )
            for index, detail in enumerate(details, start=1)
        ]
    detail = details[0] if details else None
    return [
        StatementEntry(
            **common,
            amount=amount,
            currency=currency,
            entry_reference=entry_reference
            or (_text(detail, "c:Refs/c:AcctSvcrRef", ns) if detail is not None else ""),
            text=" ".join(
                part
                for part in ((_detail_text(detail, ns) if detail is not None else ""), entry_text)
                if part
            ),
            debtor_name=_debtor(detail, ns) if detail is not None else "",
        )
    ]


def _detail_amount(detail, ns: dict) -> tuple[Decimal, str] | None:
    node = detail.find("c:Amt", ns)
    if node is None:
        node = detail.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
    return _amount(node, ns) if node is not None else None


def _detail_text(detail, ns: dict) -> str:
    parts = [
        _text(detail, "c:RmtInf/c:Ustrd", ns),
        _text(detail, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", ns),
        _text(detail, "c:AddtlTxInf", ns),
    ]
    return " ".join(part for part in parts if part)


def _debtor(detail, ns: dict) -> str:
    return _text(detail, "c:RltdPties/c:Dbtr/c:Pty/c:Nm", ns) or _text(
        detail, "c:RltdPties/c:Dbtr/c:Nm", ns
    )


def _with_references(entries: list[StatementEntry]) -> list[StatementEntry]:
    """Give an entry the bank left without a reference one derived from what it says, so that
    importing the statement again finds it; identical entries are told apart by their rank.
    A reference longer than what is stored (OFX allows 255 characters) is stored as its digest."""
    seen: Counter[str] = Counter()
    result = []
    for entry in entries:
        if len(entry.entry_reference) > MAX_REFERENCE:
            digest = hashlib.sha256(entry.entry_reference.encode()).hexdigest()[:40]
            entry = StatementEntry(**{**entry.__dict__, "entry_reference": f"sha-{digest}"})
        if not entry.entry_reference:
            key = "|".join(
                [
                    entry.account,
                    entry.booked_on.isoformat(),
                    str(entry.amount),
                    entry.currency,
                    "C" if entry.is_credit else "D",
                    entry.text,
                    entry.debtor_name,
                ]
            )
            seen[key] += 1
            digest = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()[:32]
            entry = StatementEntry(**{**entry.__dict__, "entry_reference": f"sans-ref-{digest}"})
        result.append(entry)
    return result


# --------------------------------------------------------------------------- OFX


def _read_ofx(content: bytes) -> list[StatementEntry]:
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(content))
        ofx = tree.convert()
    except Exception as exc:  # ofxtools raises many kinds (header, SGML, type conversion)
        raise _error(f"Ce fichier OFX est illisible ou incomplet ({exc}).") from exc
    statements = [
        statement
        for statement in (ofx.statements or [])
        if hasattr(statement, "bankacctfrom") or hasattr(statement, "ccacctfrom")
    ]
    if not statements:
        raise _error("Ce fichier OFX ne contient aucun relevé de compte bancaire.")
    entries: list[StatementEntry] = []
    for statement in statements:
        account = statement.account.acctid
        currency = (statement.curdef or "").upper()
        for transaction in statement.banktranlist or []:
            amount = Decimal(transaction.trnamt)
            posted = transaction.dtposted
            parts = [transaction.name, transaction.memo, getattr(transaction, "payee", None)]
            text = " ".join(" ".join(str(part).split()) for part in parts if part)
            entries.append(
                StatementEntry(
                    account=account,
                    entry_reference=transaction.fitid,
                    booked_on=posted.date() if isinstance(posted, dt.datetime) else posted,
                    amount=abs(amount),
                    currency=(
                        getattr(transaction, "currency", None) and transaction.currency.cursym
                    )
                    or currency,
                    is_credit=amount > 0,
                    text=text,
                    debtor_name=(transaction.name or "") if amount > 0 else "",
                )
            )
    return _with_references(entries)
