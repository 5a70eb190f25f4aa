"""Tasks of earlier versions, which sent these emails directly.

Emails now go through the outbox (services.py, emails.py). These stay so that tasks
queued before an upgrade still run; nothing new enqueues them.
"""

from django_tasks import task

from . import emails


def _send(message) -> bool:
    if message is None:
        return False
    message.send()
    return True


@task()
def send_case_event_notification(event_id: int) -> bool:
    return _send(emails.case_event_email(event_id))


@task()
def send_case_corrected_to_citizen(correction_id: int) -> bool:
    return _send(emails.case_corrected_to_citizen_email(correction_id))


@task()
def send_message_to_citizen(message_id: int) -> bool:
    return _send(emails.message_to_citizen_email(message_id))


@task()
def send_case_update(event_id: int, kind: str) -> bool:
    return _send(emails.case_update_email(event_id, kind))


@task()
def send_case_corrected_to_unit(correction_id: int) -> bool:
    return _send(emails.case_corrected_to_unit_email(correction_id))
