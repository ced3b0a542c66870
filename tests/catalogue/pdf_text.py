"""The text of a PDF, read back with pypdf, to check what a document says."""

from io import BytesIO

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
