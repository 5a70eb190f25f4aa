"""Background work of appointments: the emails, and two periodic jobs that the worker's
scheduler enqueues (``parcours.worker.scheduler.PERIODIC_JOBS``): reminders and the
expiry of waiting-list offers. Both jobs are idempotent."""

from django_tasks import task

from . import services
from .models import Appointment, WaitingListEntry
from .notifications import (
    AppointmentNotification,
    EmailCodeNotification,
    WaitingListNotification,
)


@task()
def send_appointment_email(appointment_id: int, kind: str, previous_starts_at: str = "") -> bool:
    appointment = (
        Appointment.objects.select_related(
            "appointment_type", "unit__organisation", "person", "procedure"
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return False
    return AppointmentNotification(appointment, kind, previous_starts_at).send()


@task()
def send_waiting_list_email(entry_id: int, kind: str) -> bool:
    entry = (
        WaitingListEntry.objects.select_related("appointment_type__unit__organisation", "person")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return False
    return WaitingListNotification(entry, kind).send()


@task()
def send_email_code(email: str, code: str, language: str) -> bool:
    return EmailCodeNotification(email, code, language).send()


@task()
def send_appointment_reminders() -> int:
    return services.send_due_reminders()


@task()
def expire_waiting_list_offers() -> int:
    return services.expire_offers()
