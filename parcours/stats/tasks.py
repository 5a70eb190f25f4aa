"""Background work on statistics, run by the worker (``manage.py run_worker``)."""

import datetime

from django.utils import timezone
from django_tasks import task

from .aggregation import compute_period


@task()
def compute_daily_stats() -> int:
    """Periodic: today's statistics so far, and yesterday's once complete (the day
    after, so that late events of the evening count). Idempotent."""
    today = timezone.localdate()
    return compute_period(today - datetime.timedelta(days=1), today)["rows"]


@task()
def compute_stats(since: str, until: str, organisation_ids: list[int] | None = None) -> dict:
    """Recompute a past period on demand (dates as ISO strings)."""
    return compute_period(
        datetime.date.fromisoformat(since), datetime.date.fromisoformat(until), organisation_ids
    )
