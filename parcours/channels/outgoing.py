"""The outbox handlers of the channels (parcours.outbox): the acknowledgement of an email
received, and the text messages about a case or an appointment. Each reads the rows it
needs once the change has committed and returns what to send, or None (object gone,
preferences changed meanwhile)."""

from parcours.cases.models import CaseEvent
from parcours.outbox.services import outbox_handler, outbox_put

from .models import InboundEmail
from .notifications import AppointmentReminderSms, CaseEventSms, InboundAcknowledgement


@outbox_handler
def inbound_acknowledgement_email(inbound_id: int):
    inbound = (
        InboundEmail.objects.select_related("unit__organisation", "case", "person", "message")
        .filter(pk=inbound_id)
        .first()
    )
    return InboundAcknowledgement(inbound).outgoing() if inbound else None


@outbox_handler
def case_event_sms(event_id: int):
    event = (
        CaseEvent.objects.select_related("case__person", "case__unit__organisation")
        .filter(pk=event_id)
        .first()
    )
    return CaseEventSms(event).outgoing() if event else None


@outbox_handler
def appointment_reminder_sms(appointment_id: int):
    from parcours.appointments.models import Appointment

    appointment = (
        Appointment.objects.select_related("unit", "person").filter(pk=appointment_id).first()
    )
    return AppointmentReminderSms(appointment).outgoing() if appointment else None


def put_case_event_sms(event: CaseEvent) -> None:
    """In the transaction of the event: a text message for people who chose SMS on a
    mobile number (checked again when it is sent)."""
    if event.visible_to_citizen and event.to_state and CaseEventSms(event).should_send():
        outbox_put(handler=case_event_sms, key=f"case_event:{event.pk}:sms", event_id=event.pk)
