"""The agents' pages of the channels: the triage queue of emails received, recording a
call, a visit or a letter, finding or recording the person, and filing a request on
their behalf with the procedure's own form.

Every view goes through ``agent_required`` and reads through the agent's scope: the
triage queue of their units, the people of their administration, the cases of their
units."""

from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.backoffice.decorators import agent_required, manager_required
from parcours.cases import prefill
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError, IllegalTransition
from parcours.cases.models import Case, Receipt
from parcours.cases.receipts import render_receipt_pdf_bytes
from parcours.cases.services import case_submit, case_update_draft, document_add, size_label
from parcours.catalog.models import Procedure
from parcours.contacts.models import CallbackRequest
from parcours.organisations import permissions
from parcours.portal.apply.forms import SITUATION_SPEC, StepForm, error_summary, visible_names
from parcours.privacy.enums import JournalAction, JournalPurpose
from parcours.privacy.journal import record_access

from . import callbacks as callback_services
from . import merges, selectors, services
from .enums import ContactChannel, DuplicateReason
from .errors import ChannelError
from .forms import (
    AgentCallbackForm,
    AssistedStartForm,
    AttachForm,
    CallbackOutcomeForm,
    ContactForm,
    DismissForm,
    FindPersonForm,
    MergeForm,
    PersonForm,
)
from .models import InboundEmail, PersonMerge


def _journal(request, person, action, *, purpose=JournalPurpose.SUPPORT, **kwargs) -> None:
    """Record in the person's access journal what the agent read or changed."""
    record_access(request.user, person, action, purpose=purpose, request=request, **kwargs)


def _add_error(form, error: ChannelError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# ---------------------------------------------------------------------------
# Triage of emails received


@agent_required
def triage(request):
    paginator = Paginator(selectors.triage_of(request.agent), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "channels/triage.html", {"page": page})


def _inbound_or_404(request, pk) -> InboundEmail:
    return get_object_or_404(
        InboundEmail.objects.for_agent(request.agent).select_related(
            "unit", "suggested_case__person", "person", "case"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def inbound_detail(request, pk):
    """One email: what it says, who may have sent it, and what to do with it."""
    agent = request.agent
    inbound = _inbound_or_404(request, pk)
    find = FindPersonForm(data=request.GET or None)
    query = find.cleaned_data["q"] if find.is_valid() else ""
    if not query and inbound.from_address:
        query = inbound.from_address
    attach = AttachForm(data=request.POST if request.POST.get("action") == "attach" else None)
    dismiss = DismissForm(data=request.POST if request.POST.get("action") == "dismiss" else None)
    if attach.is_bound and attach.is_valid():
        person = selectors.people_of_organisation(agent).filter(pk=attach.cleaned_data["person"])
        person = person.first()
        reference = attach.cleaned_data["case"].strip()
        case = None
        if reference:
            case = Case.objects.filter(
                organisation_id=agent.organisation_id, reference__iexact=reference
            ).first()
        if person is None:
            attach.add_error(None, _("Choisissez la personne dans la liste."))
        elif reference and case is None:
            attach.add_error("case", _("Aucun dossier ne porte ce numéro."))
        else:
            try:
                services.inbound_attach(inbound=inbound, by=request.user, person=person, case=case)
            except ChannelError as error:
                _add_error(attach, error)
            else:
                _journal(request, person, JournalAction.CHANGE, case=case, obj=inbound.message)
                messages.success(
                    request,
                    _("Le courriel est rattaché à %(name)s.") % {"name": person.full_name},
                )
                return redirect("channels:triage")
    if dismiss.is_bound and dismiss.is_valid():
        try:
            services.inbound_dismiss(
                inbound=inbound, by=request.user, reason=dismiss.cleaned_data["reason"]
            )
        except ChannelError as error:
            _add_error(dismiss, error)
        else:
            messages.success(request, _("Le courriel est écarté."))
            return redirect("channels:triage")
    suggested = []
    if inbound.suggested_case_id and inbound.suggested_case.unit_id in {
        unit.pk for unit in permissions.handled_units(agent)
    }:
        suggested = [inbound.suggested_case.person]
    candidates = suggested + [
        person
        for person in selectors.find_people(agent, query)
        if not suggested or person.pk != suggested[0].pk
    ]
    status = HTTPStatus.OK if not (attach.errors or dismiss.errors) else HTTPStatus.BAD_REQUEST
    return render(
        request,
        "channels/inbound_detail.html",
        {
            "inbound": inbound,
            "find": find,
            "query": query,
            "candidates": candidates,
            "attach": attach,
            "dismiss": dismiss,
            "chosen": str(attach.data.get("person", "")) if attach.is_bound else "",
        },
        status=status,
    )


@agent_required
def inbound_raw(request, pk):
    """The email as received, to open in a mail program."""
    inbound = _inbound_or_404(request, pk)
    if inbound.person is not None:
        _journal(request, inbound.person, JournalAction.DOWNLOAD, case=inbound.case, obj=inbound)
    with inbound.raw.open("rb") as raw:
        content = raw.read()
    response = HttpResponse(content, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="courriel-{inbound.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------
# Finding or recording a person, and recording an exchange


@require_http_methods(["GET", "POST"])
@agent_required
def contact_new(request):
    """Someone calls, comes to the counter or writes: find them, or record them."""
    agent = request.agent
    find = FindPersonForm(data=request.GET or None)
    query = find.cleaned_data["q"].strip() if find.is_valid() else ""
    # From an email in triage: the sender's name and address, and the way back to it.
    names = request.GET.get("nom", "").split(" ", 1)
    initial = {
        "given_name": names[0] if len(names) == 2 else "",
        "family_name": names[-1],
        "email": request.GET.get("courriel", ""),
    }
    back_to = InboundEmail.objects.for_agent(agent).in_triage()
    back_to = (
        back_to.filter(pk=request.GET["retour"]).first()
        if request.GET.get("retour", "").isdigit()
        else None
    )
    form = PersonForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_record(
                organisation=agent.organisation, by=request.user, **form.cleaned_data
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            _journal(request, person, JournalAction.CHANGE)
            messages.success(
                request, _("La fiche de %(name)s est créée.") % {"name": person.full_name}
            )
            if back_to is not None:
                return redirect("channels:inbound", pk=back_to.pk)
            return redirect("channels:person_contact", pk=person.pk)
    return render(
        request,
        "channels/contact_new.html",
        {
            "find": find,
            "query": query,
            "people": selectors.find_people(agent, query),
            "form": form,
        },
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def person_contact(request, pk):
    """Record a call, a visit or a letter in a few fields."""
    agent = request.agent
    person = get_object_or_404(selectors.people_of_organisation(agent), pk=pk)
    units = permissions.handled_units(agent)
    cases = selectors.cases_for_contact(agent, person)
    initial = {"case": request.GET.get("dossier")} if request.GET.get("dossier") else {}
    channel = request.GET.get("canal")
    if channel in ContactChannel.values:
        initial["channel"] = channel
    form = ContactForm(
        data=request.POST or None,
        files=request.FILES or None,
        units=units,
        cases=cases,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.contact_record(
                by=request.user,
                person=person,
                unit=data["unit"],
                channel=data["channel"],
                direction=data["direction"],
                occurred_at=data["occurred_at"],
                subject=data["subject"],
                outcome=data["outcome"],
                case=data["case"],
                scan=data["scan"],
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            _journal(request, person, JournalAction.CHANGE, case=record.case, obj=record)
            messages.success(
                request,
                _("%(channel)s enregistré : %(subject)s")
                % {"channel": record.get_channel_display(), "subject": record.subject},
            )
            return redirect("backoffice:person", pk=person.pk)
    return render(
        request,
        "channels/person_contact.html",
        {
            "person": person,
            "form": form,
            "max_size": size_label(_upload_limit()),
        },
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


def _upload_limit() -> int:
    from django.conf import settings

    return settings.PARCOURS_UPLOAD_MAX_BYTES


@agent_required
def contact_scan(request, pk):
    """The scan of a letter recorded on a person of the agent's units."""
    from .models import ContactRecord

    record = get_object_or_404(
        ContactRecord.objects.filter(
            organisation_id=request.agent.organisation_id,
            unit__in=permissions.handled_units(request.agent),
        ).exclude(scan=""),
        pk=pk,
    )
    _journal(request, record.person, JournalAction.DOWNLOAD, case=record.case, obj=record)
    with record.scan.open("rb") as scan:
        content = scan.read()
    response = HttpResponse(content, content_type=record.scan_content_type)
    response["Content-Disposition"] = f'inline; filename="courrier-{record.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------
# Filing a request on a person's behalf


@require_http_methods(["GET", "POST"])
@agent_required
def assisted_start(request, pk):
    agent = request.agent
    person = get_object_or_404(selectors.people_of_organisation(agent), pk=pk)
    procedures = Procedure.objects.published().filter(organisation_id=agent.organisation_id)
    form = AssistedStartForm(data=request.POST or None, procedures=procedures.order_by("title"))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.assisted_start(
                by=request.user,
                person=person,
                procedure=form.cleaned_data["procedure"],
                channel=form.cleaned_data["channel"],
                accompanied=form.cleaned_data["accompanied"],
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            _journal(request, person, JournalAction.CHANGE, case=case)
            return redirect("channels:assisted_fill", pk=case.pk)
    return render(
        request,
        "channels/assisted_start.html",
        {"person": person, "form": form},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


def _assisted_draft_or_404(request, pk) -> Case:
    """A draft the agent started for a person."""
    return get_object_or_404(
        Case.objects.filter(
            state=CaseState.DRAFT,
            organisation_id=request.agent.organisation_id,
            assisted__agent=request.agent,
        ).select_related("procedure", "procedure_version", "person", "assisted"),
        pk=pk,
    )


def _fill_context(case: Case, form: StepForm, situation: StepForm, **extra) -> dict:
    items = form.items() + situation.items()
    error_list = error_summary(items)
    return {
        "case": case,
        "procedure": case.procedure,
        "items": form.items(),
        "situation_items": situation.items(),
        "error_list": error_list,
        "non_field_errors": [],
        "error_count": len(error_list),
        "documents": list(case_selectors.documents_of_case(case)),
        "required_documents": case.procedure_version.required_documents or [],
        "max_size": size_label(_upload_limit()),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@agent_required
def assisted_fill(request, pk):
    """The procedure's own form on one page, filled in by the agent (with the person,
    in accompanied mode), then sent: same checks, same receipt as online."""
    case = _assisted_draft_or_404(request, pk)
    definition = case.procedure_version.form_definition or {"fields": []}
    specs = definition.get("fields", [])
    if request.method == "GET":
        offered = prefill.offers(person=case.person, definition=definition, exclude_case_id=case.pk)
        initial = {
            **{name: offer.value for name, offer in offered.items()},
            **case.form_data,
        }
        form = StepForm(specs=specs, initial=initial)
        situation = StepForm(specs=[SITUATION_SPEC], initial={"situation": case.situation})
        return render(request, "channels/assisted_fill.html", _fill_context(case, form, situation))
    form = StepForm(data=request.POST, specs=specs)
    situation = StepForm(data=request.POST, specs=[SITUATION_SPEC])
    answers = form.answers()
    case = case_update_draft(
        case=case,
        by=request.user,
        form_data=answers,
        situation=situation.answers()["situation"],
    )
    form.checked = set(visible_names(definition, {**case.form_data, **answers}))
    if request.POST.get("action") != "submit":
        messages.success(request, _("Les réponses sont enregistrées."))
        return redirect("channels:assisted_fill", pk=case.pk)
    if not (form.is_valid() and situation.is_valid()):
        return render(
            request,
            "channels/assisted_fill.html",
            _fill_context(case, form, situation),
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        case = case_submit(case=case, by=request.user)
    except IllegalTransition:
        case.refresh_from_db()
    except CaseError as error:
        for name, errors in (error.errors or {}).items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        if not error.errors:
            messages.error(request, error.message)
        return render(
            request,
            "channels/assisted_fill.html",
            _fill_context(case, form, situation),
            status=HTTPStatus.BAD_REQUEST,
        )
    return redirect("channels:assisted_done", reference=case.reference)


@require_POST
@agent_required
def assisted_document(request, pk):
    case = _assisted_draft_or_404(request, pk)
    try:
        with transaction.atomic():
            document = document_add(
                case=case,
                by=request.user,
                upload=request.FILES.get("file"),
                kind_code=request.POST.get("kind_code", ""),
            )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Le fichier « %(name)s » est joint.") % {"name": document.original_name}
        )
    return redirect(reverse("channels:assisted_fill", args=[case.pk]) + "#pieces")


def _assisted_case_or_404(request, reference) -> Case:
    return get_object_or_404(
        Case.objects.filter(
            organisation_id=request.agent.organisation_id, assisted__agent=request.agent
        )
        .exclude(state=CaseState.DRAFT)
        .select_related("procedure", "person", "unit", "assisted"),
        reference=reference,
    )


@agent_required
def assisted_done(request, reference):
    case = _assisted_case_or_404(request, reference)
    receipt = get_object_or_404(Receipt, case=case)
    return render(request, "channels/assisted_done.html", {"case": case, "receipt": receipt})


@agent_required
def assisted_receipt_pdf(request, reference):
    """The receipt to print and hand over or post: the same as online."""
    case = _assisted_case_or_404(request, reference)
    receipt = Receipt.objects.filter(case=case).first()
    if receipt is None:
        raise Http404
    _journal(request, case.person, JournalAction.DOWNLOAD, case=case, obj=receipt)
    if receipt.pdf:
        with receipt.pdf.open("rb") as stored:
            content = stored.read()
    else:
        content = render_receipt_pdf_bytes(receipt)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="accuse-de-reception-{reference}.pdf"'
    return response


# ---------------------------------------------------------------------------
# Duplicate people


@manager_required
def duplicates(request):
    return render(
        request,
        "channels/duplicates.html",
        {"suggestions": merges.duplicate_suggestions(request.agent)},
    )


def _record_summary(person) -> dict:
    return {
        "person": person,
        "cases": person.cases.exclude(state=CaseState.DRAFT).count(),
        "messages": person.messages.count(),
        "has_account": person.user_id is not None,
    }


@require_http_methods(["GET", "POST"])
@manager_required
def duplicate_pair(request, first, second):
    agent = request.agent
    people = selectors.people_of_organisation(agent)
    first = get_object_or_404(people, pk=first)
    second = get_object_or_404(people, pk=second)
    if first.pk == second.pk:
        raise Http404
    if request.method == "GET":
        for person in (first, second):
            _journal(
                request,
                person,
                JournalAction.READ,
                reason=_("Vérification d'une fiche en double."),
            )
    form = MergeForm(
        data=request.POST if request.POST.get("action") == "merge" else None,
        first=first,
        second=second,
    )
    if request.POST.get("action") == "distinct":
        merges.mark_not_duplicate(by=request.user, first=first, second=second)
        messages.success(request, _("Ces deux fiches ne seront plus proposées à la fusion."))
        return redirect("channels:duplicates")
    if form.is_bound and form.is_valid():
        kept, merged = (
            (first, second) if form.cleaned_data["keep"] == str(first.pk) else (second, first)
        )
        try:
            merge = merges.person_merge(
                by=request.user, kept=kept, merged=merged, note=form.cleaned_data["note"]
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            _journal(
                request,
                merge.kept,
                JournalAction.CHANGE,
                obj=merge,
                reason=_("Fusion avec la fiche n° %(pk)s, la même personne.")
                % {"pk": merge.merged_person_id},
            )
            messages.success(
                request,
                _("Les fiches sont fusionnées : tout est rattaché à %(name)s.")
                % {"name": merge.kept.full_name},
            )
            return redirect("backoffice:person", pk=merge.kept_id)
    return render(
        request,
        "channels/duplicate_pair.html",
        {
            "records": [_record_summary(first), _record_summary(second)],
            "reasons": [DuplicateReason(r).label for r in merges.reasons_for(first, second)],
            "form": form,
        },
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@agent_required
def merge_detail(request, pk):
    """The audit record of a merge: who, when, why, the removed record as it was."""
    merge = get_object_or_404(
        PersonMerge.objects.filter(organisation_id=request.agent.organisation_id).select_related(
            "kept"
        ),
        pk=pk,
    )
    # The removed record as it was; every field shown, even from an older snapshot.
    fields = ("full_name", "given_name", "family_name", "birth_date", "email", "phone")
    fields += ("street", "postcode", "city")
    snapshot = {name: merge.merged_snapshot.get(name) or "" for name in fields}
    return render(
        request,
        "channels/merge_detail.html",
        {
            "merge": merge,
            "snapshot": snapshot,
            "reasons": [
                DuplicateReason(r).label for r in merge.reasons if r in DuplicateReason.values
            ],
        },
    )


# ---------------------------------------------------------------------------
# Call-backs


@agent_required
def callbacks(request):
    return render(
        request,
        "channels/callbacks.html",
        {"callbacks": list(callback_services.pending_for(request.agent)[:200])},
    )


@require_http_methods(["GET", "POST"])
@agent_required
def callback_detail(request, pk):
    """Call the person back and record the outcome."""
    agent = request.agent
    callback = get_object_or_404(
        CallbackRequest.objects.filter(
            organisation_id=agent.organisation_id, unit__in=permissions.handled_units(agent)
        ).select_related("person", "unit", "case", "requested_by"),
        pk=pk,
    )
    form = CallbackOutcomeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = callback_services.callback_record_outcome(
                by=request.user, callback=callback, **form.cleaned_data
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            _journal(
                request, callback.person, JournalAction.CHANGE, case=callback.case, obj=attempt
            )
            messages.success(
                request,
                _("Rappel noté : %(outcome)s.")
                % {"outcome": attempt.get_outcome_display().lower()},
            )
            return redirect("channels:callbacks")
    return render(
        request,
        "channels/callback_detail.html",
        {"callback": callback, "attempts": list(callback.attempts.all()), "form": form},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def person_callback(request, pk):
    """Take a call-back request for a person, within the unit's opening hours."""
    agent = request.agent
    person = get_object_or_404(selectors.people_of_organisation(agent), pk=pk)
    form = AgentCallbackForm(
        data=request.POST or None,
        units=permissions.handled_units(agent),
        cases=selectors.cases_for_contact(agent, person),
        initial={"phone": person.phone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            callback = callback_services.callback_request_for(
                by=request.user, person=person, **form.cleaned_data
            )
        except ChannelError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Rappel prévu le %(day)s, %(moment)s.")
                % {
                    "day": callback.day.strftime("%d/%m/%Y"),
                    "moment": callback.get_half_day_display().lower(),
                },
            )
            return redirect("backoffice:person", pk=person.pk)
    return render(
        request,
        "channels/person_callback.html",
        {"person": person, "form": form},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )
