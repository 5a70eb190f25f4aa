"""Periodic jobs of the commitments, run by the worker."""

from django_tasks import task

from . import services


@task()
def watch_commitments() -> dict:
    """Hourly: flag the items about to miss their commitment, resolve the others."""
    return services.watch_commitments()


@task()
def send_commitment_digests() -> int:
    """Daily: each agent and manager receives the list of their items at risk."""
    services.watch_commitments()
    return services.send_digests()
