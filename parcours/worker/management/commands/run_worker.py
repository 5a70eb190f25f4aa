from django.core.management import BaseCommand, call_command
from django.utils.crypto import get_random_string

from parcours.outbox.relay import OutboxRelayThread
from parcours.worker.scheduler import SchedulerThread


class Command(BaseCommand):
    help = (
        "Run a background worker: django-tasks' db_worker, plus the scheduler that "
        "enqueues periodic jobs (implicit decisions, reminders, purges) and a heartbeat, "
        "and the relay that delivers the outbox (emails)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default=None, help="Unique id of this worker process.")
        parser.add_argument("--queue-name", default="*", help="Queues to process ('*' for all).")
        parser.add_argument("--interval", type=float, default=1.0, help="Polling interval (s).")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; let other workers enqueue the periodic jobs.",
        )
        parser.add_argument(
            "--no-outbox",
            action="store_true",
            help="Do not deliver the outbox here (tasks still deliver their own rows).",
        )

    def handle(
        self,
        *args,
        worker_id=None,
        queue_name="*",
        interval=1.0,
        no_scheduler=False,
        no_outbox=False,
        **options,
    ):
        worker_id = worker_id or get_random_string(32)
        if not no_scheduler:
            SchedulerThread(worker_id).start()
        if not no_outbox:
            OutboxRelayThread().start()
        self.stdout.write(f"Parcours worker {worker_id} started (queues: {queue_name}).")
        call_command(
            "db_worker",
            worker_id=worker_id,
            queue_name=queue_name,
            interval=interval,
            reload=False,
            verbosity=options.get("verbosity", 1),
        )
