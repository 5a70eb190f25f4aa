"""The outbox handlers of appointments (parcours.outbox): confirmations, changes,
reminders, waiting-list emails and booking codes. Each reads the rows it needs once the
change has committed and returns the email to send, or None when there is nothing to
send (the object is gone, the code expired)."""

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from parcours.outbox.services import outbox_handler

from .models import Appointment, EmailCode, WaitingListEntry
from .notifications import AppointmentNotification, EmailCodeNotification, WaitingListNotification


@outbox_handler
def appointment_email(appointment_id: int, kind: str, previous_starts_at: str = ""):
    appointment = (
        Appointment.objects.select_related(
            "appointment_type", "unit__organisation", "person", "procedure"
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return None
    return AppointmentNotification(appointment, kind, previous_starts_at).outgoing()


@outbox_handler
def waiting_list_email(entry_id: int, kind: str):
    entry = (
        WaitingListEntry.objects.select_related("appointment_type__unit__organisation", "person")
        .filter(pk=entry_id)
        .first()
    )
    return WaitingListNotification(entry, kind).outgoing() if entry else None


@outbox_handler(secret=("code",))
def email_code_email(code_id: int, language: str, code: str = ""):
    """The six-digit code, while it can still be used. The code is erased from the
    outbox row once the row is done with (see docs/operations.md, "Outbox")."""
    from .services.email_codes import code_hash

    record = EmailCode.objects.filter(pk=code_id).first()
    if (
        not code
        or record is None
        or record.verified_at is not None
        or record.expires_at <= timezone.now()
        or not constant_time_compare(record.code_hash, code_hash(record.pk, record.email, code))
    ):
        return None
    return EmailCodeNotification(record.email, code, language).outgoing()
