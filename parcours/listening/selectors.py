"""Reads of the listening app, with their access rules built in."""

import datetime
import statistics

from django.db.models import Count, Q, QuerySet

from parcours.organisations import permissions
from parcours.organisations.models import Agent, Organisation

from .enums import ExperienceStatus, IdeaStatus
from .models import AgentFeedback, Complaint, Experience, Idea


def public_experiences(organisation: Organisation) -> QuerySet[Experience]:
    return (
        Experience.objects.published()
        .filter(organisation=organisation)
        .select_related("unit", "procedure")
        .order_by("-published_at")
    )


def experience_summary(experiences) -> dict:
    """How many, how many answered, and the median time to answer (a timedelta)."""
    experiences = list(experiences)
    times = [e.response_time for e in experiences if e.response_time is not None]
    return {
        "count": len(experiences),
        "replied": len(times),
        "median_response": (
            datetime.timedelta(seconds=statistics.median(t.total_seconds() for t in times))
            if times
            else None
        ),
    }


def organisations_with_experiences() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        published=Count("experiences", filter=Q(experiences__status=ExperienceStatus.PUBLISHED))
    ).order_by("name")


def experiences_for_agent(agent: Agent) -> QuerySet[Experience]:
    """The experiences an agent works on: those about the units they handle or manage
    (every unit of the organisation for its administrator)."""
    if not permissions.uses_backoffice(agent):
        return Experience.objects.none()
    experiences = Experience.objects.filter(organisation_id=agent.organisation_id).exclude(
        status=ExperienceStatus.AWAITING_CONFIRMATION
    )
    units = permissions.handled_units(agent)
    if permissions.is_manager(agent):
        units = units | permissions.managed_units(agent)
    return experiences.filter(unit__in=units).select_related("unit", "procedure")


def complaints_for_agent(agent: Agent) -> QuerySet[Complaint]:
    """The complaints about the agent's units (every unit they manage, for a manager)."""
    if not permissions.uses_backoffice(agent):
        return Complaint.objects.none()
    units = permissions.managed_units(agent) if permissions.is_manager(agent) else None
    if units is None:
        units = permissions.handled_units(agent)
    return Complaint.objects.filter(
        organisation_id=agent.organisation_id, unit__in=units
    ).select_related("unit", "procedure", "person", "handler__user")


def own_complaints(user) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(person__user=user).select_related(
        "unit__organisation", "procedure"
    )


def agent_feedback_for(agent: Agent) -> QuerySet[AgentFeedback]:
    """What an agent sees of the agents' reports: their own; a manager, those on the
    procedures of the units they manage; an organisation administrator, all of the
    organisation's."""
    if not permissions.uses_backoffice(agent):
        return AgentFeedback.objects.none()
    reports = AgentFeedback.objects.filter(organisation_id=agent.organisation_id)
    if permissions.is_manager(agent):
        visible = Q(author=agent) | Q(procedure__handling_unit__in=permissions.managed_units(agent))
        reports = reports.filter(visible)
    else:
        reports = reports.filter(author=agent)
    return reports.select_related("procedure", "case", "author__user", "replied_by__user")


def public_ideas(organisation: Organisation) -> QuerySet[Idea]:
    return (
        Idea.objects.published()
        .filter(organisation=organisation)
        .select_related("procedure")
        .order_by("-support_count", "-created_at")
    )


def answered_ideas(organisation: Organisation) -> QuerySet[Idea]:
    """« Vous avez dit, nous avons fait »: ideas the service has answered."""
    return (
        public_ideas(organisation)
        .exclude(status=IdeaStatus.PROPOSED)
        .order_by("-status_changed_at")
    )
