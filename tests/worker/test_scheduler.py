import datetime
import threading
import time

import pytest
from django.db import connection

from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.worker.models import ScheduledRun, WorkerHeartbeat
from parcours.worker.scheduler import (
    PERIODIC_JOBS,
    PeriodicJob,
    SchedulerThread,
    beat,
    enqueue_due_jobs,
    forget_stale_heartbeats,
)

JOB = "apply_implicit_decisions"
# The tests of the loop itself run the implicit-decision job alone.
ONE_JOB = [job for job in PERIODIC_JOBS if job.name == JOB]
# 10:00 UTC is the start of a 15-minute slot.
NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.mark.sqlite
def test_a_job_is_enqueued_once_per_slot_however_many_workers_ask(db):
    first_worker = enqueue_due_jobs(now=NOW, jobs=ONE_JOB)
    second_worker = enqueue_due_jobs(now=NOW + minutes(5), jobs=ONE_JOB)

    assert first_worker == [JOB]
    assert second_worker == []
    run = ScheduledRun.objects.get()
    assert run.job == JOB
    assert run.task_result_id


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("later", "enqueued"),
    [(minutes(14.99), []), (minutes(15), [JOB]), (minutes(45), [JOB])],
    ids=["same_slot", "next_slot", "slots_later"],
)
def test_a_job_is_enqueued_again_in_the_next_slot(db, later, enqueued):
    enqueue_due_jobs(now=NOW, jobs=ONE_JOB)

    assert enqueue_due_jobs(now=NOW + later, jobs=ONE_JOB) == enqueued
    assert ScheduledRun.objects.count() == 1 + len(enqueued)


@pytest.mark.sqlite
@pytest.mark.sqlite
def test_the_scheduled_job_records_due_implicit_decisions(draft, citizen_a, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
    case = services.case_submit(case=draft, by=citizen_a.user)
    time_machine.move_to(datetime.datetime(2026, 5, 3, 10, 0, tzinfo=datetime.UTC), tick=False)

    assert enqueue_due_jobs(jobs=ONE_JOB) == [JOB]

    case.refresh_from_db()
    assert case.state == CaseState.IMPLICIT_ACCEPTANCE


@pytest.mark.sqlite
def test_every_periodic_job_points_at_a_task():
    assert [job.get_task().name for job in PERIODIC_JOBS] == [
        "apply_retention",
        JOB,
        "send_appointment_reminders",
        "expire_waiting_list_offers",
        "feedback_invitations",
        "escalate_overdue_complaints",
        "compute_daily_stats",
        "watch_commitments",
        "send_commitment_digests",
    ]


@pytest.mark.sqlite
def test_a_beat_records_that_the_worker_is_alive(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    beat("worker-1", started_at=NOW - minutes(60))
    time_machine.move_to(NOW + minutes(1), tick=False)

    beat("worker-1", started_at=NOW - minutes(60))

    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker_id == "worker-1"
    assert heartbeat.last_seen_at == NOW + minutes(1)
    assert heartbeat.started_at == NOW - minutes(60)
    assert heartbeat.pid > 0
    assert heartbeat.hostname


@pytest.mark.sqlite
def test_heartbeats_of_workers_gone_for_a_day_are_forgotten(db, time_machine):
    time_machine.move_to(NOW - minutes(24 * 60 + 1), tick=False)
    beat("gone", started_at=NOW - minutes(3000))
    time_machine.move_to(NOW - minutes(60), tick=False)
    beat("resting", started_at=NOW - minutes(3000))
    time_machine.move_to(NOW, tick=False)

    assert forget_stale_heartbeats() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["resting"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_the_same_moment_enqueue_the_job_once():
    start = threading.Barrier(2)
    results, errors = [], []

    def tick():
        try:
            start.wait(timeout=10)
            results.append(enqueue_due_jobs(now=NOW, jobs=ONE_JOB))
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=tick) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert errors == []
    assert sorted(results) == [[], [JOB]]
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_beats_and_enqueues_until_stopped():
    scheduler = SchedulerThread("worker-test", tick=0.05)
    scheduler.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        WorkerHeartbeat.objects.exists() and ScheduledRun.objects.exists()
    ):
        time.sleep(0.02)
    scheduler.stop()
    scheduler.join(timeout=10)

    assert not scheduler.is_alive()
    assert WorkerHeartbeat.objects.get().worker_id == "worker-test"
    assert ScheduledRun.objects.filter(job=JOB).exists()


def test_a_job_that_cannot_be_enqueued_leaves_its_slot_free_and_does_not_stop_the_others(
    db, caplog
):
    broken = PeriodicJob(
        name="broken", task_path="parcours.nowhere.task", every=datetime.timedelta(minutes=5)
    )
    working = PeriodicJob(
        name="implicit",
        task_path="parcours.cases.tasks.apply_implicit_decisions",
        every=datetime.timedelta(minutes=5),
    )

    assert enqueue_due_jobs(jobs=[broken, working]) == ["implicit"]
    assert "broken" in caplog.text
    assert not ScheduledRun.objects.filter(job="broken").exists()
