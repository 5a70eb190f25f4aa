"""The daily digest email, an outbox handler (parcours.outbox)."""

from parcours.organisations.models import Agent
from parcours.outbox.services import outbox_handler

from .models import CommitmentAlert
from .services import CommitmentDigest


@outbox_handler
def commitment_digest_email(agent_id: int, alert_ids: list[int]):
    """The agent's items still flagged when the email leaves; None if none is left."""
    agent = Agent.objects.filter(pk=agent_id, is_active=True).select_related("user").first()
    if agent is None:
        return None
    alerts = list(
        CommitmentAlert.objects.active()
        .filter(pk__in=alert_ids)
        .select_related("unit", "case", "message__case", "message__person", "commitment")
        .order_by("due_on", "pk")
    )
    return CommitmentDigest(agent, alerts).outgoing()
