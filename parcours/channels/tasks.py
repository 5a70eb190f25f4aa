from django_tasks import task

from parcours.cases.models import CaseEvent

from .models import InboundEmail
from .notifications import AppointmentReminderSms, CaseEventSms, InboundAcknowledgement


@task()
def send_inbound_acknowledgement(inbound_id: int) -> bool:
    inbound = (
        InboundEmail.objects.select_related("unit__organisation", "case", "person", "message")
        .filter(pk=inbound_id)
        .first()
    )
    return inbound is not None and InboundAcknowledgement(inbound).send()


@task()
def send_case_event_sms(event_id: int) -> bool:
    event = (
        CaseEvent.objects.select_related("case__person", "case__unit__organisation")
        .filter(pk=event_id)
        .first()
    )
    return event is not None and CaseEventSms(event).send()


@task()
def send_appointment_reminder_sms(appointment_id: int) -> bool:
    from parcours.appointments.models import Appointment

    appointment = (
        Appointment.objects.select_related("unit", "person").filter(pk=appointment_id).first()
    )
    return appointment is not None and AppointmentReminderSms(appointment).send()
