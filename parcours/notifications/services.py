"""Tell the citizen, in plain words, what happened on their case.

Messages are queued after the transaction commits, so nobody is told about a
change that was rolled back.
"""

from django.db import transaction

from parcours.cases.models import CaseEvent


def notify_case_event(event: CaseEvent) -> None:
    if not event.visible_to_citizen:
        return
    from .tasks import send_case_event_notification

    transaction.on_commit(lambda: send_case_event_notification.enqueue(event_id=event.pk))
