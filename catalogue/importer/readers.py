"""One reader per format, each turning a document into an ``Outline``.

.txt and .md are read as text (Markdown's emphasis is understood in both), .docx with
python-docx (list levels from Word's numbering and « List Bullet 2 » styles), .odt with odfpy
(nested ``text:list``), .pdf with pdfplumber (bold fonts, indentation and line spacing).
"""

import io
import re
import zipfile
from collections.abc import Callable

from django.core.exceptions import ValidationError

from .outline import Outline, markdown_runs

BULLET = re.compile(r"^(\s*)([-•*–—▪◦‣·●○■□]|\d{1,2}[.)])\s+(.*)$")


def unreadable(name: str) -> ValidationError:
    return ValidationError(
        f"Le fichier « {name} » n'a pas pu être lu : il est peut-être abîmé ou protégé.",
        code="unreadable",
    )


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --------------------------------------------------------------------------- text


def read_text(data: bytes, name: str) -> Outline:
    """Paragraphs are separated by blank lines; « - », « • », « 1. » start list items, whose
    depth follows their indentation."""
    outline = Outline(name=name)
    paragraph: list[str] = []
    start = 0
    item: tuple[int, list[str], int] | None = None  # depth, text, line number
    indents: list[int] = []

    def flush():
        nonlocal paragraph, item
        if item is not None:
            depth, parts, number = item
            outline.add(
                markdown_runs(" ".join(parts)), kind="item", level=depth, source=f"ligne {number}"
            )
            item = None
        if paragraph:
            outline.add(markdown_runs(" ".join(paragraph)), source=f"ligne {start}")
            paragraph = []

    for number, raw in enumerate(decode(data).splitlines(), start=1):
        line = raw.expandtabs(4).rstrip()
        if not line.strip():
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:  # a Markdown heading, as many text programmes are written
            flush()
            indents = []
            outline.add(
                markdown_runs(heading.group(2)),
                kind="heading",
                level=len(heading.group(1)),
                source=f"ligne {number}",
            )
            continue
        bullet = BULLET.match(line)
        if bullet:
            flush()
            indent = len(bullet.group(1))
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            item = (len(indents) - 1, [bullet.group(3)], number)
            continue
        if item is not None:
            item[1].append(line.strip())  # a wrapped item goes on
            continue
        indents = []
        if not paragraph:
            start = number
        paragraph.append(line.strip())
    flush()
    return outline


def read_markdown(data: bytes, name: str) -> Outline:
    from markdown_it import MarkdownIt

    outline = Outline(name=name)
    tokens = MarkdownIt("commonmark").parse(decode(data))
    depth, heading, in_item = -1, 0, []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            in_item.append(True)
        elif token.type == "list_item_close":
            in_item.pop()
        elif token.type == "heading_open":
            heading = int(token.tag[1])
        elif token.type == "heading_close":
            heading = 0
        elif token.type == "inline":
            runs, bold, italic = [], False, False
            for child in token.children or []:
                if child.type == "strong_open":
                    bold = True
                elif child.type == "strong_close":
                    bold = False
                elif child.type == "em_open":
                    italic = True
                elif child.type == "em_close":
                    italic = False
                elif child.type in ("softbreak", "hardbreak"):
                    runs.append((" ", bold, italic))
                elif child.content:
                    runs.append((child.content, bold, italic))
            source = f"ligne {token.map[0] + 1}" if token.map else ""
            if heading:
                outline.add(runs, kind="heading", level=heading, source=source)
            elif in_item:
                outline.add(runs, kind="item", level=max(depth, 0), source=source)
            else:
                outline.add(runs, source=source)
    return outline


# --------------------------------------------------------------------------- Word


HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)
LIST_STYLE = re.compile(r"^(?:list|liste)\b.*?(\d)?$", re.IGNORECASE)


def read_docx(data: bytes, name: str) -> Outline:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise unreadable(name) from error
    outline = Outline(name=name)
    number = 0
    for block in document.iter_inner_content():
        number += 1
        if isinstance(block, Table):
            # A schedule laid out as a table: each row one line, its cells side by side.
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(p.text for p in cell.paragraphs).strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                outline.add(
                    [(" – ".join(cells), False, False)], source=f"tableau, paragraphe {number}"
                )
            continue
        paragraph = block
        style = paragraph.style
        style_name = style.name if style is not None else ""
        style_bold = bool(style is not None and style.font.bold)
        runs = [
            (run.text, run.bold if run.bold is not None else style_bold, bool(run.italic))
            for run in paragraph.runs
        ]
        source = f"paragraphe {number}"
        heading = HEADING_STYLE.match(style_name)
        level_element = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
        if style_name.lower() in ("title", "titre"):
            outline.add(runs, kind="heading", level=1, source=source)
        elif heading:
            outline.add(runs, kind="heading", level=int(heading.group(1)), source=source)
        elif level_element is not None:
            outline.add(runs, kind="item", level=int(level_element.get(qn("w:val"))), source=source)
        elif LIST_STYLE.match(style_name):
            # « List Bullet 2 » is the second level; its numbering lives in the style.
            digit = LIST_STYLE.match(style_name).group(1)
            outline.add(runs, kind="item", level=int(digit) - 1 if digit else 0, source=source)
        else:
            outline.add(runs, source=source)
    return outline


# --------------------------------------------------------------------------- OpenDocument


def read_odt(data: bytes, name: str) -> Outline:
    from odf import opendocument
    from odf.namespaces import FONS, STYLENS, TEXTNS
    from odf.style import Style

    try:
        document = opendocument.load(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError) as error:
        raise unreadable(name) from error
    emphasis = {}
    for container in (document.automaticstyles, document.styles):
        for style in container.getElementsByType(Style):
            props = [
                child for child in style.childNodes if child.qname == (STYLENS, "text-properties")
            ]
            bold = any(p.attributes.get((FONS, "font-weight")) == "bold" for p in props)
            italic = any(p.attributes.get((FONS, "font-style")) == "italic" for p in props)
            emphasis[style.getAttribute("name")] = (bold, italic)
    outline = Outline(name=name)
    counter = [0]

    def runs_of(node, bold=False, italic=False):
        runs = []
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                runs.append((str(child), bold, italic))
            elif child.qname == (TEXTNS, "s") or child.qname in (
                (TEXTNS, "tab"),
                (TEXTNS, "line-break"),
            ):
                runs.append((" ", bold, italic))
            elif child.qname == (TEXTNS, "span"):
                b, i = emphasis.get(child.getAttribute("stylename"), (False, False))
                runs += runs_of(child, bold or b, italic or i)
            else:
                runs += runs_of(child, bold, italic)
        return runs

    def walk(node, depth):
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname == (TEXTNS, "h"):
                counter[0] += 1
                level = int(child.getAttribute("outlinelevel") or 1)
                outline.add(
                    runs_of(child), kind="heading", level=level, source=f"paragraphe {counter[0]}"
                )
            elif child.qname == (TEXTNS, "p"):
                counter[0] += 1
                bold, italic = emphasis.get(child.getAttribute("stylename"), (False, False))
                outline.add(
                    runs_of(child, bold, italic),
                    kind="item" if depth >= 0 else "paragraph",
                    level=max(depth, 0),
                    source=f"paragraphe {counter[0]}",
                )
            elif child.qname == (TEXTNS, "list"):
                walk(child, depth + 1)
            else:
                walk(child, depth)

    walk(document.text, -1)
    return outline


# --------------------------------------------------------------------------- PDF

PDF_BULLETS = "•-–—▪◦‣·●○■□"
SYMBOL_BULLETS = {"(cid:127)", "(cid:183)", "\uf0b7", "\uf0a7", "\uf076", "\uf0d8"}


def read_pdf(data: bytes, name: str) -> Outline:
    """Lines are rebuilt from the words' positions: a larger gap starts a new paragraph, a
    bullet starts an item whose depth is its indentation, bold fonts give emphasis."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError) as error:
        raise unreadable(name) from error
    outline = Outline(name=name)
    rows = []  # (page, top, bottom, x0, size, words)
    with pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            try:
                words = page.extract_words(extra_attrs=["fontname", "size"], use_text_flow=True)
            except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError) as error:
                raise unreadable(name) from error
            for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
                # Symbol-font bullets, as Word's PDFs and standard-encoded fonts write them.
                if word["text"] in SYMBOL_BULLETS:
                    word["text"] = "•"
                if rows and rows[-1][0] == page_number and abs(rows[-1][1] - word["top"]) < 2:
                    rows[-1][5].append(word)
                    rows[-1][2] = max(rows[-1][2], word["bottom"])
                else:
                    rows.append(
                        [page_number, word["top"], word["bottom"], word["x0"], word["size"], [word]]
                    )
    if not rows:
        return outline
    sizes = sorted(row[4] for row in rows)
    body_size = sizes[len(sizes) // 2]
    item_indents = sorted({round(row[3]) for row in rows if row[5][0]["text"] in PDF_BULLETS})

    current = None  # [kind, level, runs, source, x0_of_text, last_bottom, page, size]

    def flush():
        if current is not None:
            outline.add(current[2], kind=current[0], level=current[1], source=current[3])

    for page_number, top, bottom, x0, size, words in rows:
        runs = []
        for word in words:
            bold = "bold" in word["fontname"].lower() or "black" in word["fontname"].lower()
            italic = "italic" in word["fontname"].lower() or "oblique" in word["fontname"].lower()
            runs.append((word["text"] + " ", bold, italic))
        source = f"page {page_number}"
        first = words[0]["text"]
        gap = top - current[5] if current is not None and current[6] == page_number else 99
        if first in PDF_BULLETS and len(words) > 1:
            flush()
            depth = next((i for i, indent in enumerate(item_indents) if abs(indent - x0) < 4), 0)
            current = ["item", depth, runs[1:], source, words[1]["x0"], bottom, page_number, size]
        elif size > body_size * 1.15:
            flush()
            current = ["heading", 1, runs, source, x0, bottom, page_number, size]
        elif (
            current is not None
            and gap < size * 0.9
            and abs(size - current[7]) < 0.5
            and (current[0] != "item" or abs(x0 - current[4]) < 4)
        ):
            current[2] += runs  # the same paragraph or item, wrapped
            current[5] = bottom
        else:
            flush()
            current = ["paragraph", 0, runs, source, x0, bottom, page_number, size]
    flush()
    return outline


READERS: dict[str, Callable[[bytes, str], Outline]] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".docx": read_docx,
    ".odt": read_odt,
    ".pdf": read_pdf,
}

# What each format's file starts with, so that a renamed file is told apart.
SIGNATURES = {".docx": b"PK", ".odt": b"PK", ".pdf": b"%PDF"}


def read(data: bytes, name: str) -> Outline:
    """The outline of the document ``name`` (its extension picks the reader)."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    reader = READERS.get(extension)
    if reader is None:
        raise ValidationError(
            f"Le fichier « {name} » n'est pas d'un type importable : choisissez un document "
            "Word (.docx), OpenDocument (.odt), PDF (.pdf), texte (.txt) ou Markdown (.md).",
            code="type",
        )
    signature = SIGNATURES.get(extension)
    if signature and not data.startswith(signature):
        raise unreadable(name)
    if not signature and b"\x00" in data[:4096]:
        raise unreadable(name)
    return reader(data, name).tidy()
