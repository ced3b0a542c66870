"""What every spreadsheet the portal hands to staff writes, so that a French Excel opens it as
intended and never runs a formula a member typed into their name or their answers."""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

# Excel in a French locale splits a CSV on ";" (the comma is the decimal mark) and reads it as
# UTF-8 only when it begins with a byte-order mark.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"

# OWASP's list: a cell beginning with one of these is read by a spreadsheet as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """The text as a spreadsheet shows it without evaluating it: a leading quote where a formula
    could start (a lone dash, the lists' empty mark, is no formula and stays as it is)."""
    if text.startswith(FORMULA_TRIGGERS) and text != "-":
        return "'" + text
    return text


def french_number(value: int | float | Decimal) -> str:
    """A number as a French spreadsheet reads it: ``12,50``, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    return format(value, "f").replace(".", ",")


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers in French, any text neutralised."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return french_number(value)
    return neutralise_formula("" if value is None else str(value))


class _Echo:
    """A file-like object whose write hands back the line, for streaming."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The lines of a CSV file for a French Excel, the first one carrying the byte-order mark;
    the first row is normally the headings."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield CSV_BOM
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
