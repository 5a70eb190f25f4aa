"""Text messages about a case follow its history: each change of state the person
sees is also sent by SMS to those who chose it (``notifications.CaseEventSms``),
queued after the transaction commits, like the email."""

from django.db import transaction


def case_event_saved(sender, instance, created, **kwargs):
    if not created or not instance.visible_to_citizen or not instance.to_state:
        return
    from .tasks import send_case_event_sms

    transaction.on_commit(lambda: send_case_event_sms.enqueue(event_id=instance.pk))
