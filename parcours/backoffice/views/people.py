"""The whole picture of a person, the agents' search, and opening a file outside
one's units with a stated reason."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.lib.replica import use_replica
from parcours.people import search as people_search
from parcours.people import timeline as people_timeline
from parcours.people.models import Person
from parcours.privacy import selectors as access_selectors
from parcours.privacy import services as access_services
from parcours.privacy.errors import AccessError

from ..access_forms import AccessReasonForm, SearchForm
from ..decorators import agent_required, manager_required
from ..journal import journaled


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


@agent_required
@journaled("person")
def person_detail(request, pk):
    """Identity, contact details and preferences, and one timeline across channels."""
    agent = request.agent
    person = get_object_or_404(
        Person.objects.filter(organisation_id=agent.organisation_id).select_related("user"),
        pk=pk,
    )
    whole_record = access_selectors.has_whole_record(agent, person)
    granted_cases = frozenset(
        access_selectors.active_accesses(agent)
        .filter(person=person, case__isnull=False)
        .values_list("case_id", flat=True)
    )
    scope = people_timeline.Scope(
        organisation_id=agent.organisation_id,
        unit_ids=None if whole_record else frozenset(access_selectors.scope_unit_ids(agent)),
        case_ids=granted_cases,
    )
    page = people_timeline.timeline(person, scope, page=_page_number(request))
    return render(
        request,
        "backoffice/people/person_detail.html",
        {
            "person": person,
            "page": page,
            "whole_record": whole_record,
            "has_restricted": any(entry.restricted for entry in page.entries),
            "disputes": list(
                person.identity_disputes.filter(organisation_id=agent.organisation_id)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required
def case_access(request, reference):
    """The reason form before opening a case of another unit of the organisation."""
    agent = request.agent
    case = access_selectors.out_of_scope_case(agent, reference)
    if case is None:
        # Already in the agent's units, or not of their organisation.
        if access_selectors.readable_cases(agent).filter(reference=reference).exists():
            return redirect("backoffice:case", reference=reference)
        raise Http404
    return _access_form(request, person=case.person, case=case)


@require_http_methods(["GET", "POST"])
@agent_required
def person_access(request, pk):
    """The reason form before reading every unit's part of a person's record."""
    agent = request.agent
    person = get_object_or_404(Person.objects.filter(organisation_id=agent.organisation_id), pk=pk)
    if access_selectors.has_whole_record(agent, person):
        return redirect("backoffice:person", pk=person.pk)
    return _access_form(request, person=person, case=None)


def _access_form(request, *, person, case):
    form = AccessReasonForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access = access_services.access_open(
                agent=request.agent,
                person=person,
                case=case,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except AccessError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Accès ouvert jusqu'à %(time)s. La personne verra dans son espace que "
                    "vous avez consulté son dossier, et pourquoi."
                )
                % {"time": access.expires_at.astimezone().strftime("%H:%M")},
            )
            if case is not None:
                return redirect("backoffice:case", reference=case.reference)
            return redirect("backoffice:person", pk=person.pk)
    return render(
        request,
        "backoffice/people/access_reason.html",
        {"form": form, "person": person, "case": case},
    )


@manager_required
def accesses(request):
    """For managers: who opened the cases of their units from outside, and why."""
    paginator = Paginator(access_selectors.accesses_seen_by_manager(request.agent), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "backoffice/people/accesses.html", {"page": page})


@agent_required
def search(request):
    """People and cases by name, reference, email, phone and words of the answers."""
    agent = request.agent
    form = SearchForm(data=request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    people, cases = [], []
    if query:
        scope_unit_ids = access_selectors.scope_unit_ids(agent)  # a permission: the primary
        # A search may miss a change made a second ago: the read replica will do.
        with use_replica():
            people = list(people_search.people(agent, query))
            cases = list(
                people_search.cases(
                    agent,
                    query,
                    readable_ids=access_selectors.readable_cases(agent).values("pk"),
                    scope_unit_ids=scope_unit_ids,
                )
            )
    return render(
        request,
        "backoffice/people/search.html",
        {"form": form, "query": query, "people": people, "cases": cases},
    )
