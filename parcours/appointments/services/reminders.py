"""Reminders before the appointment, at the times each appointment type sets."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from parcours.appointments.enums import AppointmentStatus
from parcours.appointments.models import (
    Appointment,
    AppointmentReminder,
    AppointmentType,
)
from parcours.outbox.services import outbox_put


def send_due_reminders(*, now: datetime.datetime | None = None, limit: int = 1_000) -> int:
    """Queue the reminders that are due. For each appointment, only the closest reminder
    due is sent (the others are recorded as replaced), and none that falls before the
    booking or the last move: the confirmation has just said it all. Idempotent: the
    unique constraint on reminders keeps two runs from sending twice, and the email and
    the text message are recorded in the outbox in the same transaction as the
    reminder."""
    from parcours.appointments.outgoing import appointment_email
    from parcours.channels.outgoing import appointment_reminder_sms

    now = now or timezone.now()
    types_by_hours = defaultdict(list)
    for type_pk, hours in AppointmentType.objects.values_list("pk", "reminder_hours"):
        for value in hours or []:
            types_by_hours[value].append(type_pk)
    due = defaultdict(list)
    for hours, type_pks in types_by_hours.items():
        delay = datetime.timedelta(hours=hours)
        sent = AppointmentReminder.objects.filter(
            appointment=models.OuterRef("pk"),
            starts_at=models.OuterRef("starts_at"),
            hours_before=hours,
        )
        found = (
            Appointment.objects.filter(
                appointment_type_id__in=type_pks,
                status=AppointmentStatus.BOOKED,
                starts_at__gt=now,
                starts_at__lte=now + delay,
            )
            .filter(starts_at__gt=models.F("scheduled_at") + delay)
            # By email, by text message (parcours.channels), or both, as chosen.
            .filter(
                (models.Q(remind_by_email=True) & ~models.Q(email=""))
                | (models.Q(remind_by_sms=True) & ~models.Q(phone=""))
            )
            .exclude(models.Exists(sent))
            .order_by("starts_at", "pk")
            .values_list("pk", "organisation_id", "starts_at")[:limit]
        )
        for key in found:
            due[key].append(hours)
    queued = 0
    for (appointment_pk, organisation_pk, starts_at), hours_list in due.items():
        closest = min(hours_list)
        try:
            with transaction.atomic():
                AppointmentReminder.objects.bulk_create(
                    AppointmentReminder(
                        organisation_id=organisation_pk,
                        appointment_id=appointment_pk,
                        starts_at=starts_at,
                        hours_before=hours,
                        sent=hours == closest,
                    )
                    for hours in hours_list
                )
                key = f"appointment:{appointment_pk}:reminder:{starts_at.isoformat()}:{closest}"
                outbox_put(
                    handler=appointment_email,
                    key=f"{key}:email",
                    appointment_id=appointment_pk,
                    kind="reminder",
                )
                outbox_put(
                    handler=appointment_reminder_sms,
                    key=f"{key}:sms",
                    appointment_id=appointment_pk,
                )
        except IntegrityError:
            continue  # another run got there first
        queued += 1
    return queued
