from django_tasks import task

from parcours.cases.models import CaseCorrection, CaseEvent

from .notifications import (
    CaseCorrectedNotification,
    CaseCorrectedUnitNotification,
    CaseEventNotification,
    CaseUpdateNotification,
    MessageToCitizenNotification,
)


@task()
def send_case_event_notification(event_id: int) -> bool:
    event = (
        CaseEvent.objects.select_related(
            "case__person", "case__unit", "case__procedure", "case__referent__user"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return False
    return CaseEventNotification(event).send()


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


@task()
def send_case_corrected_to_citizen(correction_id: int) -> bool:
    correction = _correction(correction_id)
    return correction is not None and CaseCorrectedNotification(correction).send()


@task()
def send_message_to_citizen(message_id: int) -> bool:
    from parcours.contacts.models import Message

    message = (
        Message.objects.select_related(
            "case__person", "case__unit__organisation", "case__referent__user", "author"
        )
        .filter(pk=message_id, case__isnull=False)
        .first()
    )
    return message is not None and MessageToCitizenNotification(message).send()


@task()
def send_case_update(event_id: int, kind: str) -> bool:
    """A handover or a rerouting, told to the person."""
    event = (
        CaseEvent.objects.select_related(
            "case__person", "case__unit__organisation", "case__procedure", "case__referent__user"
        )
        .filter(pk=event_id)
        .first()
    )
    return event is not None and CaseUpdateNotification(event, kind=kind).send()


@task()
def send_case_corrected_to_unit(correction_id: int) -> bool:
    correction = _correction(correction_id)
    return correction is not None and CaseCorrectedUnitNotification(correction).send()
