"""Managers' view of a unit: who holds what, what is late, and reassigning a case."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.cases import queue
from parcours.cases.errors import CaseError
from parcours.organisations import permissions

from ..decorators import manager_required
from ..forms import ReassignForm
from ..journal import journaled
from .queue import paginate


@manager_required
def team_home(request):
    units = list(permissions.managed_units(request.agent))
    if len(units) == 1:
        return redirect("backoffice:team", unit=units[0].slug)
    today = timezone.localdate()
    return render(
        request,
        "backoffice/team_home.html",
        {"units": [(unit, queue.queue_summary(unit, today=today)) for unit in units]},
    )


@manager_required
def team(request, unit):
    unit = get_object_or_404(permissions.managed_units(request.agent), slug=unit)
    today = timezone.localdate()
    cases = queue.queue_of(unit).select_related("procedure", "person", "referent__user")
    return render(
        request,
        "backoffice/team.html",
        {
            "unit": unit,
            "summary": queue.queue_summary(unit, today=today),
            "workload": queue.workload(unit, today=today),
            "changes": queue.holding_changes(unit),
            "page": paginate(request, cases),
            "today": today,
            "handles_unit": permissions.may_handle(request.agent, unit),
        },
    )


@require_http_methods(["GET", "POST"])
@manager_required
@journaled("case")
def reassign(request, reference):
    agent = request.agent
    case = get_object_or_404(
        queue.backoffice_cases(agent)
        .filter(unit__in=permissions.managed_units(agent))
        .select_related("procedure", "person", "unit", "referent__user"),
        reference=reference,
    )
    if not case.is_open:
        messages.info(request, _("Ce dossier est clos : il n'y a plus personne à qui le confier."))
        return redirect("backoffice:case", reference=case.reference)
    agents = permissions.holders_of(case.unit)
    if case.referent_id:
        agents = agents.exclude(pk=case.referent_id)
    form = ReassignForm(data=request.POST if request.method == "POST" else None, agents=agents)
    if request.method == "POST" and form.is_valid():
        try:
            queue.case_reassign(
                case=case,
                by=request.user,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Le dossier %(reference)s est confié à %(name)s.")
                % {"reference": case.reference, "name": form.cleaned_data["to"].display_name},
            )
            return redirect("backoffice:team", unit=case.unit.slug)
    return render(request, "backoffice/reassign.html", {"case": case, "form": form})
