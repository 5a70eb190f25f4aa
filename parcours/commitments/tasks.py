"""Periodic jobs of the commitments, run by the worker."""

from django_tasks import task

from .services import send_digests, watch_commitments


@task()
def watch_commitments_task() -> dict:
    """Periodic: flag the items about to miss their commitment, resolve the others."""
    return watch_commitments()


@task()
def send_commitment_digests() -> int:
    """Daily: each agent and manager receives the list of their items at risk."""
    watch_commitments()
    return send_digests()
