"""The periodic jobs and the small loop that enqueues them.

Every worker runs this loop beside django-tasks' ``db_worker``. For each job and
each period, whoever first inserts the (job, slot) row enqueues the task; the others
see the row and skip. The jobs themselves are idempotent, so a slot run twice by
accident would do no harm either.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone

from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: timedelta

    def get_task(self):
        from django.utils.module_loading import import_string

        return import_string(self.task_path)


PERIODIC_JOBS = [
    PeriodicJob(
        name="apply_retention",
        task_path="parcours.privacy.tasks.apply_retention",
        every=timedelta(days=1),
    ),
    PeriodicJob(
        name="apply_implicit_decisions",
        task_path="parcours.cases.tasks.apply_implicit_decisions",
        every=timedelta(minutes=15),
    ),
    PeriodicJob(
        name="send_appointment_reminders",
        task_path="parcours.appointments.tasks.send_appointment_reminders",
        every=timedelta(minutes=5),
    ),
    PeriodicJob(
        name="expire_waiting_list_offers",
        task_path="parcours.appointments.tasks.expire_waiting_list_offers",
        every=timedelta(minutes=5),
    ),
    PeriodicJob(
        name="feedback_invitations",
        task_path="parcours.listening.tasks.feedback_invitations",
        every=timedelta(minutes=15),
    ),
    PeriodicJob(
        name="escalate_overdue_complaints",
        task_path="parcours.listening.tasks.escalate_overdue_complaints",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="compute_daily_stats",
        task_path="parcours.stats.tasks.compute_daily_stats",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="watch_commitments",
        task_path="parcours.commitments.tasks.watch_commitments",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="send_commitment_digests",
        task_path="parcours.commitments.tasks.send_commitment_digests",
        every=timedelta(days=1),
    ),
]


def enqueue_due_jobs(now=None, jobs=PERIODIC_JOBS) -> list[str]:
    """Enqueue each job whose current slot has not been enqueued yet. Returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = int(now.timestamp() // job.every.total_seconds())
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = job.get_task().enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker got this slot
        except Exception:
            # One broken job must not keep the others from being enqueued.
            logger.exception("Could not enqueue periodic job %s", job.name)
            continue
        enqueued.append(job.name)
    return enqueued


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen_at": timezone.now(),
        },
    )


def forget_stale_heartbeats(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


class SchedulerThread(threading.Thread):
    def __init__(self, worker_id: str, tick: float | None = None):
        super().__init__(name="parcours-scheduler", daemon=True)
        self.worker_id = worker_id
        self.tick = tick if tick is not None else settings.PARCOURS_SCHEDULER_TICK
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    close_old_connections()
                    beat(self.worker_id, self.started_at)
                    for name in enqueue_due_jobs():
                        logger.info("Enqueued periodic job %s", name)
                    forget_stale_heartbeats()
                except Exception:  # keep the loop alive; the next tick retries
                    logger.exception("Scheduler tick failed")
                finally:
                    close_old_connections()
                self.stopping.wait(self.tick)
        finally:
            connections.close_all()  # this thread's own connections: nobody else closes them

    def stop(self) -> None:
        self.stopping.set()
