"""The relay: each worker process delivers due outbox rows in a loop beside its tasks.

Rows whose fast-path task was lost, rows waiting for a retry, rows of a worker that died:
the relay finds them all, since it reads the table, not a queue.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from .services import deliver_due

logger = logging.getLogger(__name__)


class OutboxRelayThread(threading.Thread):
    def __init__(self, interval: float | None = None):
        super().__init__(name="parcours-outbox", daemon=True)
        self.interval = interval if interval is not None else settings.PARCOURS_OUTBOX_POLL_SECONDS
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                handled = 0
                try:
                    close_old_connections()
                    handled = deliver_due(limit=settings.PARCOURS_OUTBOX_BATCH)
                except Exception:  # keep the loop alive; the next pass retries
                    logger.exception("Outbox pass failed")
                finally:
                    close_old_connections()
                if handled:
                    logger.info("Outbox: %s message(s) handled", handled)
                # A full batch: there may be more, go on at once.
                if handled < settings.PARCOURS_OUTBOX_BATCH:
                    self.stopping.wait(self.interval)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
