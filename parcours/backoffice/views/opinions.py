"""Requests for an opinion addressed to the agent's units.

While a request is pending, the agents of the consulted unit may read the case it is
about, here and nowhere else: a scoped exception to unit scoping, and each reading is
logged in the case's history (``casework.opinion_record_read``). Once they have
answered, the case is closed to them again.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.cases import casework
from parcours.cases import selectors as case_selectors
from parcours.cases.errors import CaseError
from parcours.cases.models import CaseEvent
from parcours.catalog.form_definition import visible_fields
from parcours.portal.apply.forms import answer_display

from ..case_forms import OpinionAnswerForm
from ..decorators import agent_required
from ..journal import journaled


@agent_required
def opinion_list(request):
    requests = list(casework.opinion_requests_for(request.agent)[:200])
    return render(
        request,
        "backoffice/opinions/list.html",
        {
            "pending": [r for r in requests if r.is_pending],
            "answered": [r for r in requests if not r.is_pending][:20],
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("opinion")
def opinion_detail(request, pk):
    opinion = get_object_or_404(casework.opinion_requests_for(request.agent), pk=pk)
    case = opinion.case
    form = OpinionAnswerForm(data=request.POST or None) if opinion.is_pending else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            casework.opinion_answer(
                request=opinion, by=request.user, answer=form.cleaned_data["answer"]
            )
        except CaseError as error:
            form.add_error("answer" if error.field == "answer" else None, error.message)
        else:
            messages.success(
                request,
                _("Votre avis est envoyé à %(unit)s ; il rejoint l'historique du dossier.")
                % {"unit": opinion.from_unit.name},
            )
            return redirect("backoffice:opinions")
    context = {"opinion": opinion, "case": case, "form": form}
    if opinion.is_pending:
        casework.opinion_record_read(request=opinion, by=request.user)
        definition = case.procedure_version.form_definition or {}
        context |= {
            "answers": [
                {
                    "label": field["label"],
                    "value": answer_display(field, case.form_data.get(field["name"])),
                }
                for field in visible_fields(definition, case.form_data)
            ],
            "documents": case_selectors.documents_of_case(case),
            "history": CaseEvent.objects.filter(case=case)
            .select_related("actor")
            .order_by("created_at", "pk"),
        }
    return render(request, "backoffice/opinions/detail.html", context)
