"""The demo's access journal and data requests: what the two demo citizens see in
"Mes données" (agents who opened their cases, and why), a data request of Alice's taken
in charge by the manager of the unit handling her first case (their "Demandes sur les
données"), and the procedures' retention basis for the register."""

import datetime

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.lib import reference_cache
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent
from parcours.privacy.enums import JournalAction, JournalPurpose, JournalVia
from parcours.privacy.handling import rights_request_take
from parcours.privacy.journal import record_access
from parcours.privacy.rights import rights_request_create

DEMO_CITIZENS = ("alice.durand@example.test", "bruno.petit@example.test")
RETENTION_BASIS = (
    "Délibération du conseil fixant les durées de conservation des dossiers "
    "(référentiel des archives publiques pour les collectivités)."
)


def seed_privacy() -> int:
    """A few journal entries per demo citizen's submitted case; returns how many."""
    Procedure.objects.filter(retention_basis="").update(retention_basis=RETENTION_BASIS)
    reference_cache.forget()  # an update() sends no signal
    written = 0
    cases = (
        Case.objects.filter(person__user__email__in=DEMO_CITIZENS)
        .exclude(state=CaseState.DRAFT)
        .exclude(submitted_at=None)
        .select_related("person", "unit")
        .order_by("submitted_at")
    )
    for case in cases[:12]:
        agent = (
            Agent.objects.filter(units=case.unit, is_active=True, role=AgentRole.AGENT)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if agent is None:
            continue
        opened = case.submitted_at + datetime.timedelta(days=1, hours=2)
        record_access(agent.user, case.person, JournalAction.READ, case=case, now=opened)
        written += 1
        if case.state != CaseState.SUBMITTED:
            changed = opened + datetime.timedelta(hours=1, minutes=10)
            record_access(agent.user, case.person, JournalAction.CHANGE, case=case, now=changed)
            written += 1
    alice_case = cases.filter(person__user__email=DEMO_CITIZENS[0]).first()
    if alice_case is not None:
        record_access(
            None,
            alice_case.person,
            JournalAction.READ,
            case=alice_case,
            purpose=JournalPurpose.SUPPORT,
            via=JournalVia.SYSTEM,
            reason="Envoi de l'accusé de réception.",
            now=alice_case.submitted_at + datetime.timedelta(minutes=1),
        )
        written += 1
        request = rights_request_create(
            user=alice_case.person.user,
            person_id=alice_case.person_id,
            kind="correction",
            details="Mon numéro de téléphone a changé : 06 12 34 56 78.",
        )
        manager = (
            Agent.objects.filter(units=alice_case.unit, is_active=True, role=AgentRole.UNIT_MANAGER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if manager is not None:
            rights_request_take(request=request, agent=manager)
    return written
