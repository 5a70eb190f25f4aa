"""Background work on cases, run by the worker (`manage.py run_worker`)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from .decision_letters import store_decision_letter_pdf
from .models import Receipt
from .receipts import render_receipt_pdf_bytes
from .services import apply_due_implicit_decisions


@task()
def render_receipt_pdf(receipt_id: int) -> bool:
    """Render and store the PDF of a receipt. Idempotent: does nothing if it exists."""
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update().select_related("case").filter(pk=receipt_id).first()
        )
        if receipt is None or receipt.pdf:
            return False
        receipt.pdf.save(
            f"{receipt.case.reference}.pdf", ContentFile(render_receipt_pdf_bytes(receipt))
        )
    return True


@task()
def render_decision_letter_pdf(decision_id: int) -> bool:
    """Render and store the letter of a decision. Idempotent: does nothing if it exists."""
    return store_decision_letter_pdf(decision_id)


@task()
def apply_implicit_decisions() -> int:
    """Periodic: record the decisions born of the administration's silence."""
    total = 0
    while applied := apply_due_implicit_decisions():
        total += applied
    return total
