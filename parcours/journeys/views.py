"""Life events and journeys: the person's side (/evenements-de-vie/, /mes-parcours/)
and the referent's journey page in the agents' space (/agents/parcours/).

The person sees only their own journeys. In the back office, an agent sees the
journeys their unit coordinates; only the journey's referent reads its cases in other
units and administrations, each reading written to the access journal with the
journey as reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parcours.backoffice.decorators import agent_required
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError
from parcours.cases.models import Case

from . import selectors, services
from .forms import EndForm, error_list
from .models import Journey, LifeEvent, LifeEventStep


def life_events(request):
    return render(
        request,
        "journeys/life_events.html",
        {"life_events": selectors.published_life_events()},
    )


def life_event(request, slug):
    event = get_object_or_404(selectors.published_life_events(), slug=slug)
    return render(
        request,
        "journeys/life_event.html",
        {
            "life_event": event,
            "steps": event.steps.select_related(
                "procedure__organisation", "after_step__procedure"
            ).order_by("position", "pk"),
        },
    )


@login_required
@require_POST
def start(request, slug):
    event = get_object_or_404(LifeEvent.objects.published(), slug=slug)
    journey = services.journey_start(life_event=event, user=request.user)
    return redirect("journeys:journey", pk=journey.pk)


@never_cache
@login_required
def mine(request):
    journeys = list(selectors.journeys_of(request.user))
    return render(
        request,
        "journeys/mine.html",
        {
            "journeys": [journey for journey in journeys if not journey.is_closed],
            "closed_journeys": [journey for journey in journeys if journey.is_closed],
            "suggestions": selectors.open_suggestions(request.user),
        },
    )


@never_cache
@login_required
def journey(request, pk):
    journey = get_object_or_404(selectors.journeys_of(request.user), pk=pk)
    return render(
        request,
        "journeys/journey.html",
        {
            "journey": journey,
            "steps": selectors.journey_steps(journey),
            "suggestions": journey.suggestions.filter(dismissed_at__isnull=True).select_related(
                "procedure", "decided_case__procedure"
            ),
            "events": selectors.events_of(journey),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def abandon(request, pk):
    """The person stops their journey, saying why if they wish."""
    journey = get_object_or_404(selectors.journeys_of(request.user), pk=pk)
    if journey.is_closed:
        messages.info(request, _("Ce parcours est déjà terminé."))
        return redirect("journeys:journey", pk=journey.pk)
    form = EndForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_abandon(
                journey=journey, by=request.user, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Votre parcours est arrêté. Vos demandes déjà envoyées suivent leur "
                    "cours ; vous pourrez commencer ce parcours de nouveau à tout moment."
                ),
            )
            return redirect("journeys:journey", pk=journey.pk)
    return render(
        request,
        "journeys/abandon.html",
        {"journey": journey, "form": form, "error_list": error_list(form)},
    )


@login_required
@require_POST
def start_step(request, pk, step_pk):
    journey = get_object_or_404(selectors.journeys_of(request.user), pk=pk)
    step = get_object_or_404(
        LifeEventStep.objects.filter(life_event=journey.life_event), pk=step_pk
    )
    try:
        case = services.journey_start_step(journey=journey, step=step, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("journeys:journey", pk=journey.pk)
    if case.state != CaseState.DRAFT:
        return redirect("portal:case", reference=case.reference)
    return redirect("portal:apply_step", pk=case.pk, step=1)


# ---------------------------------------------------------------------------
# The agents' side


@agent_required
def backoffice_journeys(request):
    journeys = list(selectors.journeys_for_agent(request.agent))
    return render(
        request,
        "journeys/backoffice/list.html",
        {
            "journeys": [journey for journey in journeys if not journey.is_closed],
            "closed_journeys": [journey for journey in journeys if journey.is_closed],
        },
    )


def _agent_journey(request, pk) -> Journey:
    return get_object_or_404(selectors.journeys_for_agent(request.agent), pk=pk)


@agent_required
def backoffice_journey(request, pk):
    journey = _agent_journey(request, pk)
    return render(
        request,
        "journeys/backoffice/journey.html",
        {
            "journey": journey,
            "steps": selectors.journey_steps(journey),
            "is_referent": selectors.is_referent(request.agent, journey),
            "events": selectors.events_of(journey),
        },
    )


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def backoffice_close(request, pk):
    """The referent closes the journey: completed when every step is done, else with
    a reason."""
    journey = _agent_journey(request, pk)
    if not selectors.is_referent(request.agent, journey):
        from parcours.backoffice.decorators import denied

        return denied(request, "role")
    if journey.is_closed:
        messages.info(request, _("Ce parcours est déjà terminé."))
        return redirect("journeys_backoffice:journey", pk=journey.pk)
    done = selectors.all_steps_done(journey)
    form = EndForm(data=request.POST if request.method == "POST" else None)
    if not done:
        form.fields["reason"].label = _("Pourquoi clore ce parcours maintenant")
    if request.method == "POST" and form.is_valid():
        try:
            journey = services.journey_close(
                journey=journey, agent=request.agent, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _("Le parcours est clos : %(outcome)s.")
                % {"outcome": journey.get_outcome_display()},
            )
            return redirect("journeys_backoffice:journey", pk=journey.pk)
    return render(
        request,
        "journeys/backoffice/close.html",
        {
            "journey": journey,
            "steps_done": done,
            "form": form,
            "error_list": error_list(form),
        },
    )


@agent_required
@require_POST
def backoffice_take(request, pk):
    journey = _agent_journey(request, pk)
    try:
        services.journey_take(journey=journey, agent=request.agent)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Vous êtes l'interlocuteur unique de ce parcours : vous en voyez tous les dossiers."),
        )
    return redirect("journeys_backoffice:journey", pk=journey.pk)


@agent_required
def backoffice_case(request, pk, reference):
    """The referent reads a case of the journey, whatever its unit or administration;
    the reading is journaled with the journey as reason."""
    journey = _agent_journey(request, pk)
    if not selectors.is_referent(request.agent, journey):
        from parcours.backoffice.decorators import denied

        return denied(request, "role")
    case = (
        Case.objects.exclude(state=CaseState.DRAFT)
        .filter(journey_link__journey=journey, reference=reference)
        .with_list_data()
        .select_related("unit__organisation")
        .first()
    )
    if case is None:
        raise Http404
    _journal(request, journey, case)
    return render(
        request,
        "journeys/backoffice/case.html",
        {
            "journey": journey,
            "case": case,
            "answers": _answers(case),
            "documents": case_selectors.documents_of_case(case),
            "events": case.events.filter(visible_to_citizen=True).select_related("actor"),
        },
    )


def _answers(case: Case) -> list[tuple[str, str]]:
    from parcours.catalog.form_definition import display_answer

    fields = (case.procedure_version.form_definition or {}).get("fields", [])
    return [
        (field["label"], display_answer(field, case.form_data.get(field["name"])))
        for field in fields
        if field.get("name") in case.form_data
    ]


def _journal(request, journey: Journey, case: Case) -> None:
    try:
        from parcours.privacy.journal import record_access
    except ImportError:  # pragma: no cover - the journal ships with parcours.privacy
        return
    record_access(
        request.user,
        case.person,
        "read",
        case=case,
        reason=_("Interlocuteur unique du parcours « %(event)s » n° %(pk)s")
        % {"event": journey.life_event.title, "pk": journey.pk},
        purpose="support",
        request=request,
    )
