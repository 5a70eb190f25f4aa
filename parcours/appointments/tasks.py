"""Two periodic jobs of appointments that the worker's scheduler enqueues
(``parcours.worker.scheduler.PERIODIC_JOBS``): reminders and the expiry of waiting-list
offers. Both are idempotent. The emails and text messages themselves go through the
outbox (``outgoing.py``, parcours.outbox)."""

from django_tasks import task

from . import services


@task()
def send_appointment_reminders() -> int:
    return services.send_due_reminders()


@task()
def expire_waiting_list_offers() -> int:
    return services.expire_offers()
