"""Reads for the studio, with the access rule built in: an organisation administrator
sees the procedures of their own organisation, and nobody else sees any."""

from django.db.models import QuerySet

from parcours.catalog.models import Procedure, ProcedureVersion
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent
from parcours.organisations.permissions import uses_backoffice


def may_write_procedures(agent: Agent | None) -> bool:
    return uses_backoffice(agent) and agent.role == AgentRole.ORGANISATION_ADMIN


def procedures_for(agent: Agent | None) -> QuerySet[Procedure]:
    if not may_write_procedures(agent):
        return Procedure.objects.none()
    return Procedure.objects.filter(organisation_id=agent.organisation_id).select_related(
        "handling_unit"
    )


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.current_version


def draft_version(procedure: Procedure) -> ProcedureVersion | None:
    """The version being written: unpublished, after the last published one."""
    current = procedure.current_version
    drafts = procedure.versions.filter(published_at__isnull=True)
    if current is not None:
        drafts = drafts.filter(number__gt=current.number)
    return drafts.order_by("-number").first()


def appeal_routes_of(version: ProcedureVersion | None) -> str:
    """The appeal routes written in the studio for this version (legal settings): a
    decision is contested as the version the case was filed under says."""
    from .content import version_content

    if version is None:
        return ""
    return (version_content(version)["legal"].get("appeal_routes") or "").strip()


def private_fields_of(version: ProcedureVersion | None) -> list[dict]:
    """The fields this version reserves for agents (never shown to the person)."""
    from .content import version_content

    if version is None:
        return []
    return [f for f in version_content(version)["private_fields"] if isinstance(f, dict)]


def published_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.filter(published_at__isnull=False).order_by("-number")
