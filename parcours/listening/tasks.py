"""The periodic jobs of the listening app, run by the worker. The emails and text
messages themselves go through the outbox (``outgoing.py``, parcours.outbox)."""

from django_tasks import task


@task()
def feedback_invitations() -> dict:
    """Periodic: create the survey invitations for recent events, send those due."""
    from .services.feedback import collect_invitations, send_due_invitations

    return {"created": collect_invitations(), "sent": send_due_invitations()}


@task()
def escalate_overdue_complaints() -> int:
    """Periodic: escalate to the managers the complaints past their response date."""
    from .services.complaints import escalate_overdue

    return escalate_overdue()
