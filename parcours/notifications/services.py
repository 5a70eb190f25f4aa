"""Tell the citizen, in plain words, what happened on their case.

Messages are queued after the transaction commits, so nobody is told about a
change that was rolled back.
"""

from django.db import transaction

from parcours.cases.models import CaseCorrection, CaseEvent


def notify_case_event(event: CaseEvent) -> None:
    if not event.visible_to_citizen:
        return
    from .tasks import send_case_event_notification

    transaction.on_commit(lambda: send_case_event_notification.enqueue(event_id=event.pk))


def notify_case_corrected(correction: CaseCorrection) -> None:
    """Confirm to the person what they corrected, and tell the handling service."""
    from .tasks import send_case_corrected_to_citizen, send_case_corrected_to_unit

    transaction.on_commit(
        lambda: send_case_corrected_to_citizen.enqueue(correction_id=correction.pk)
    )
    transaction.on_commit(lambda: send_case_corrected_to_unit.enqueue(correction_id=correction.pk))


def notify_message_to_citizen(message) -> None:
    """An agent wrote to the person about their case."""
    from .tasks import send_message_to_citizen

    transaction.on_commit(lambda: send_message_to_citizen.enqueue(message_id=message.pk))


def notify_referent_changed(event: CaseEvent) -> None:
    """The case was handed over: tell the person the name of their new referent."""
    from .tasks import send_case_update

    transaction.on_commit(lambda: send_case_update.enqueue(event_id=event.pk, kind="handover"))


def notify_rerouted(event: CaseEvent) -> None:
    """The case was sent to the competent unit (CRPA L114-2): tell the person."""
    from .tasks import send_case_update

    transaction.on_commit(lambda: send_case_update.enqueue(event_id=event.pk, kind="rerouted"))


def notify_citizen_deadline_extended(event: CaseEvent) -> None:
    """The person has more time to answer a request: tell them the new date."""
    from .tasks import send_case_update

    transaction.on_commit(
        lambda: send_case_update.enqueue(event_id=event.pk, kind="deadline_extended")
    )
