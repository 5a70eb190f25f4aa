"""The agent's case page (read-only for now), its documents, and taking the case."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.cases import margins, prefill, queue
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState, EventKind, HoldingChange, MarginKind
from parcours.cases.errors import CaseError
from parcours.cases.models import CaseEvent, Document
from parcours.cases.private_fields import may_fill, private_specs, private_values
from parcours.catalog.form_definition import visible_fields
from parcours.organisations import permissions
from parcours.portal.apply.forms import answer_display
from parcours.privacy import selectors as access_selectors

from ..decorators import agent_required
from ..forms import TakeForm
from ..journal import journaled


def case_of(agent, reference: str):
    """A case the agent may open in the back-office, by its reference; 404 otherwise."""
    return get_object_or_404(
        queue.backoffice_cases(agent).select_related(
            "procedure", "procedure_version", "person", "unit", "referent__user"
        ),
        reference=reference,
    )


@agent_required
@journaled("case")
def case_detail(request, reference):
    agent = request.agent
    if access_selectors.out_of_scope_case(agent, reference) is not None and not (
        access_selectors.readable_cases(agent).filter(reference=reference).exists()
    ):
        # Another unit's case: open it with a stated reason, shown to the person.
        return redirect("backoffice:case_access", reference=reference)
    case = get_object_or_404(
        access_selectors.readable_cases(agent)
        .select_related("procedure", "procedure_version", "person", "unit", "referent__user")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").order_by("created_at", "pk"),
                to_attr="history",
            ),
            "decisions",
        ),
        reference=reference,
    )
    definition = case.procedure_version.form_definition or {}
    # Tell us once: which answers were taken from what the administration already held.
    origins = prefill.origins(
        definition=definition, offered={}, records=case.prefilled, values=case.form_data
    )
    answers = [
        {
            "label": field["label"],
            "value": answer_display(field, case.form_data.get(field["name"])),
            "origin": origins[field["name"]].agent_text if field["name"] in origins else "",
        }
        for field in visible_fields(definition, case.form_data)
    ]
    for event in case.history:
        via = event.data.get("via") if event.kind == EventKind.REFERENT_CHANGED else None
        event.holding_label = HoldingChange(via).label if via in HoldingChange.values else ""
        margin = event.data.get("margin") if event.kind == EventKind.MARGIN_USED else None
        event.margin_label = MarginKind(margin).label if margin in MarginKind.values else ""
    today = timezone.localdate()
    unit_ids = {
        "handled": set(permissions.handled_units(agent).values_list("pk", flat=True)),
        "managed": set(permissions.managed_units(agent).values_list("pk", flat=True)),
    }
    return render(
        request,
        "backoffice/case_detail.html",
        {
            "case": case,
            "answers": answers,
            "private": _private_part(agent, case),
            "documents": _documents(case),
            "missing_documents": margins.missing_documents(case) if case.is_open else [],
            "waived_documents": margins.waived_documents(case),
            "history": case.history,
            "decisions": list(case.decisions.all()),
            "overdue": bool(
                case.is_open
                and case.decision_due_on
                and case.clock_suspended_on is None
                and case.decision_due_on < today
            ),
            "in_scope": case.unit_id in unit_ids["handled"] | unit_ids["managed"],
            "preview_types": PREVIEW_TYPES,
            "may_take": case.is_open
            and case.referent_id is None
            and case.unit_id in unit_ids["handled"],
            "may_reassign": case.is_open and case.unit_id in unit_ids["managed"],
        },
    )


def _private_part(agent, case) -> dict | None:
    """The procedure's fields reserved for agents: a form for the agents of the case's
    unit, the values only for the others who may read the case."""
    from .private_fields import private_form  # that module uses case_of, from here

    specs = private_specs(case)
    if not specs:
        return None
    if may_fill(agent, case):
        return {"form": private_form(case)}
    values = private_values(case)
    return {
        "answers": [
            {"label": spec["label"], "value": answer_display(spec, values.get(spec["name"]))}
            for spec in specs
        ]
    }


# Shown in the browser: images and PDF, typed as they were checked when received.
PREVIEW_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})
# The preview runs nothing and loads nothing else: no script, no form, no plug-in.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def _readable_document(agent, reference, pk) -> Document:
    case = get_object_or_404(
        access_selectors.readable_cases(agent).exclude(state=CaseState.DRAFT),
        reference=reference,
    )
    return get_object_or_404(Document, pk=pk, case=case)


@agent_required
@journaled("document")
def document(request, reference, pk):
    """A file of the case, always as a download, typed as it was when received."""
    document = _readable_document(request.agent, reference, pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@agent_required
@journaled("document")
def document_preview(request, reference, pk):
    """An image or a PDF of the case shown in the browser, sandboxed; any other type
    is only downloaded."""
    document = _readable_document(request.agent, reference, pk)
    if document.content_type not in PREVIEW_TYPES:
        return redirect("backoffice:document", reference=reference, pk=document.pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def take(request, reference):
    """Take a given case. The next one of the queue is taken as it is; any other needs
    a reason, recorded for the managers."""
    agent = request.agent
    case = get_object_or_404(
        queue.backoffice_cases(agent)
        .filter(unit__in=permissions.handled_units(agent))
        .select_related("procedure", "person", "unit", "referent__user"),
        reference=reference,
    )
    if case.referent_id == agent.pk:
        messages.info(request, _("Vous suivez déjà ce dossier."))
        return redirect("backoffice:case", reference=case.reference)
    form = TakeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            queue.case_take(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except CaseError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _("Vous suivez désormais le dossier %(reference)s.")
                % {"reference": case.reference},
            )
            return redirect("backoffice:case", reference=case.reference)
    # Asked after any attempt: the queue may have moved since the page was shown.
    following = queue.next_in_queue(case.unit) if case.is_open else None
    return render(
        request,
        "backoffice/take.html",
        {
            "case": case,
            "form": form,
            "is_next": following is not None and following.pk == case.pk,
        },
    )


def _documents(case) -> list:
    """The case's files, each with what it was given for (``piece_label``)."""
    labels = margins.piece_labels(case)
    documents = list(case_selectors.documents_of_case(case))
    for document in documents:
        document.piece_label = labels.get(document.kind_code, document.kind_code)
    return documents
