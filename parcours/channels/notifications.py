"""What the channels send: the acknowledgement of an email received, and text messages
(SMS) about a case or an appointment, for people who chose them."""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from parcours.cases.enums import CITIZEN_LABELS
from parcours.notifications.notifications import ALWAYS_SENT, EmailNotification

from . import sms
from .enums import InboundStatus


class InboundAcknowledgement(EmailNotification):
    """We received your email; a person will answer by a date. Marked as an automatic
    reply (RFC 3834), so that well-behaved robots never answer it."""

    template_name = "inbound_acknowledgement"

    def __init__(self, inbound):
        self.inbound = inbound

    def recipients(self) -> list[str]:
        return [self.inbound.from_address] if self.inbound.from_address else []

    def language(self) -> str:
        person = self.inbound.person
        return (person.preferred_language if person else "") or settings.LANGUAGE_CODE

    def should_send(self) -> bool:
        return self.inbound.status != InboundStatus.AUTOMATIC and super().should_send()

    def context(self) -> dict:
        message = self.inbound.message
        return {
            "unit": self.inbound.unit,
            "case": self.inbound.case,
            "subject": self.inbound.subject,
            "received_at": self.inbound.received_at,
            "answer_due_on": message.answer_due_on if message else None,
        }

    def build(self):
        message = super().build()
        message.extra_headers.update(
            {
                "Auto-Submitted": "auto-replied",
                "X-Auto-Response-Suppress": "All",
                "Precedence": "auto_reply",
            }
        )
        if self.inbound.header_message_id:
            message.extra_headers["In-Reply-To"] = self.inbound.header_message_id
            message.extra_headers["References"] = self.inbound.header_message_id
        return message


class SmsNotification:
    """A text message to one person, in their language, only if they chose SMS."""

    def __init__(self, person, phone: str = ""):
        self.person = person
        self.phone = phone or (person.phone if person else "")

    def wanted(self) -> bool:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def should_send(self) -> bool:
        return bool(self.wanted() and sms.is_mobile(self.phone))

    def outgoing(self) -> "sms.OutgoingSms | None":
        """The text message to send, or None (what the outbox sends)."""
        if not self.should_send():
            return None
        language = (self.person.preferred_language if self.person else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            body = self.text()
        return sms.OutgoingSms(to=self.phone, body=body)


class CaseEventSms(SmsNotification):
    """The case changed state. Sent when the person asked for news by SMS: the
    mandatory letters (receipt, decision) also leave by email or post, with their
    legal mentions; the text message only says what happened and where to read it."""

    def __init__(self, event):
        super().__init__(event.case.person)
        self.event = event

    def wanted(self) -> bool:
        return bool(
            self.event.visible_to_citizen
            and self.event.to_state
            and self.person.notify_by_sms
            and self.event.case.reference
        )

    def text(self) -> str:
        case = self.event.case
        text = _("%(organisation)s : dossier %(reference)s — %(status)s.") % {
            "organisation": case.unit.organisation.name,
            "reference": case.reference,
            "status": CITIZEN_LABELS[self.event.to_state],
        }
        if self.event.transition in ALWAYS_SENT:
            text += " " + _("Le courrier vous est envoyé ; il est aussi dans votre espace.")
        return text + " " + _("Infos : %(phone)s") % {"phone": case.unit.phone}


class AppointmentReminderSms(SmsNotification):
    def __init__(self, appointment):
        super().__init__(appointment.person, appointment.phone)
        self.appointment = appointment

    def wanted(self) -> bool:
        from parcours.appointments.enums import AppointmentStatus

        return bool(
            self.appointment.remind_by_sms and self.appointment.status == AppointmentStatus.BOOKED
        )

    def text(self) -> str:
        appointment = self.appointment
        return _(
            "Rappel : rendez-vous %(when)s, %(unit)s, %(address)s. Empêché ? Prévenez-nous : "
            "%(phone)s"
        ) % {
            "when": formats.date_format(appointment.local_starts_at, "l j F H:i"),
            "unit": appointment.unit.name,
            "address": f"{appointment.unit.street}, {appointment.unit.city}",
            "phone": appointment.unit.phone,
        }
