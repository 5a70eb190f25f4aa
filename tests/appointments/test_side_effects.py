"""Appointment emails, booking codes and reminders go through the outbox: recorded in the
transaction of the change, once per key, delivered after the commit."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from parcours.appointments import services
from parcours.appointments.services.common import notify
from parcours.channels import sms
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_due
from tests.outbox.support import rolled_back

from .conftest import at, details

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    cache.clear()


def book(counter, person, starts_at="10:00"):
    return services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-06", starts_at),
        person=person,
        by=person.user,
        **details(email=person.email, phone="06 12 34 56 78", remind_by_sms=True),
    )


def keys() -> list[str]:
    return sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True))


def test_a_booking_that_rolls_back_records_no_email(counter, citizen_a):
    rolled_back(lambda: book(counter, citizen_a))

    assert keys() == []


def test_a_booking_records_one_email_sent_after_the_commit(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(counter, citizen_a)

    assert keys() == [f"appointment:{appointment.pk}:booked:0"]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    (message,) = mail.outbox
    assert message.extra_headers["X-Parcours-Idempotency-Key"] == keys()[0]


def test_telling_the_same_change_twice_records_one_email(counter, citizen_a):
    appointment = book(counter, citizen_a)
    notify(appointment, "booked")

    assert keys() == [f"appointment:{appointment.pk}:booked:0"]
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert len(mail.outbox) == 1


def test_each_move_of_an_appointment_is_told_once(counter, citizen_a):
    appointment = book(counter, citizen_a)
    services.appointment_move(
        appointment=appointment, starts_at=at("2026-05-06", "11:00"), by=citizen_a.user
    )
    services.appointment_move(
        appointment=appointment, starts_at=at("2026-05-06", "14:00"), by=citizen_a.user
    )

    assert keys() == [
        f"appointment:{appointment.pk}:booked:0",
        f"appointment:{appointment.pk}:moved:1",
        f"appointment:{appointment.pk}:moved:2",
    ]
    assert deliver_due() == 3
    assert len(mail.outbox) == 3


def test_a_reminder_records_its_email_and_its_text_message_once(counter, citizen_a):
    """Two hours before, the closest of the type's reminders."""
    appointment = book(counter, citizen_a)
    deliver_due()
    mail.outbox.clear()

    assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 1
    assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 0

    reminder = [key for key in keys() if ":reminder:" in key]
    assert reminder == [
        f"appointment:{appointment.pk}:reminder:{appointment.starts_at.isoformat()}:2:email",
        f"appointment:{appointment.pk}:reminder:{appointment.starts_at.isoformat()}:2:sms",
    ]
    assert deliver_due() == 2
    (message,) = mail.outbox
    assert message.subject.startswith("Rappel")
    (text,) = sms.outbox
    assert text.to == "+33612345678"


def test_a_reminder_run_that_rolls_back_records_nothing(counter, citizen_a):
    book(counter, citizen_a)
    before = keys()

    rolled_back(lambda: services.send_due_reminders(now=at("2026-05-06", "08:00")))

    assert keys() == before


def test_the_booking_code_is_erased_from_the_outbox_once_sent(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = services.email_code_send(email="eve@example.org", client="192.0.2.1")

    row = OutboxMessage.objects.get()
    assert row.idempotency_key == f"appointment-code:{record.pk}"
    assert row.status == OutboxStatus.SENT
    assert "code" not in row.arguments
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert code not in str(row.arguments)
    services.email_code_verify(code_id=record.pk, email="eve@example.org", code=code)


def test_a_booking_code_that_expired_before_it_could_leave_is_not_sent(db, time_machine):
    services.email_code_send(email="eve@example.org", client="192.0.2.1")
    time_machine.shift(16 * 60)  # an SMTP outage longer than the code's life

    assert deliver_due() == 1

    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SKIPPED
    assert "code" not in row.arguments
    assert mail.outbox == []
