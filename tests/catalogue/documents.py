"""Write real .docx, .odt and .pdf files from a programme written as text, for the importer's
tests: « - » items (indented for the second level) become real list levels, ``**bold**`` bold
runs, and a line starting with ``# `` a heading (a Word or OpenDocument heading style, a larger
font in PDF)."""

import io
import re
from dataclasses import dataclass

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "item"
    level: int
    runs: list  # (text, bold)


def runs_of(text):
    text = re.sub(r"\^\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    runs = []
    for index, part in enumerate(re.split(r"\*\*", text)):
        if part:
            runs.append((part, index % 2 == 1))
    return runs


def blocks_of(text):
    """Paragraphs are runs of non-blank lines; a « - » line is a list item."""
    blocks, paragraph = [], []

    def flush():
        if paragraph:
            blocks.append(Block("paragraph", 0, runs_of(" ".join(paragraph))))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        item = re.match(r"^(\s*)- (.*)$", line)
        if not line.strip():
            flush()
        elif line.startswith("# "):
            flush()
            blocks.append(Block("heading", 1, runs_of(line[2:])))
        elif item:
            flush()
            blocks.append(Block("item", 1 if item.group(1) else 0, runs_of(item.group(2))))
        else:
            paragraph.append(line.strip())
    flush()
    return blocks


def to_docx(text):
    import docx

    document = docx.Document()
    for block in blocks_of(text):
        if block.kind == "heading":
            paragraph = document.add_paragraph(style="Heading 2")
        elif block.kind == "item":
            paragraph = document.add_paragraph(
                style="List Bullet" if block.level == 0 else "List Bullet 2"
            )
        else:
            paragraph = document.add_paragraph()
        for part, bold in block.runs:
            paragraph.add_run(part).bold = bold or None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_odt(text):
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import H, List, ListItem, P, Span

    document = OpenDocumentText()
    bold = Style(name="Fort", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)

    def filled(element, runs):
        for part, is_bold in runs:
            if is_bold:
                element.addElement(Span(stylename=bold, text=part))
            else:
                element.addText(part)
        return element

    lists = []  # the open list of each level
    for block in blocks_of(text):
        if block.kind != "item":
            lists = []
            element = H(outlinelevel=2) if block.kind == "heading" else P()
            document.text.addElement(filled(element, block.runs))
            continue
        while len(lists) > block.level + 1:
            lists.pop()
        if len(lists) < block.level + 1:
            new = List()
            if lists:
                lists[-1][1].addElement(new)  # nested inside the previous item
            else:
                document.text.addElement(new)
            lists.append([new, None])
        item = ListItem()
        item.addElement(filled(P(), block.runs))
        lists[-1][0].addElement(item)
        lists[-1][1] = item
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def to_pdf(text):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", DEJAVU_BOLD))
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold")
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=13, spaceAfter=8)
    heading = ParagraphStyle(
        "heading", parent=body, fontName="DejaVu-Bold", fontSize=14, leading=18
    )

    def markup(runs):
        escaped = [
            (part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), b)
            for part, b in runs
        ]
        return "".join(f"<b>{part}</b>" if b else part for part, b in escaped)

    story = []
    for block in blocks_of(text):
        if block.kind == "heading":
            story.append(Paragraph(markup(block.runs), heading))
        elif block.kind == "item":
            indent = 18 * (block.level + 1)
            style = ParagraphStyle(
                f"item{block.level}",
                parent=body,
                leftIndent=indent,
                bulletIndent=indent - 12,
                bulletFontName="DejaVu",
                spaceAfter=3,
            )
            story.append(Paragraph(markup(block.runs), style, bulletText="•"))
        else:
            story.append(Paragraph(markup(block.runs), body))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


WRITERS = {".txt": lambda text: text.encode(), ".docx": to_docx, ".odt": to_odt, ".pdf": to_pdf}
