"""The emails of appointments: confirmation, move, cancellation and reminder (each with
the appointment as an .ics file), the waiting list's emails, and the code that proves
an address.

Confirmations, moves and cancellations are always sent when there is an address: the
person needs them to come at the right time, or not to come. Reminders follow the
choice made when booking; reminders by text message, for those who chose them,
leave through parcours.channels (``AppointmentReminderSms``).
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from parcours.notifications.notifications import EmailNotification

from . import ics, links
from .enums import AppointmentStatus, CancelledBy, WaitingStatus
from .models import Appointment, WaitingListEntry, when_display

APPOINTMENT_TEMPLATES = {
    "booked": "appointment_booked",
    "moved": "appointment_moved",
    "cancelled": "appointment_cancelled",
    "reminder": "appointment_reminder",
}


class AppointmentNotification(EmailNotification):
    def __init__(self, appointment: Appointment, kind: str, previous_starts_at: str = ""):
        if kind not in APPOINTMENT_TEMPLATES:
            raise ValueError(f"unknown appointment notification: {kind}")
        self.appointment = appointment
        self.kind = kind
        self.template_name = APPOINTMENT_TEMPLATES[kind]
        self.previous_starts_at = (
            datetime.datetime.fromisoformat(previous_starts_at) if previous_starts_at else None
        )

    def recipients(self) -> list[str]:
        return [self.appointment.email] if self.appointment.email else []

    def language(self) -> str:
        return self.appointment.person.preferred_language or settings.LANGUAGE_CODE

    def should_send(self) -> bool:
        if self.kind == "reminder" and not (
            self.appointment.status == AppointmentStatus.BOOKED and self.appointment.remind_by_email
        ):
            return False
        return super().should_send()

    def context(self) -> dict:
        appointment = self.appointment
        tz = appointment.timezone
        appointment_type = appointment.appointment_type
        book_again = reverse("portal:appointment_slots", kwargs={"pk": appointment_type.pk})
        return {
            "appointment": appointment,
            "appointment_type": appointment_type,
            "person": appointment.person,
            "unit": appointment.unit,
            "when": when_display(appointment.starts_at, tz),
            "previous_when": (
                when_display(self.previous_starts_at, tz) if self.previous_starts_at else ""
            ),
            "manage_url": links.manage_url(appointment),
            "book_again_url": settings.PARCOURS_BASE_URL + book_again,
            "by_closure": appointment.cancelled_by == CancelledBy.CLOSURE,
            "by_service": appointment.cancelled_by == CancelledBy.SERVICE,
        }

    def build(self):
        message = super().build()
        with translation.override(self.language()):
            content = ics.appointment_ics(
                self.appointment, manage_url=links.manage_url(self.appointment)
            )
        message.attach(ics.filename(self.appointment), content, "text/calendar")
        return message


class WaitingListNotification(EmailNotification):
    def __init__(self, entry: WaitingListEntry, kind: str):
        if kind not in ("joined", "offer"):
            raise ValueError(f"unknown waiting-list notification: {kind}")
        self.entry = entry
        self.kind = kind
        self.template_name = f"waiting_list_{kind}"

    def recipients(self) -> list[str]:
        return [self.entry.email] if self.entry.email else []

    def language(self) -> str:
        return self.entry.person.preferred_language or settings.LANGUAGE_CODE

    def should_send(self) -> bool:
        if self.kind == "offer" and self.entry.status != WaitingStatus.OFFERED:
            return False
        if self.kind == "joined" and not self.entry.is_active:
            return False
        return super().should_send()

    def context(self) -> dict:
        entry = self.entry
        tz = entry.appointment_type.timezone
        context = {
            "entry": entry,
            "appointment_type": entry.appointment_type,
            "unit": entry.appointment_type.unit,
            "person": entry.person,
            "waiting_url": links.waiting_url(entry),
        }
        if self.kind == "offer":
            context.update(
                offer_url=links.offer_url(entry),
                when=when_display(entry.offered_starts_at, tz),
                expires=when_display(entry.offer_expires_at, tz),
            )
        return context


class EmailCodeNotification(EmailNotification):
    template_name = "appointment_code"

    def __init__(self, email: str, code: str, language: str):
        self.email = email
        self.code = code
        self._language = language

    def recipients(self) -> list[str]:
        return [self.email]

    def language(self) -> str:
        return self._language

    def context(self) -> dict:
        return {"code": self.code, "minutes": settings.PARCOURS_MAGIC_LINK_MAX_AGE // 60}
