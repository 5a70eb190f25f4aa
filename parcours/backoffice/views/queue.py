"""The agent's work: the queues of their units, the next case, the cases they hold."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.cases import queue
from parcours.cases.enums import OPEN_STATES
from parcours.cases.errors import CaseError
from parcours.organisations import permissions

from ..decorators import agent_required
from ..forms import HOLDER_FREE, HOLDER_MINE, QueueFilterForm

PAGE_SIZE = 25


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@agent_required
def home(request):
    """ "Ma file": the queue of the agent's unit, or the list of their units' queues."""
    units = list(permissions.handled_units(request.agent))
    if len(units) == 1:
        return redirect("backoffice:queue", unit=units[0].slug)
    today = timezone.localdate()
    queues = [(unit, queue.queue_summary(unit, today=today)) for unit in units]
    return render(
        request,
        "backoffice/home.html",
        {"queues": queues, "is_manager": permissions.is_manager(request.agent)},
    )


@agent_required
def unit_queue(request, unit):
    agent = request.agent
    unit = get_object_or_404(permissions.handled_units(agent), slug=unit)
    today = timezone.localdate()
    form = QueueFilterForm(data=request.GET or None, unit=unit)
    cases = queue.queue_of(unit).select_related("procedure", "person", "referent__user")
    filters = form.filters() if form.is_bound else {}
    cases = queue.filter_queue(
        cases,
        agent=agent,
        today=today,
        state=filters.get("etat"),
        procedure=filters.get("demarche"),
        channel=filters.get("canal"),
        held_by_nobody=filters.get("suivi") == HOLDER_FREE,
        held_by_me=filters.get("suivi") == HOLDER_MINE,
        overdue=bool(filters.get("en_retard")),
    )
    return render(
        request,
        "backoffice/queue.html",
        {
            "unit": unit,
            "form": form,
            "filtered": bool(filters),
            "page": paginate(request, cases),
            "today": today,
        },
    )


@require_POST
@agent_required
def claim_next(request, unit):
    unit = get_object_or_404(permissions.handled_units(request.agent), slug=unit)
    try:
        case = queue.case_claim_next(unit=unit, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("backoffice:queue", unit=unit.slug)
    if case is None:
        messages.info(
            request,
            _(
                "Aucun dossier à prendre : chaque dossier ouvert de la file « %(unit)s » est "
                "déjà suivi par un agent."
            )
            % {"unit": unit.name},
        )
        return redirect("backoffice:queue", unit=unit.slug)
    messages.success(
        request,
        _("Vous suivez désormais le dossier %(reference)s, le prochain de la file.")
        % {"reference": case.reference},
    )
    return redirect("backoffice:case", reference=case.reference)


@agent_required
def my_cases(request):
    """ "Mes dossiers": the open cases the agent holds, the most urgent first."""
    agent = request.agent
    cases = (
        queue.backoffice_cases(agent)
        .filter(referent=agent, state__in=OPEN_STATES)
        .select_related("procedure", "person", "unit")
        .order_by(*queue.QUEUE_ORDER)
    )
    return render(
        request,
        "backoffice/my_cases.html",
        {"page": paginate(request, cases), "today": timezone.localdate()},
    )
