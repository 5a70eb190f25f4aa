"""The queue reads in index order on PostgreSQL: the queue page and "take the next case"
stay fast whatever the number of cases, with no sort of the unit's open cases."""

import pytest
from django.db import connection, transaction

from parcours.cases import queue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plan of PostgreSQL's planner"
)


def reads_a_queue_index_in_order(plan: str) -> bool:
    """On tables this small both queue indexes cost the same to the planner, and it may
    take either (``case_queue`` filtered on the holder, or the partial
    ``case_queue_unheld``); what matters is that it reads one in order, never sorts."""
    return ("case_queue_unheld" in plan or "case_queue " in plan) and "Sort" not in plan


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # The test tables are tiny: ask the planner what it does when scanning is dear.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Between indexes of equal cost on tiny tables the planner's pick is a coin toss;
        # with sorting made dear too, it sorts only if no index gives the queue's order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_next_case_is_found_in_the_unheld_queue_index_without_sorting(unit_1, submitted):
    plan = plan_of(queue.queue_of(unit_1).filter(referent__isnull=True)[:1])

    assert reads_a_queue_index_in_order(plan), plan


def test_the_queue_page_reads_the_queue_index_without_sorting(unit_1, submitted):
    plan = plan_of(
        queue.queue_of(unit_1).select_related("procedure", "person", "referent__user")[:25]
    )

    assert "case_queue" in plan
    assert "Sort" not in plan


def test_a_fast_tracked_case_leads_the_index_and_the_queue_is_still_not_sorted(
    unit_1, submitted, org_admin
):
    from parcours.cases import margins

    margins.case_fast_track(case=submitted, by=org_admin.user, reason="Usager en détresse.")

    plan = plan_of(queue.queue_of(unit_1).filter(referent__isnull=True)[:1])

    assert reads_a_queue_index_in_order(plan), plan
    assert queue.next_in_queue(unit_1) == submitted
