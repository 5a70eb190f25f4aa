"""The receipt as a document: one template for the page and the PDF."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Receipt


def receipt_context(receipt: Receipt) -> dict:
    return {"receipt": receipt, "case": receipt.case, "site_name": settings.PARCOURS_SITE_NAME}


def render_receipt_pdf_bytes(receipt: Receipt, *, language: str | None = None) -> bytes:
    """The receipt as PDF, in the person's language (French unless they chose otherwise)."""
    from weasyprint import HTML

    language = language or receipt.case.person.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("cases/receipt_pdf.html", receipt_context(receipt))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
