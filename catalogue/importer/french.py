"""French dates, hours, phone numbers and names as programme documents write them."""

import datetime as dt
import re
import unicodedata

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
MONTH = "|".join(MONTHS)

# Matched on folded text (lower case, no accents), whose positions are the original's.
DATE = re.compile(
    rf"\b(?:(?:{WEEKDAYS})\s+)?(\d{{1,2}})\s*(?:er|ere|re|e)?\s+({MONTH})\b(?:\s+(\d{{4}}))?"
    r"|\b(\d{1,2})/(\d{1,2})/(\d{4})\b"
)
# « 1er et 2 avril 2021 », « du 3 au 4 mars » : the first day borrows the second's month.
DAY_BEFORE_DATE = re.compile(
    r"\b(\d{1,2})\s*(?:er|ere|re|e)?\s+(?:et|au)\s+(?=\d{1,2}\s*(?:er)?\s+)"
)
MONTH_YEAR = re.compile(rf"^({MONTH})\s+(\d{{4}})$")
HOUR = r"(\d{1,2})\s*h\s*(\d{2})?"
RANGE = re.compile(rf"{HOUR}\s*(?:-|–|—|à|a|au)\s*{HOUR}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+33\s?|\b0)\d(?:[\s.-]?\d){7,10}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s()<>,;]+[^\s()<>,;.]")


def fold(text: str) -> str:
    """Lower case without accents, character for character (positions are kept)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        out.append("'" if base in "’‘`´" else base.lower())
    return "".join(out)


def find_dates(text: str) -> list[tuple[int, int, int | None, int, int]]:
    """(day, month, year or None, start, end) for each date of ``text``."""
    folded = fold(text)
    found = []
    for match in DATE.finditer(folded):
        if match.group(1):
            day, month = int(match.group(1)), MONTHS[match.group(2)]
            year = int(match.group(3)) if match.group(3) else None
        else:
            day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
        found.append((day, month, year, match.start(), match.end()))
    for match in DAY_BEFORE_DATE.finditer(folded):
        following = next((d for d in found if d[3] >= match.end()), None)
        if following:
            found.append((int(match.group(1)), following[1], following[2], *match.span()))
    found.sort(key=lambda d: d[3])
    return found


def find_ranges(text: str) -> list[tuple[dt.time, dt.time, int, int]]:
    ranges = []
    for match in RANGE.finditer(fold(text)):
        h1, m1, h2, m2 = match.groups()
        try:
            start = dt.time(int(h1), int(m1 or 0))
            end = dt.time(int(h2), int(m2 or 0))
        except ValueError:
            continue
        ranges.append((start, end, match.start(), match.end()))
    return ranges


def phone_doubt(phone: str) -> str:
    """Why a French phone number looks wrong, or an empty string."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+33"):
        if len(digits) == 11:
            return ""
        return f"{len(digits) - 2} chiffres après +33, un numéro français en compte 9"
    if len(digits) == 10 and digits.startswith("0"):
        return ""
    return f"{len(digits)} chiffres, un numéro français en compte 10"


def name_case(word: str) -> str:
    """« BERNIER » → « Bernier », « JEAN-MARC » → « Jean-Marc »; mixed case stays."""
    if not word.isupper():
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def split_name(name: str) -> tuple[str, str]:
    """First and last name: an upper-case tail is the last name, else the last word."""
    words = name.split()
    if len(words) < 2:
        return name_case(name), ""
    upper = [i for i, word in enumerate(words) if word.isupper() and len(word) > 1]
    cut = upper[0] if upper and upper[0] > 0 else len(words) - 1
    return (
        " ".join(name_case(w) for w in words[:cut]),
        " ".join(name_case(w) for w in words[cut:]),
    )


def looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words if len(w) > 3)


def sentence_case(text: str) -> str:
    """A title typed in capitals, as a sentence: « MAILLER LES… » → « Mailler les… »."""
    if not text.isupper():
        return text
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def capitalise(text: str) -> str:
    text = text.strip(" .,;:–-")
    return text[:1].upper() + text[1:]
