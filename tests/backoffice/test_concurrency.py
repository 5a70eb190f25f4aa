"""Claiming under concurrency: many agents pressing "take the next case" at the same
moment each get a different case, with no error and no one waiting on another.

On PostgreSQL with real threads, each with its own connection; on SQLite, whose
writers are serialised, the same promise checked one claim after another.
"""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from parcours.cases import queue
from parcours.cases.enums import EventKind
from parcours.cases.models import Case, CaseEvent
from tests.factories import AgentFactory

from .conftest import submit

CLAIMERS = 50
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks with SKIP LOCKED: PostgreSQL only"
)


@pytest.fixture
def crowded_queue(settings, unit_1, procedure, citizen_a):
    """50 agents and 50 open cases in unit 1. Receipts are not rendered: not the point."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    today = timezone.localdate()
    cases = [
        submit(procedure, citizen_a, on=today - datetime.timedelta(days=n + 1))
        for n in range(CLAIMERS)
    ]
    agents = [AgentFactory(unit=unit_1) for _ in range(CLAIMERS)]
    return cases, agents


def claim_all_at_once(unit, agents) -> tuple[list[int | None], list[BaseException]]:
    results: list[int | None] = [None] * len(agents)
    errors: list[BaseException] = []
    start = threading.Barrier(len(agents))

    def claim(index: int) -> None:
        try:
            start.wait(timeout=60)
            case = queue.case_claim_next(unit=unit, by=agents[index].user)
            results[index] = case.pk if case else None
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@on_postgresql
def test_fifty_agents_claiming_at_once_each_get_a_different_case(
    transactional_db, crowded_queue, unit_1
):
    cases, agents = crowded_queue

    results, errors = claim_all_at_once(unit_1, agents)

    assert errors == []
    assert sorted(results) == sorted(case.pk for case in cases)
    held = dict(Case.objects.values_list("pk", "referent_id"))
    assert {held[pk] for pk in results} == {agent.pk for agent in agents}
    assert CaseEvent.objects.filter(kind=EventKind.REFERENT_CHANGED).count() == CLAIMERS


@on_postgresql
def test_a_claimer_skips_a_case_another_claimer_has_locked_without_waiting(
    transactional_db, settings, unit_1, procedure, citizen_a, agent_1, manager
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    today = timezone.localdate()
    first = submit(procedure, citizen_a, on=today - datetime.timedelta(days=20))
    second = submit(procedure, citizen_a, on=today - datetime.timedelta(days=10))
    locked, release = threading.Event(), threading.Event()

    def hold_the_first_row():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_first_row)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail the test
            claimed = queue.case_claim_next(unit=unit_1, by=agent_1.user)
    finally:
        release.set()
        holder.join()

    assert claimed.pk == second.pk


@pytest.mark.sqlite
def test_fifty_claims_in_a_row_each_get_a_different_case(crowded_queue, unit_1):
    cases, agents = crowded_queue

    claimed = [queue.case_claim_next(unit=unit_1, by=agent.user) for agent in agents]

    assert [case.pk for case in claimed] == [case.pk for case in reversed(cases)]
    assert queue.case_claim_next(unit=unit_1, by=agents[0].user) is None
