"""The outbox handlers of the notifications: each reads the rows it needs and returns
the email to send, or None when there is nothing to send (object gone, preferences).

They run in a worker, once the change is committed (parcours.outbox)."""

from parcours.cases.models import CaseCorrection, CaseEvent, Document
from parcours.outbox.services import outbox_handler

from .notifications import (
    CaseCorrectedNotification,
    CaseCorrectedUnitNotification,
    CaseEventNotification,
    CaseUpdateNotification,
    DocumentReceivedUnitNotification,
    MessageToCitizenNotification,
)


def _event(event_id: int) -> CaseEvent | None:
    return (
        CaseEvent.objects.select_related(
            "case__person", "case__unit__organisation", "case__procedure", "case__referent__user"
        )
        .filter(pk=event_id)
        .first()
    )


def _correction(correction_id: int) -> CaseCorrection | None:
    return (
        CaseCorrection.objects.select_related(
            "case__person",
            "case__unit__organisation",
            "case__procedure",
            "case__procedure_version",
            "case__referent__user",
        )
        .filter(pk=correction_id)
        .first()
    )


@outbox_handler
def case_event_email(event_id: int):
    event = _event(event_id)
    return CaseEventNotification(event).outgoing() if event else None


@outbox_handler
def case_update_email(event_id: int, kind: str):
    """A handover, a rerouting or a new answer date, told to the person."""
    event = _event(event_id)
    return CaseUpdateNotification(event, kind=kind).outgoing() if event else None


@outbox_handler
def case_corrected_to_citizen_email(correction_id: int):
    correction = _correction(correction_id)
    return CaseCorrectedNotification(correction).outgoing() if correction else None


@outbox_handler
def case_corrected_to_unit_email(correction_id: int):
    correction = _correction(correction_id)
    return CaseCorrectedUnitNotification(correction).outgoing() if correction else None


@outbox_handler
def document_received_to_unit_email(document_id: int):
    document = (
        Document.objects.select_related(
            "case__person",
            "case__unit__organisation",
            "case__procedure",
            "case__procedure_version",
            "case__referent__user",
        )
        .filter(pk=document_id)
        .first()
    )
    return DocumentReceivedUnitNotification(document).outgoing() if document else None


@outbox_handler
def message_to_citizen_email(message_id: int):
    from parcours.contacts.models import Message

    message = (
        Message.objects.select_related(
            "case__person", "case__unit__organisation", "case__referent__user", "author"
        )
        .filter(pk=message_id, case__isnull=False)
        .first()
    )
    return MessageToCitizenNotification(message).outgoing() if message else None
