"""Correct a mistake after submission (right to make a mistake, CRPA L123-1).

The person opens their procedure's form with their current answers, changes what was
wrong, explains the mistake, reviews the differences, then confirms. Nothing is
recorded before the confirmation: the corrections wait in the session in between, so
every page is a GET after a redirect. Only the person who filed the case comes here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parcours.cases import prefill, services
from parcours.cases import selectors as case_selectors
from parcours.cases.errors import CaseError
from parcours.cases.models import Case, CaseCorrection
from parcours.portal.apply.forms import (
    StepForm,
    changes_lines,
    error_summary,
    steps_of,
    visible_names,
)

from .forms import CorrectionForm

SESSION_KEY = "correction:{pk}"
RESUME = "reprendre"


def _case_or_404(request, reference: str) -> Case:
    return get_object_or_404(
        case_selectors.own_case_for_reference(request.user, reference).select_related(
            "procedure_version"
        )
    )


def _definition(case: Case) -> dict:
    return case.procedure_version.form_definition or {"fields": []}


def _certified(case: Case, definition: dict) -> dict:
    """The answers taken from the certified identity: shown read-only, as when applying.
    They are corrected through a dispute from the profile, not here."""
    found = prefill.origins(
        definition=definition, offered={}, records=case.prefilled, values=case.form_data
    )
    return {name: origin for name, origin in found.items() if origin.certified}


def _refused(request, case: Case):
    """The service has decided (or the person withdrew): say why, back to the case."""
    request.session.pop(SESSION_KEY.format(pk=case.pk), None)
    messages.warning(request, services.not_correctable_message(case))
    return redirect("portal:case", reference=case.reference)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def correct(request, reference):
    case = _case_or_404(request, reference)
    if not case.is_correctable:
        return _refused(request, case)
    definition = _definition(case)
    if request.method == "GET":
        pending = (
            request.session.get(SESSION_KEY.format(pk=case.pk)) if RESUME in request.GET else None
        )
        answers = pending["answers"] if pending else case.form_data
        shown = visible_names(definition, answers)
        form = StepForm(
            specs=_specs(definition, shown),
            initial=answers,
            origins=_certified(case, definition),
        )
        correction_form = CorrectionForm(
            initial={
                "situation": pending["situation"] if pending else case.situation,
                "explanation": pending["explanation"] if pending else "",
            }
        )
        return _render_form(request, case, definition, form, correction_form)

    form = StepForm(
        data=request.POST,
        specs=definition.get("fields", []),
        origins=_certified(case, definition),
    )
    answers = form.answers()
    correction_form = CorrectionForm(data=request.POST)
    shown = visible_names(definition, answers)
    action = request.POST.get("action", "")
    new_questions = set(shown) - correction_form.shown_names()
    if new_questions or changes_lines(action):
        # An answer makes another question appear, or a group's line was added or taken
        # out: the page comes back as it now is, nothing lost or checked yet.
        if new_questions:
            messages.info(
                request,
                _(
                    "Selon vos réponses, nous avons une ou plusieurs questions de plus : "
                    "complétez-les, puis vérifiez vos corrections."
                ),
            )
        return _render_form(
            request,
            case,
            definition,
            StepForm(
                specs=_specs(definition, shown),
                initial=answers,
                origins=_certified(case, definition),
            ),
            CorrectionForm(
                initial={
                    "situation": correction_form["situation"].data or "",
                    "explanation": correction_form["explanation"].data or "",
                }
            ),
        )
    form.checked = set(shown)
    answers_valid = form.is_valid()
    correction_form.is_valid()
    # Questions hidden by the new answers are not shown, nor kept.
    for name in set(form.fields) - set(shown):
        del form.fields[name]
    form.specs = _specs(definition, shown)
    if answers_valid and "situation" in correction_form.cleaned_data:
        situation = correction_form.cleaned_data["situation"]
        try:
            _cleaned, changes = services.correction_changes(
                case=case, form_data=answers, situation=situation
            )
        except CaseError as error:
            _show_errors(form, correction_form, error)
        else:
            if not changes:
                correction_form.add_error(None, str(services.NOTHING_TO_CORRECT))
            elif correction_form.is_valid():
                request.session[SESSION_KEY.format(pk=case.pk)] = {
                    "answers": answers,
                    "situation": situation,
                    "explanation": correction_form.cleaned_data["explanation"],
                }
                return redirect("portal:case_correct_review", reference=case.reference)
    return _render_form(request, case, definition, form, correction_form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review(request, reference):
    case = _case_or_404(request, reference)
    if not case.is_correctable:
        return _refused(request, case)
    key = SESSION_KEY.format(pk=case.pk)
    pending = request.session.get(key)
    if not pending:
        return redirect("portal:case_correct", reference=case.reference)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            request.session.pop(key, None)
            messages.info(
                request, _("Vous avez abandonné la correction : vos réponses n'ont pas changé.")
            )
            return redirect("portal:case", reference=case.reference)
        return _confirm(request, case, pending)
    try:
        _cleaned, changes = services.correction_changes(
            case=case, form_data=pending["answers"], situation=pending["situation"]
        )
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(_resume_url(case))
    if not changes:
        messages.error(request, str(services.NOTHING_TO_CORRECT))
        return redirect(_resume_url(case))
    preview = CaseCorrection(case=case, changes=changes)
    return render(
        request,
        "portal/correction/review.html",
        {
            "case": case,
            "changes": preview.changes_for_display(),
            "explanation": pending["explanation"],
            "resume_url": _resume_url(case),
        },
    )


def _confirm(request, case: Case, pending: dict):
    try:
        services.case_correct(
            case=case,
            by=request.user,
            form_data=pending["answers"],
            situation=pending["situation"],
            explanation=pending["explanation"],
        )
    except CaseError as error:
        case.refresh_from_db(fields=["state"])
        if not case.is_correctable:  # decided a moment ago
            return _refused(request, case)
        messages.error(request, error.message)
        return redirect(_resume_url(case))
    request.session.pop(SESSION_KEY.format(pk=case.pk), None)
    if case.person.email:
        done = _(
            "Votre correction est enregistrée et le service qui examine votre dossier en est "
            "informé. Nous vous l'avons confirmée par courriel."
        )
    else:
        done = _(
            "Votre correction est enregistrée et le service qui examine votre dossier en est "
            "informé."
        )
    messages.success(request, done)
    return redirect("portal:case", reference=case.reference)


def _resume_url(case: Case) -> str:
    return reverse("portal:case_correct", args=[case.reference]) + f"?{RESUME}=1"


def _specs(definition: dict, names) -> list[dict]:
    names = set(names)
    return [spec for spec in definition.get("fields", []) if spec["name"] in names]


def _show_errors(form: StepForm, correction_form: CorrectionForm, error: CaseError) -> None:
    for name, found in (error.errors or {None: [error.message]}).items():
        for message in found:
            if name in form.fields:
                form.add_error(name, message)
            elif name in ("situation", "explanation"):
                correction_form.add_error(name, message)
            else:
                correction_form.add_error(None, message)


def _render_form(request, case: Case, definition: dict, form: StepForm, correction_form):
    items = {item["bound"].name: item for item in form.items()}
    sections = [
        {"number": step.number, "title": step.title, "items": shown}
        for step in steps_of(definition)
        for shown in [[items[name] for name in step.names if name in items]]
        if shown
    ]
    error_list = error_summary(items.values())
    if correction_form.is_bound:
        for name in ("situation", "explanation"):
            bound = correction_form[name]
            error_list += [{"anchor": bound.id_for_label, "message": m} for m in bound.errors]
    non_field_errors = [
        *(form.non_field_errors() if form.is_bound else []),
        *(correction_form.non_field_errors() if correction_form.is_bound else []),
    ]
    return render(
        request,
        "portal/correction/correct.html",
        {
            "case": case,
            "sections": sections,
            "correction_form": correction_form,
            "shown": ",".join(items),
            "error_list": error_list,
            "non_field_errors": non_field_errors,
            "error_count": len(error_list) + len(non_field_errors),
        },
    )
