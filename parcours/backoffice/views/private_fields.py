"""The fields a procedure reserves for its agents, filled in from the case page: drawn
and checked like the citizen's form (``portal.apply.forms.StepForm``), saved as an
internal event of the case (``cases.private_fields``), never shown to the person."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.cases.errors import CaseError
from parcours.cases.private_fields import (
    case_save_private_fields,
    may_fill,
    private_specs,
    private_values,
)
from parcours.portal.apply.forms import StepForm

from ..decorators import agent_required
from ..journal import journaled
from .cases import case_of


def private_form(case, *, data=None) -> StepForm | None:
    """The form of the case's private fields, with the values last saved."""
    specs = private_specs(case)
    if not specs:
        return None
    if data is not None:
        return StepForm(data=data, specs=specs)
    return StepForm(specs=specs, initial=private_values(case))


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def private_fields(request, reference):
    case = case_of(request.agent, reference)
    if not may_fill(request.agent, case):
        raise Http404
    form = private_form(case, data=request.POST if request.method == "POST" else None)
    if form is None:
        messages.info(request, _("Cette démarche n'a pas de champ réservé aux agents."))
        return redirect("backoffice:case", reference=case.reference)
    if request.method == "POST" and form.is_valid():
        try:
            case_save_private_fields(case=case, by=request.user, values=form.answers())
        except CaseError as error:
            for name, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(name if name in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Les champs réservés aux agents sont enregistrés, pour les agents seulement."),
            )
            return redirect(reverse("backoffice:case", args=[case.reference]) + "#private-title")
    items = form.items()
    return render(
        request,
        "backoffice/cases/private_fields.html",
        {
            "case": case,
            "form": form,
            "items": items,
            "error_list": [
                {"anchor": item["anchor"], "label": item["label"], "message": message}
                for item in items
                for message in item["errors"]
            ],
        },
    )
