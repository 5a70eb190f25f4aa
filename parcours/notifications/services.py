"""Tell the citizen, in plain words, what happened on their case.

Each email (and text message) is recorded in the outbox within the transaction of the change itself
(parcours.outbox): nobody is told about a change that was rolled back, and a change that
committed is always told, once, even if a worker dies while sending.
"""

from parcours.cases.models import CaseCorrection, CaseEvent
from parcours.outbox.services import outbox_put

from . import emails


def notify_case_event(event: CaseEvent) -> None:
    """The email, and for a change of state the text message to those who chose SMS:
    siblings in the outbox, written in the transaction of the event."""
    if not event.visible_to_citizen:
        return
    outbox_put(handler=emails.case_event_email, key=f"case_event:{event.pk}", event_id=event.pk)
    from parcours.channels.outgoing import put_case_event_sms

    put_case_event_sms(event)


def notify_case_corrected(correction: CaseCorrection) -> None:
    """Confirm to the person what they corrected, and tell the handling service."""
    outbox_put(
        handler=emails.case_corrected_to_citizen_email,
        key=f"case_corrected:citizen:{correction.pk}",
        correction_id=correction.pk,
    )
    outbox_put(
        handler=emails.case_corrected_to_unit_email,
        key=f"case_corrected:unit:{correction.pk}",
        correction_id=correction.pk,
    )


def notify_document_received(document) -> None:
    """The person sent a document to a case under examination: tell the service."""
    outbox_put(
        handler=emails.document_received_to_unit_email,
        key=f"document_received:{document.pk}",
        document_id=document.pk,
    )


def notify_message_to_citizen(message) -> None:
    """An agent wrote to the person about their case."""
    outbox_put(
        handler=emails.message_to_citizen_email,
        key=f"message_to_citizen:{message.pk}",
        message_id=message.pk,
    )


def _notify_case_update(event: CaseEvent, kind: str) -> None:
    outbox_put(
        handler=emails.case_update_email,
        key=f"case_update:{kind}:{event.pk}",
        event_id=event.pk,
        kind=kind,
    )


def notify_referent_changed(event: CaseEvent) -> None:
    """The case was handed over: tell the person the name of their new referent."""
    _notify_case_update(event, "handover")


def notify_rerouted(event: CaseEvent) -> None:
    """The case was sent to the competent unit (CRPA L114-2): tell the person."""
    _notify_case_update(event, "rerouted")


def notify_citizen_deadline_extended(event: CaseEvent) -> None:
    """The person has more time to answer a request: tell them the new date."""
    _notify_case_update(event, "deadline_extended")
