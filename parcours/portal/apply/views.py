"""Applying online: start a request, fill it in step by step, review it, send it.

Every step saves the draft, even with mistakes, so the person can leave and come back.
Only the person who owns a draft may see or change it, or a helper (aidant) who started
it for them under a mandate still in force: every view fetches it through
``_own_or_mandated``. A helper whose mandate ended is told why (403).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parcours.accounts.services import CERTIFIED_IDENTITY_SESSION_KEY, certify_people
from parcours.cases import prefill
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError, IllegalTransition
from parcours.cases.models import Case, Document, Receipt
from parcours.cases.receipts import receipt_context
from parcours.cases.services import (
    case_create_draft,
    case_submit,
    case_update_draft,
    document_add,
    document_remove,
    document_reuse,
    size_label,
)
from parcours.catalog.enums import FieldType
from parcours.catalog.models import Procedure
from parcours.lib import reference_cache
from parcours.mandates import selectors as mandate_selectors
from parcours.people.models import Person
from parcours.portal.pieces import ACCEPTED_FILES, pieces_of_case

from .forms import (
    SITUATION_SPEC,
    StepForm,
    answer_display,
    changes_lines,
    error_summary,
    steps_of,
    visible_names,
)

ERRORS_KEY = "apply:{pk}:errors"


def _person_for(request, procedure: Procedure) -> Person:
    """The signed-in person's record in the procedure's administration, created from
    their account the first time, with the identity certified at this sign-in if any."""
    user = request.user
    person, created = Person.objects.get_or_create(
        organisation_id=procedure.organisation_id,
        user=user,
        defaults={
            "given_name": user.first_name,
            "family_name": user.last_name or user.email,
            "email": user.email,
        },
    )
    identity = request.session.get(CERTIFIED_IDENTITY_SESSION_KEY)
    if created and identity:
        certify_people(user=user, claims=identity)
        person.refresh_from_db()
    return person


def _own_cases(user):
    return Case.objects.owned_by(user)


def _own_or_mandated(request, queryset, pk: int) -> Case:
    """The person's own case, or one a helper started for a person under a mandate in
    force today; a helper whose mandate ended is told why (403). Its procedure, version
    and administration come from the reference cache: they are the same for every
    draft of the procedure, and only the case and its person are read for each page."""
    queryset = queryset.order_by()  # one row by primary key: nothing to sort
    case = next(iter(queryset.filter(person__user=request.user, pk=pk)), None)
    if case is None:
        mandate_selectors.deny_if_ended(request.user, case_id=pk)
        case = get_object_or_404(
            queryset.filter(mandate_selectors.active_case_links_q(request.user)), pk=pk
        )
    return case.with_cached_procedure()


def _draft_or_404(request, pk: int) -> Case:
    return _own_or_mandated(
        request, Case.objects.filter(state=CaseState.DRAFT).select_related("person"), pk
    )


def _definition(case: Case) -> dict:
    return case.procedure_version.form_definition or {"fields": []}


class Plan:
    """The steps of a draft's form, and which of them are shown for its answers."""

    def __init__(self, case: Case):
        self.case = case
        self.definition = _definition(case)
        self.specs = {spec["name"]: spec for spec in self.definition.get("fields", [])}
        self.steps = steps_of(self.definition)
        self.situation_step = len(self.steps) + 1

    def visible_specs(self, step_number: int, answers: dict) -> list[dict]:
        shown = set(visible_names(self.definition, answers))
        step = self.steps[step_number - 1]
        return [self.specs[name] for name in step.names if name in shown]

    def step_of(self, name: str) -> int | None:
        for step in self.steps:
            if name in step.names:
                return step.number
        return None

    def following(self, step_number: int, answers: dict) -> int:
        """The next step that has something to ask (the last one always does)."""
        for number in range(step_number + 1, self.situation_step):
            if self.visible_specs(number, answers):
                return number
        return self.situation_step

    def preceding(self, step_number: int, answers: dict) -> int | None:
        for number in range(step_number - 1, 0, -1):
            if self.visible_specs(number, answers):
                return number
        return None

    def shown_steps(self, answers: dict) -> list[int]:
        return [n for n in range(1, self.situation_step) if self.visible_specs(n, answers)] + [
            self.situation_step
        ]

    def title(self, step_number: int) -> str:
        if step_number == self.situation_step:
            return _("Votre situation")
        return self.steps[step_number - 1].title


def _step_url(case: Case, number: int) -> str:
    return reverse("portal:apply_step", args=[case.pk, number])


@login_required
@require_http_methods(["GET", "POST"])
def apply_start(request, slug):
    """Start a request, or resume the draft already started for this procedure."""
    procedure = reference_cache.remember(
        "catalog:published-procedure",
        slug,
        lambda: (
            Procedure.objects.published()
            .select_related("organisation", "handling_unit")
            .filter(slug=slug)
            .first()
        ),
    )
    if procedure is None:
        raise Http404
    existing = (
        _own_cases(request.user)
        .filter(procedure=procedure, state=CaseState.DRAFT)
        .order_by("-created_at")
        .first()
    )
    if existing is not None and request.method == "POST":
        return redirect(_step_url(existing, 1))
    if request.method == "POST":
        try:
            with transaction.atomic():
                person = _person_for(request, procedure)
                # One draft per person and procedure, even after a double click.
                Person.objects.select_for_update().filter(pk=person.pk).first()
                case = Case.objects.filter(
                    person=person, procedure=procedure, state=CaseState.DRAFT
                ).first() or case_create_draft(
                    person=person,
                    procedure=procedure,
                    by=request.user,
                    version=procedure.cached_current_version(),
                )
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("portal:home")
        return redirect(_step_url(case, 1))
    version = procedure.cached_current_version()
    return render(
        request,
        "portal/apply/start.html",
        {
            "procedure": procedure,
            "draft": existing,
            "documents": version.required_documents if version else [],
            "has_form": version is not None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply_step(request, pk, step):
    case = _draft_or_404(request, pk)
    plan = Plan(case)
    if not 1 <= step <= plan.situation_step:
        raise Http404
    if step == plan.situation_step:
        return _situation_step(request, case, plan)
    stored = case.form_data
    specs = plan.visible_specs(step, stored)
    if not specs:
        # Nothing to ask here for these answers: the conditions hide every field.
        return redirect(_step_url(case, plan.following(step, stored)))
    # Tell us once: what the administration already holds, and where it comes from.
    offered = prefill.offers(
        person=case.person, definition=plan.definition, exclude_case_id=case.pk
    )
    if request.method == "GET":
        initial = {
            **{name: offer.value for name, offer in offered.items() if name not in stored},
            **stored,
            **{name: offer.value for name, offer in offered.items() if offer.certified},
        }
        form = StepForm(
            specs=specs,
            initial=initial,
            origins=prefill.origins(
                definition=plan.definition,
                offered=offered,
                records=case.prefilled,
                values=initial,
            ),
        )
        errors = request.session.get(ERRORS_KEY.format(pk=case.pk), {})
        mine = {name: errors.pop(name) for name in list(errors) if name in form.fields}
        if mine:
            request.session[ERRORS_KEY.format(pk=case.pk)] = errors
            form.show_errors(mine)
        return _render_step(request, case, plan, step, form)

    form = StepForm(data=request.POST, specs=specs)
    file_errors = _attach_files(request, case, specs, form)
    answers = form.answers()
    merged = {**stored, **answers}
    still_shown = {spec["name"] for spec in plan.visible_specs(step, merged)}
    case = case_update_draft(case=case, by=request.user, form_data=answers)
    form.origins = prefill.origins(
        definition=plan.definition, offered=offered, records=case.prefilled, values=answers
    )
    action = request.POST.get("action", "next")
    if action == "later":
        return _saved_for_later(request, case)
    if action == "previous":
        previous = plan.preceding(step, merged)
        return redirect(_step_url(case, previous) if previous else _step_url(case, step))
    if changes_lines(action):
        # A repeatable group: the page comes back with one more line to fill in, or one
        # fewer.
        return redirect(_step_url(case, step) + _query(request))
    form.checked = still_shown
    valid = form.is_valid()
    for name, message in file_errors.items():
        form.add_error(name, message)
        valid = False
    if not valid:
        for name in set(form.fields) - still_shown:
            del form.fields[name]
        form.specs = [spec for spec in specs if spec["name"] in still_shown]
        return _render_step(request, case, plan, step, form)
    appeared = still_shown - {spec["name"] for spec in specs}
    if appeared:
        messages.info(
            request,
            _("Selon votre réponse, nous avons une question de plus sur cette page.")
            if len(appeared) == 1
            else _("Selon vos réponses, nous avons d'autres questions sur cette page."),
        )
        return redirect(_step_url(case, step))
    if request.GET.get("retour") == "verifier":
        return redirect("portal:apply_review", pk=case.pk)
    return redirect(_step_url(case, plan.following(step, merged)))


def _query(request) -> str:
    return "?retour=verifier" if request.GET.get("retour") == "verifier" else ""


def _attach_files(request, case: Case, specs: list[dict], form: StepForm) -> dict:
    """Attach the files sent for the step's file questions to the draft; each answer
    then names its document. A question left without a new file keeps the one given
    before; a file replaced is taken off the draft. Returns the refusals, by field."""
    errors = {}
    for spec in specs:
        if spec["type"] != FieldType.FILE:
            continue
        name = spec["name"]
        previous = case.form_data.get(name) or ""
        form.overrides[name] = previous
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            document = document_add(case=case, by=request.user, upload=upload, kind_code=name)
        except CaseError as refused:
            errors[name] = refused.message
            continue
        form.overrides[name] = {"document": document.pk, "name": document.original_name}
        if isinstance(previous, dict):
            replaced = Document.objects.filter(case=case, pk=previous.get("document")).first()
            if replaced is not None:
                document_remove(document=replaced, by=request.user)
    return errors


def _situation_step(request, case: Case, plan: Plan):
    step = plan.situation_step
    initial = {"situation": case.situation}
    if request.method == "GET":
        form = StepForm(specs=[SITUATION_SPEC], initial=initial)
        return _render_step(request, case, plan, step, form)
    form = StepForm(data=request.POST, specs=[SITUATION_SPEC])
    situation = form.answers()["situation"]
    case = case_update_draft(case=case, by=request.user, form_data={}, situation=situation)
    action = request.POST.get("action", "next")
    if action == "later":
        return _saved_for_later(request, case)
    if action == "previous":
        previous = plan.preceding(step, case.form_data)
        return redirect(_step_url(case, previous) if previous else _step_url(case, step))
    if not form.is_valid():
        return _render_step(request, case, plan, step, form)
    if request.GET.get("retour") == "verifier":
        return redirect("portal:apply_review", pk=case.pk)
    return redirect("portal:apply_documents", pk=case.pk)


def _render_step(request, case: Case, plan: Plan, step: int, form: StepForm):
    shown = plan.shown_steps(case.form_data)
    position = shown.index(step) + 1 if step in shown else step
    error_list = error_summary(form.items())
    non_field_errors = form.non_field_errors() if form.is_bound else []
    return render(
        request,
        "portal/apply/step.html",
        {
            "case": case,
            "procedure": case.procedure,
            "form": form,
            "items": form.items(),
            "error_list": error_list,
            "non_field_errors": non_field_errors,
            "error_count": len(error_list) + len(non_field_errors),
            "step": step,
            "step_title": plan.title(step),
            "position": position,
            # The documents step comes after the situation, before the review.
            "total": len(shown) + 1,
            "is_first": plan.preceding(step, case.form_data) is None,
            "is_situation": step == plan.situation_step,
            "has_file": any(spec["type"] == FieldType.FILE for spec in form.specs),
            "from_review": request.GET.get("retour") == "verifier",
        },
    )


def _saved_for_later(request, case: Case):
    mandate = mandate_selectors.acting_mandate(request.user, case)
    if mandate is not None:
        messages.success(
            request,
            _("Le brouillon est enregistré : vous le retrouverez sur la page du mandat."),
        )
        return redirect("helpers:mandate", pk=mandate.pk)
    messages.success(
        request,
        _(
            "Votre brouillon est enregistré. Pour le reprendre, revenez sur la démarche "
            "« %(title)s » : vous retrouverez vos réponses."
        )
        % {"title": case.procedure.title},
    )
    return redirect("portal:cases")


# ---------------------------------------------------------------------------
# Documents


def _offer_reuse(pieces: list[dict], case: Case, user) -> None:
    """Tell us once: for each piece asked for, the files the person already gave for
    their latest other request that had it, if still valid, offered for reuse."""
    latest: dict[str, list[Document]] = {}
    for document in case_selectors.reusable_documents(case=case, user=user).select_related("case"):
        found = latest.setdefault(document.kind_code, [])
        if not found or found[0].case_id == document.case_id:
            found.append(document)
    for piece in pieces:
        piece["reusable"] = [
            {"id": f"{piece['id']}-reuse-{position}", "document": document}
            for position, document in enumerate(latest.get(piece["code"], []), start=1)
        ]


def _reuse(request, case: Case) -> dict | None:
    """Copy the documents the person ticked to reuse, having agreed to their transfer.
    Returns the error to show next to the piece, if any; copies nothing then."""
    kind_code = request.POST.get("kind_code", "")
    ticked = request.POST.getlist("reuse")
    if not ticked:
        return {
            "code": kind_code,
            "reuse": True,
            "message": _(
                "Cochez la case du document à réutiliser si vous acceptez qu'il soit "
                "transmis, ou joignez un fichier ci-dessous."
            ),
        }
    offered = case_selectors.reusable_documents(case=case, user=request.user)
    sources = [
        offered.filter(pk=int(value), kind_code=kind_code).first()
        if value.isdecimal() and len(value) < 19
        else None
        for value in ticked
    ]
    if None in sources:
        return {
            "code": kind_code,
            "reuse": True,
            "message": _("Ce document ne peut pas être réutilisé pour cette demande."),
        }
    try:
        with transaction.atomic():
            copies = [
                document_reuse(case=case, source=source, by=request.user) for source in sources
            ]
    except CaseError as refused:
        return {"code": kind_code, "reuse": True, "message": refused.message}
    for copy in copies:
        messages.success(
            request,
            _(
                "Le document « %(name)s » est repris pour votre demande : il sera transmis "
                "à %(organisation)s avec elle."
            )
            % {"name": copy.original_name, "organisation": case.procedure.organisation.name},
        )
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply_documents(request, pk):
    """The supporting documents: one file field per required piece, and any other piece.
    Each upload is sent on its own, so a refused file never loses the others."""
    case = _draft_or_404(request, pk)
    plan = Plan(case)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "upload")
        if action == "later":
            return _saved_for_later(request, case)
        if action == "previous":
            return redirect(_step_url(case, plan.situation_step))
        if action == "next":
            return redirect("portal:apply_review", pk=case.pk)
        kind_code = request.POST.get("kind_code", "")
        if action == "reuse":
            error = _reuse(request, case)
            if error is None:
                return redirect("portal:apply_documents", pk=case.pk)
        else:
            try:
                document = document_add(
                    case=case,
                    by=request.user,
                    upload=request.FILES.get("file"),
                    kind_code=kind_code,
                )
            except CaseError as refused:
                error = {"code": kind_code, "message": refused.message}
            else:
                messages.success(
                    request,
                    _("Le fichier « %(name)s » est joint à votre demande.")
                    % {"name": document.original_name},
                )
                return redirect("portal:apply_documents", pk=case.pk)
    shown = plan.shown_steps(case.form_data)
    pieces = pieces_of_case(case, error=error)
    _offer_reuse(pieces, case, request.user)
    return render(
        request,
        "portal/apply/documents.html",
        {
            "case": case,
            "procedure": case.procedure,
            "pieces": pieces,
            "error_list": [
                {"anchor": piece["id"], "message": piece["error"]}
                for piece in pieces
                if piece["error"]
            ]
            + [
                {"anchor": piece["reusable"][0]["id"], "message": piece["reuse_error"]}
                for piece in pieces
                if piece["reuse_error"] and piece["reusable"]
            ],
            "non_field_errors": (
                [error["message"]]
                if error
                and not any(
                    piece["error"] or (piece["reuse_error"] and piece["reusable"])
                    for piece in pieces
                )
                else []
            ),
            "error_count": 1 if error else 0,
            "position": len(shown) + 1,
            "total": len(shown) + 1,
            "accept": ACCEPTED_FILES,
            "max_size": size_label(settings.PARCOURS_UPLOAD_MAX_BYTES),
        },
    )


@login_required
@require_POST
def apply_document_remove(request, pk, document_pk):
    case = _draft_or_404(request, pk)
    document = get_object_or_404(Document.objects.filter(case=case), pk=document_pk)
    try:
        document_remove(document=document, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Le fichier « %(name)s » est retiré de votre demande.")
            % {"name": document.original_name},
        )
    return redirect("portal:apply_documents", pk=case.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply_review(request, pk):
    case = _own_or_mandated(request, Case.objects.all(), pk)
    if case.state != CaseState.DRAFT:
        # Sent already (a second click, another tab): show what was sent.
        mandate = mandate_selectors.acting_mandate(request.user, case)
        if case.reference and mandate is not None:
            return redirect("helpers:case", pk=mandate.pk, reference=case.reference)
        if case.reference:
            return redirect("portal:apply_done", reference=case.reference)
        raise Http404
    plan = Plan(case)
    if request.method == "POST":
        return _submit(request, case, plan)
    answers = case.form_data
    origins = prefill.origins(
        definition=plan.definition, offered={}, records=case.prefilled, values=answers
    )
    sections = [
        {
            "number": number,
            "title": plan.title(number),
            "answers": [
                {
                    "label": spec["label"],
                    "value": answer_display(spec, answers.get(spec["name"])),
                    "origin": origins[spec["name"]].origin_text if spec["name"] in origins else "",
                }
                for spec in plan.visible_specs(number, answers)
            ],
        }
        for number in plan.shown_steps(answers)
        if number != plan.situation_step
    ]
    pieces = pieces_of_case(case)
    return render(
        request,
        "portal/apply/review.html",
        {
            "case": case,
            "procedure": case.procedure,
            "sections": sections,
            "situation_step": plan.situation_step,
            "pieces": pieces,
            "missing": [piece for piece in pieces if piece["required"] and not piece["documents"]],
            "has_documents": any(piece["documents"] for piece in pieces),
        },
    )


def _submit(request, case: Case, plan: Plan):
    try:
        case = case_submit(case=case, by=request.user)
    except IllegalTransition:
        # Another request sent it a moment ago: one case, and its confirmation.
        case.refresh_from_db()
        if case.reference:
            return redirect("portal:apply_done", reference=case.reference)
        raise
    except CaseError as error:
        errors = {name: list(msgs) for name, msgs in error.errors.items()}
        in_steps = {name: msgs for name, msgs in errors.items() if plan.step_of(name)}
        for name, msgs in errors.items():
            if name not in in_steps:
                for message in msgs:
                    messages.error(request, message)
        if not in_steps:
            if not errors:
                messages.error(request, error.message)
            return redirect("portal:apply_review", pk=case.pk)
        request.session[ERRORS_KEY.format(pk=case.pk)] = in_steps
        messages.error(request, error.message)
        first = min(plan.step_of(name) for name in in_steps)
        return redirect(_step_url(case, first))
    request.session.pop(ERRORS_KEY.format(pk=case.pk), None)
    mandate = mandate_selectors.acting_mandate(request.user, case)
    if mandate is not None:
        messages.success(
            request,
            _(
                "La demande de %(name)s est envoyée. Son accusé de réception lui est adressé ; "
                "vous suivez le dossier ici."
            )
            % {"name": mandate.person_name},
        )
        return redirect("helpers:case", pk=mandate.pk, reference=case.reference)
    return redirect("portal:apply_done", reference=case.reference)


@login_required
def apply_done(request, reference):
    case = get_object_or_404(case_selectors.own_case_for_reference(request.user, reference))
    receipt = get_object_or_404(Receipt, case=case)
    receipt.case = case
    context = receipt_context(receipt)
    context["email"] = case.person.email
    return render(request, "portal/apply/done.html", context)
