"""Reads on journeys: where each step stands, and who may see what.

The person sees their own journeys. An agent sees the journeys of the life events
their unit coordinates; the journey's referent (interlocuteur unique) reads every case
of the journey, even in other units and administrations, each reading journaled with
the journey as reason.
"""

import dataclasses

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from parcours.cases.enums import FINAL_STATES, CaseState
from parcours.cases.models import Case
from parcours.organisations import permissions

from .enums import StepCondition, StepStatus
from .models import Journey, JourneyEvent, LifeEvent, LifeEventStep, Suggestion

ACCEPTED_STATES = {CaseState.ACCEPTED, CaseState.IMPLICIT_ACCEPTANCE}


@dataclasses.dataclass
class StepView:
    step: LifeEventStep
    status: str
    case: Case | None = None
    reason: str = ""

    @property
    def status_label(self) -> str:
        if self.case is not None:
            return str(self.case.citizen_label)
        return str(StepStatus(self.status).label)

    @property
    def can_start(self) -> bool:
        return self.status == StepStatus.AVAILABLE and self.case is None


def _answer_matches(case: Case, step: LifeEventStep) -> bool:
    value = (case.form_data or {}).get(step.answer_field)
    if isinstance(value, list):
        return step.answer_value in [str(item) for item in value]
    if isinstance(value, bool):
        return str(value).lower() == step.answer_value.lower()
    return value is not None and str(value) == step.answer_value


def step_status(step: LifeEventStep, cases: dict[int, Case]) -> tuple[str, str]:
    """The status of a step not started yet, given the journey's cases by step id,
    and why."""
    if step.condition == StepCondition.ALWAYS:
        return StepStatus.AVAILABLE, ""
    earlier = cases.get(step.after_step_id)
    title = step.after_step.procedure.title
    if step.condition == StepCondition.ANSWER_EQUALS:
        if earlier is None or earlier.state == CaseState.DRAFT:
            return StepStatus.WAITING, _("Selon votre réponse à la démarche « %(title)s ».") % {
                "title": title
            }
        if _answer_matches(earlier, step):
            return StepStatus.AVAILABLE, ""
        return StepStatus.NOT_NEEDED, _("D'après votre réponse à « %(title)s ».") % {"title": title}
    decided = earlier is not None and earlier.state in FINAL_STATES
    if not decided:
        return StepStatus.WAITING, _("Possible après la décision sur « %(title)s ».") % {
            "title": title
        }
    if step.condition == StepCondition.AFTER_ACCEPTED and earlier.state not in ACCEPTED_STATES:
        return StepStatus.NOT_NEEDED, _("« %(title)s » n'a pas été accordée.") % {"title": title}
    return StepStatus.AVAILABLE, ""


def journey_steps(journey: Journey) -> list[StepView]:
    """Every step of the journey's life event, in order, with its case if started."""
    links = journey.case_links.select_related("case__procedure", "case__unit__organisation")
    cases = {link.step_id: link.case for link in links}
    views = []
    for step in journey.life_event.steps.select_related(
        "procedure__organisation", "after_step__procedure"
    ).order_by("position", "pk"):
        if step.pk in cases:
            views.append(StepView(step=step, status=StepStatus.STARTED, case=cases[step.pk]))
            continue
        status, reason = step_status(step, cases)
        views.append(StepView(step=step, status=status, reason=reason))
    return views


def all_steps_done(journey: Journey) -> bool:
    """Every step is decided (or withdrawn), or not needed after the person's answers:
    nothing is left to do or to wait for."""
    for view in journey_steps(journey):
        if view.case is not None:
            if view.case.state not in FINAL_STATES:
                return False
        elif view.status != StepStatus.NOT_NEEDED:
            return False
    return True


def events_of(journey: Journey) -> QuerySet[JourneyEvent]:
    """The journey's history, oldest first, with who did what."""
    return journey.events.select_related("actor")


def journeys_of(user) -> QuerySet[Journey]:
    if not getattr(user, "is_authenticated", False):
        return Journey.objects.none()
    return Journey.objects.filter(user=user).select_related("life_event", "referent__user")


def open_suggestions(user) -> QuerySet[Suggestion]:
    if not getattr(user, "is_authenticated", False):
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(user=user, dismissed_at__isnull=True)
        .select_related("procedure__organisation", "decided_case__procedure")
        .order_by("-created_at", "-pk")
    )


def published_life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.published().prefetch_related("steps__procedure__organisation")


def journeys_for_agent(agent) -> QuerySet[Journey]:
    """The journeys an agent coordinates, or that their units coordinate."""
    if not permissions.uses_backoffice(agent):
        return Journey.objects.none()
    units = permissions.handled_units(agent)
    return (
        Journey.objects.filter(Q(referent=agent) | Q(life_event__referent_unit__in=units))
        .select_related("life_event", "user", "referent__user")
        .distinct()
    )


def is_referent(agent, journey: Journey) -> bool:
    return permissions.uses_backoffice(agent) and journey.referent_id == agent.pk
