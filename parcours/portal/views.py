from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from parcours.cases import margins
from parcours.cases import selectors as case_selectors
from parcours.cases.decision_letters import (
    decision_letter_context,
    decision_letter_file_name,
    store_decision_letter_pdf,
)
from parcours.cases.enums import CaseState, ProgressStep
from parcours.cases.models import Receipt
from parcours.cases.receipts import receipt_context, render_receipt_pdf_bytes
from parcours.catalog.models import Procedure
from parcours.contacts import selectors as contact_selectors
from parcours.organisations.models import Unit
from parcours.privacy import selectors as access_selectors
from parcours.studio.selectors import appeal_routes_of


def home(request):
    procedures = (
        Procedure.objects.published()
        .select_related("organisation", "handling_unit")
        .prefetch_related("commitments")
        .order_by("theme", "title")
    )
    themes = [
        (items[0].get_theme_display(), items)
        for _, group in groupby(procedures, key=lambda p: p.theme)
        for items in [list(group)]
    ]
    return render(request, "portal/home.html", {"themes": themes})


def contact(request):
    """The hub to reach a person: write, be called back, or come and see us."""
    units = (
        Unit.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("opening_hours")
        .order_by("organisation__name", "name")
    )
    return render(
        request,
        "portal/contact.html",
        {
            "units": units,
            "cases": contact_selectors.cases_to_write_about(request.user),
            "can_write": contact_selectors.units_to_contact(request.user).exists(),
        },
    )


def accessibility(request):
    return render(request, "portal/accessibility.html")


@login_required
def cases(request):
    return render(
        request,
        "portal/cases.html",
        {
            "cases": case_selectors.cases_of_citizen(request.user),
            "accesses": list(access_selectors.accesses_shown_to_person(request.user)),
        },
    )


@login_required
def case_detail(request, reference):
    case = get_object_or_404(case_selectors.case_for_reference(request.user, reference))
    decisions = case.decisions.all()
    receipt = Receipt.objects.filter(case=case).first()
    return render(
        request,
        "portal/case_detail.html",
        {
            "case": case,
            "steps": ProgressStep.choices,
            "decision": decisions[0] if decisions else None,
            # How to contest, as the version the case was filed under says.
            "appeal_routes": appeal_routes_of(case.procedure_version) if decisions else "",
            "receipt": receipt,
            "receipt_size": _stored_size(receipt.pdf) if receipt else None,
            # The letters are the person's own: each with its size once the worker made it.
            "letters": [(decision, _stored_size(decision.letter_pdf)) for decision in decisions]
            if case.person.user_id == request.user.pk
            else [],
            "documents": case_selectors.with_senders(
                case, case_selectors.documents_of_case(case), viewer_id=request.user.pk
            ),
            # The procedure's documents still expected, less those the service waived.
            "missing_documents": margins.missing_documents(case) if case.is_open else [],
            "waived_documents": margins.waived_documents(case),
            # What the agent asked for, shown with the next step while it is awaited.
            "information_request": case_selectors.last_information_request(case)
            if case.state == CaseState.AWAITING_CITIZEN
            else None,
            "accesses": access_selectors.accesses_shown_to_person(request.user, case=case),
        },
    )


@login_required
def receipt(request, reference):
    case = get_object_or_404(case_selectors.case_for_reference(request.user, reference))
    receipt = get_object_or_404(Receipt.objects.select_related("case"), case=case)
    return render(request, "cases/receipt_page.html", receipt_context(receipt))


@never_cache
@login_required
def receipt_pdf(request, reference):
    """The stored PDF if the worker made it, otherwise rendered now (and not stored here:
    the worker's task is the one writer)."""
    case = get_object_or_404(case_selectors.case_for_reference(request.user, reference))
    receipt = get_object_or_404(Receipt.objects.select_related("case__person"), case=case)
    if receipt.pdf:
        with receipt.pdf.open("rb") as stored:
            content = stored.read()
    else:
        content = render_receipt_pdf_bytes(receipt)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="accuse-de-reception-{receipt.case.reference}.pdf"'
    )
    return response


@never_cache
@login_required
def document(request, reference, pk):
    """A file attached to a case, for whoever may see the case: always as a download,
    with the type read from its content when it was received, never sniffed again."""
    document = get_object_or_404(case_selectors.document_for_reference(request.user, reference, pk))
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def decision_letter(request, reference, pk):
    """The letter of a decision (or the attestation of an implicit one), for the person
    whose case it is."""
    decision = get_object_or_404(
        case_selectors.own_decision_for_reference(request.user, reference, pk)
    )
    return render(request, "cases/decision_letter_page.html", decision_letter_context(decision))


@never_cache
@login_required
def decision_letter_pdf(request, reference, pk):
    """The stored letter; if the worker has not made it yet, made now the way it does."""
    decision = get_object_or_404(
        case_selectors.own_decision_for_reference(request.user, reference, pk)
    )
    if not decision.letter_pdf:
        store_decision_letter_pdf(decision.pk)
        decision.refresh_from_db(fields=["letter_pdf"])
    with decision.letter_pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{decision_letter_file_name(decision)}"'
    )
    return response


def _stored_size(file) -> int | None:
    """The size of a stored file, or None if it is not stored (yet)."""
    if not file:
        return None
    try:
        return file.size
    except OSError:
        return None
