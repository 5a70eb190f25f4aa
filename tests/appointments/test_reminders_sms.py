"""Reminders by text message, for people who chose them when booking (parcours.channels)."""

import pytest
from django.core import mail

from parcours.appointments import services
from parcours.channels import sms

from .conftest import at, details

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


def test_a_reminder_by_sms_only_is_sent_by_sms_and_not_by_email(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-06", "10:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(phone="06 12 34 56 78", remind_by_email=False, remind_by_sms=True),
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 1

    assert mail.outbox == []
    [message] = sms.outbox
    assert message.to == "+33612345678"
    assert "mercredi 6 mai 10:00" in message.body
    assert "Service Éducation" in message.body


def test_a_reminder_by_email_only_sends_no_sms(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-06", "10:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(phone="06 12 34 56 78"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=at("2026-05-06", "08:00"))

    assert sms.outbox == []
    assert mail.outbox[-1].subject.startswith("Rappel")
