"""The one shape every reader produces: lines of headings, paragraphs and list items."""

import html
import re
from dataclasses import dataclass, field

END_OF_SENTENCE = ".:;!?…»)"


@dataclass
class Line:
    """A heading, a paragraph or a list item, with its inline emphasis as HTML."""

    text: str
    html: str
    kind: str = "paragraph"  # "heading", "paragraph" or "item"
    level: int = 0  # heading level (1 is the top) or list depth (0 is the top)
    strong: bool = False  # the whole line is bold
    source: str = ""  # where it came from, in French: « ligne 12 », « page 2 »

    @property
    def is_item(self) -> bool:
        return self.kind == "item"


@dataclass
class Outline:
    lines: list[Line] = field(default_factory=list)
    name: str = ""

    def add(self, runs, *, kind="paragraph", level=0, source="") -> None:
        """Add a line made of ``(text, bold, italic)`` runs; blank lines are skipped."""
        text, markup, strong = join_runs(runs)
        if text:
            self.lines.append(Line(text, markup, kind, level, strong, source))

    def tidy(self) -> "Outline":
        """Join the pieces of a sentence a page break or a wrap cut in two."""
        lines: list[Line] = []
        for line in self.lines:
            previous = lines[-1] if lines else None
            if (
                previous is not None
                and line.kind == "paragraph"
                and line.text[:1].islower()
                and previous.kind != "heading"
                and not previous.text.endswith(tuple(END_OF_SENTENCE))
            ):
                previous.text = f"{previous.text} {line.text}"
                previous.html = f"{previous.html} {line.html}"
                previous.strong = previous.strong and line.strong
                continue
            lines.append(line)
        self.lines = lines
        return self


def clean_text(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    text = re.sub(r"\^\{([^}]*)\}", r"\1", text)  # 1^{er}
    return re.sub(r"\s+", " ", text)


def join_runs(runs) -> tuple[str, str, bool]:
    """Plain text, HTML with <b>/<i>, and whether every visible character is bold."""
    merged: list[list] = []
    for text, bold, italic in runs:
        text = clean_text(text)
        if not text:
            continue
        if merged and merged[-1][1:] == [bool(bold), bool(italic)]:
            merged[-1][0] += text
        else:
            merged.append([text, bool(bold), bool(italic)])
    plain = re.sub(r"\s+", " ", "".join(part[0] for part in merged)).strip()
    if not plain:
        return "", "", False
    pieces = []
    for text, bold, italic in merged:
        # Spaces stay outside the tags: « <b>Nom</b> et ».
        core = text.strip()
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() and core else ""
        markup = html.escape(core, quote=False)
        if core and italic:
            markup = f"<i>{markup}</i>"
        if core and bold:
            markup = f"<b>{markup}</b>"
        pieces.append(lead + markup + trail)
    markup = re.sub(r"\s+", " ", "".join(pieces)).strip()
    strong = all(bold for text, bold, _ in merged if text.strip())
    return plain, markup, strong


MARKDOWN_INLINE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|\[([^\]]*)\]\(([^)]*)\)|\*(\S.*?)\*")


def markdown_runs(text: str) -> list[tuple[str, bool, bool]]:
    """Runs of a line written with Markdown's emphasis (many plain-text programmes are)."""
    runs, position = [], 0
    for match in MARKDOWN_INLINE.finditer(text):
        runs.append((text[position : match.start()], False, False))
        bold, bold2, link_text, _url, italic = match.groups()
        if bold or bold2:
            runs.append((bold or bold2, True, False))
        elif link_text is not None:
            runs.append((link_text, False, False))
        else:
            runs.append((italic, False, True))
        position = match.end()
    runs.append((text[position:], False, False))
    return runs
