"""Who may do what in the back-office: the roles of agents, scoped to units.

One place for the rules, used by the case services, the back-office views and, later,
the API:

============================  =========================================================
role                          may
============================  =========================================================
agent                         see their units' queues and cases, hold (take) a case of
                              their units
unit manager                  the same, and manage their units' workload: see who holds
                              what, reassign a case between the unit's agents
organisation administrator    the same in the units they belong to, and manage every
                              unit of their organisation (see its cases, reassign them)
helper (aidant)               nothing here: a helper acts for citizens under a mandate,
                              never for the administration
============================  =========================================================

Only active agents of active units count. A superuser is not an agent: the back-office
needs an Agent record like anyone else.
"""

from django.db.models import QuerySet

from .enums import AgentRole
from .models import Agent, Unit

BACKOFFICE_ROLES = frozenset(
    {AgentRole.AGENT, AgentRole.UNIT_MANAGER, AgentRole.ORGANISATION_ADMIN}
)
MANAGER_ROLES = frozenset({AgentRole.UNIT_MANAGER, AgentRole.ORGANISATION_ADMIN})


def uses_backoffice(agent: Agent | None) -> bool:
    """An active agent whose role works cases in the back-office (not a helper)."""
    return agent is not None and agent.is_active and agent.role in BACKOFFICE_ROLES


def is_manager(agent: Agent | None) -> bool:
    return uses_backoffice(agent) and agent.role in MANAGER_ROLES


def handled_units(agent: Agent | None) -> QuerySet[Unit]:
    """The units whose queue the agent works: the active units they belong to."""
    if not uses_backoffice(agent):
        return Unit.objects.none()
    return Unit.objects.filter(
        organisation_id=agent.organisation_id, agents=agent, is_active=True
    ).order_by("name")


def managed_units(agent: Agent | None) -> QuerySet[Unit]:
    """The units whose workload the agent manages: a manager's own units, every active
    unit of the organisation for its administrator."""
    if not is_manager(agent):
        return Unit.objects.none()
    units = Unit.objects.filter(organisation_id=agent.organisation_id, is_active=True)
    if agent.role == AgentRole.UNIT_MANAGER:
        units = units.filter(agents=agent)
    return units.order_by("name")


def may_handle(agent: Agent | None, unit: Unit) -> bool:
    """May the agent take and work the cases of ``unit``?"""
    return handled_units(agent).filter(pk=unit.pk).exists()


def may_manage(agent: Agent | None, unit: Unit) -> bool:
    """May the agent see the workload of ``unit`` and reassign its cases?"""
    return managed_units(agent).filter(pk=unit.pk).exists()


def holders_of(unit: Unit) -> QuerySet[Agent]:
    """The agents who may hold a case of ``unit``: its active members who work cases."""
    return (
        Agent.objects.filter(
            organisation_id=unit.organisation_id,
            units=unit,
            is_active=True,
            role__in=BACKOFFICE_ROLES,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
