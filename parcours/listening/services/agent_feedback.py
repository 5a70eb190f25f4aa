"""Agents' voice: friction reported on a procedure, triaged and answered by managers."""

from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.models import Agent

from ..enums import AgentFeedbackStatus, FrictionKind
from ..errors import ListeningError
from ..models import AgentFeedback


def agent_feedback_report(*, case, by: Agent, kind: str, description: str) -> AgentFeedback:
    """From a case the agent may see, a report on the case's procedure."""
    if not permissions.uses_backoffice(by) or by.organisation_id != case.organisation_id:
        raise ListeningError(_("Ce dossier ne relève pas de votre administration."))
    if kind not in FrictionKind.values:
        raise ListeningError(_("Choisissez la nature de la difficulté."), field="kind")
    if not description.strip():
        raise ListeningError(_("Décrivez la difficulté rencontrée."), field="description")
    return AgentFeedback.objects.create(
        organisation_id=case.organisation_id,
        procedure=case.procedure,
        case=case,
        author=by,
        kind=kind,
        description=description.strip(),
    )


def may_triage(agent: Agent | None, report: AgentFeedback) -> bool:
    """Managers of the unit that handles the procedure, and the organisation's
    administrators (who own its procedures)."""
    if not permissions.is_manager(agent) or agent.organisation_id != report.organisation_id:
        return False
    return permissions.may_manage(agent, report.procedure.handling_unit)


def agent_feedback_answer(
    *, report: AgentFeedback, by: Agent, status: str, reply: str, now=None
) -> AgentFeedback:
    if not may_triage(by, report):
        raise ListeningError(
            _("Seuls les responsables du service qui porte la démarche y répondent.")
        )
    if status not in AgentFeedbackStatus.values or status == AgentFeedbackStatus.NEW:
        raise ListeningError(_("Choisissez la suite donnée."), field="status")
    if not reply.strip():
        raise ListeningError(
            _("Écrivez une réponse à l'agent qui a signalé la difficulté."), field="reply"
        )
    report.status = status
    report.reply = reply.strip()
    report.replied_by = by
    report.replied_at = now or timezone.now()
    report.save(update_fields=["status", "reply", "replied_by", "replied_at"])
    return report
