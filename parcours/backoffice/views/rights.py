"""The requests of people about their data (correction, objection, erasure), for the
administration's data-protection handlers: organisation administrators and unit
managers (parcours/privacy/handling.py says which requests each one sees)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.people.provenance import CERTIFIED, DECLARED, SHOWN_FIELDS
from parcours.people.services import IDENTITY_FIELDS
from parcours.privacy import handling
from parcours.privacy.enums import RightsRequestKind
from parcours.privacy.errors import RightsError
from parcours.privacy.rights import retention_of

from ..decorators import agent_required
from ..rights_forms import AcceptForm, ExtendForm, RefuseForm, RightsFilterForm

PAGE_SIZE = 50
handler_required = agent_required(roles=permissions.MANAGER_ROLES)


@handler_required
def rights_list(request):
    """The requests to answer, the most urgent first, with their legal due date."""
    form = RightsFilterForm(data=request.GET or None)
    requests = handling.requests_for_handler(request.agent)
    today = timezone.localdate()
    status, kind, overdue = "", "", False
    if form.is_bound and form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        overdue = form.cleaned_data["overdue"]
    if status == "":
        requests = requests.pending()
    elif status != "all":
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    if overdue:
        requests = requests.overdue(today)
    page = Paginator(requests.order_by("due_on", "created_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/rights/list.html",
        {
            "form": form,
            "page": page,
            "overdue_count": handling.requests_for_handler(request.agent).overdue(today).count(),
        },
    )


def _held_values(person) -> list[dict]:
    values = []
    for name in SHOWN_FIELDS:
        value = getattr(person, name)
        if not value:
            continue
        if name == "postal_address":
            label = _("Adresse")
        else:
            label = str(person._meta.get_field(name).verbose_name).capitalize()
        certified = person.identity_certified and name in IDENTITY_FIELDS
        values.append(
            {
                "label": label,
                "value": value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value,
                "origin": CERTIFIED if certified else DECLARED,
            }
        )
    return values


def _detail(request, rights_request, *, status=200, **forms):
    """The request, the person's data it concerns, and the forms to answer it. Showing
    the person's data is written in their access journal."""
    handling.record_handler_read(
        agent=request.agent, rights_request=rights_request, http_request=request
    )
    person = rights_request.person
    plan = None
    if rights_request.kind == RightsRequestKind.ERASURE and rights_request.is_pending:
        plan = handling.erasure_plan(rights_request)
    cases = [
        {"case": case, "retention": retention_of(case)}
        for case in Case.objects.filter(person=person)
        .exclude(reference=None)
        .select_related("procedure", "unit")
        .order_by("-created_at")
    ]
    context = {
        "rights_request": rights_request,
        "person": person,
        "values": _held_values(person),
        "cases": cases,
        "plan": plan,
        "events": rights_request.events.all(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "accept_form": forms.get("accept_form")
        or AcceptForm(rights_request=rights_request, plan=plan),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "is_mine": rights_request.handler_id == request.user.pk,
    }
    return render(request, "backoffice/rights/detail.html", context, status=status)


def _get(request, pk):
    return get_object_or_404(handling.requests_for_handler(request.agent), pk=pk)


@handler_required
def rights_detail(request, pk):
    return _detail(request, _get(request, pk))


def _refused_step(request, rights_request, error: RightsError, form=None, name: str = ""):
    if form is not None and error.field in form.fields:
        form.add_error(error.field, error.message)
        return _detail(request, rights_request, **{name: form})
    messages.error(request, error.message)
    return redirect("backoffice:rights_request", rights_request.pk)


@require_POST
@handler_required
def rights_take(request, pk):
    rights_request = _get(request, pk)
    try:
        handling.rights_request_take(request=rights_request, agent=request.agent)
    except RightsError as error:
        return _refused_step(request, rights_request, error)
    messages.success(
        request, _("Vous avez pris la demande en charge. La personne en est informée.")
    )
    return redirect("backoffice:rights_request", pk)


@require_POST
@handler_required
def rights_extend(request, pk):
    rights_request = _get(request, pk)
    form = ExtendForm(data=request.POST)
    if not form.is_valid():
        return _detail(request, rights_request, extend_form=form)
    try:
        rights_request = handling.rights_request_extend(
            request=rights_request, agent=request.agent, reason=form.cleaned_data["reason"]
        )
    except RightsError as error:
        return _refused_step(request, rights_request, error, form, "extend_form")
    messages.success(
        request,
        _("Le délai est prolongé jusqu'au %(date)s. La personne en est informée.")
        % {"date": rights_request.due_on.strftime("%d/%m/%Y")},
    )
    return redirect("backoffice:rights_request", pk)


@require_POST
@handler_required
def rights_accept(request, pk):
    rights_request = _get(request, pk)
    plan = None
    if rights_request.kind == RightsRequestKind.ERASURE and rights_request.is_pending:
        plan = handling.erasure_plan(rights_request)
    form = AcceptForm(data=request.POST, rights_request=rights_request, plan=plan)
    if not form.is_valid():
        return _detail(request, rights_request, accept_form=form)
    try:
        handling.rights_request_accept(
            request=rights_request,
            agent=request.agent,
            answer=form.cleaned_data["answer"],
            field=form.cleaned_data.get("field") or "",
            value=form.cleaned_data.get("value") or "",
            erase_case_ids=form.cleaned_data.get("cases") or (),
        )
    except RightsError as error:
        return _refused_step(request, rights_request, error, form, "accept_form")
    messages.success(request, _("Votre réponse est envoyée à la personne."))
    return redirect("backoffice:rights_request", pk)


@require_POST
@handler_required
def rights_refuse(request, pk):
    rights_request = _get(request, pk)
    form = RefuseForm(data=request.POST)
    if not form.is_valid():
        return _detail(request, rights_request, refuse_form=form)
    try:
        handling.rights_request_refuse(
            request=rights_request,
            agent=request.agent,
            ground=form.cleaned_data["ground"],
            explanation=form.cleaned_data["explanation"],
        )
    except RightsError as error:
        return _refused_step(request, rights_request, error, form, "refuse_form")
    messages.success(request, _("Le refus et ses raisons sont envoyés à la personne."))
    return redirect("backoffice:rights_request", pk)
