"""Reminders: sent by the worker's periodic job at the times the appointment type sets,
once each, only the closest one when several are due, never for a cancelled
appointment or one booked after the reminder's time."""

import pytest
from django.core import mail

from parcours.appointments import services
from parcours.appointments.models import AppointmentReminder
from parcours.appointments.tasks import send_appointment_reminders
from parcours.worker.scheduler import PERIODIC_JOBS, enqueue_due_jobs

from .conftest import at, details

pytestmark = pytest.mark.sqlite

WEDNESDAY_10 = at("2026-05-06", "10:00")


@pytest.fixture
def wednesday(counter, citizen_a):
    """Booked on Monday at 8:00 for Wednesday at 10:00: reminders at 48 and 2 hours."""
    return services.appointment_book(
        appointment_type=counter,
        starts_at=WEDNESDAY_10,
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )


def test_each_reminder_is_sent_once_at_its_time(wednesday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=at("2026-05-04", "09:59")) == 0
        assert services.send_due_reminders(now=at("2026-05-04", "10:00")) == 1
        assert services.send_due_reminders(now=at("2026-05-04", "10:05")) == 0
        assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 1
        assert services.send_due_reminders(now=at("2026-05-06", "08:30")) == 0

    assert [m.subject for m in mail.outbox] == [
        "Rappel : votre rendez-vous du mercredi 6 mai 2026 à 10:00",
        "Rappel : votre rendez-vous du mercredi 6 mai 2026 à 10:00",
    ]
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "/rendez-vous/gerer/" in mail.outbox[0].body
    assert sorted(AppointmentReminder.objects.values_list("hours_before", flat=True)) == [2, 48]


def test_when_the_job_was_down_only_the_closest_reminder_is_sent(
    wednesday, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=at("2026-05-06", "08:30")) == 1

    assert len(mail.outbox) == 1
    assert dict(AppointmentReminder.objects.values_list("hours_before", "sent")) == {
        48: False,
        2: True,
    }


def test_no_reminder_falls_before_the_booking(counter, citizen_a, time_machine):
    time_machine.move_to(at("2026-05-05", "09:00"), tick=False)
    services.appointment_book(
        appointment_type=counter,
        starts_at=WEDNESDAY_10,
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    # The 48-hour reminder would have been on Monday at 10:00, before the booking.
    assert services.send_due_reminders(now=at("2026-05-05", "09:05")) == 0
    assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 1


def test_a_cancelled_appointment_or_one_without_reminders_gets_none(
    wednesday, citizen_a, counter, citizen_b
):
    services.appointment_cancel(appointment=wednesday, by=citizen_a.user)
    services.appointment_book(
        appointment_type=counter,
        starts_at=WEDNESDAY_10,
        person=citizen_b,
        by=citizen_b.user,
        **details(email=citizen_b.email, remind_by_email=False),
    )

    assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 0


def test_a_moved_appointment_is_reminded_at_its_new_time(
    wednesday, citizen_a, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=at("2026-05-04", "10:00"))
    services.appointment_move(
        appointment=wednesday, starts_at=at("2026-05-07", "14:00"), by=citizen_a.user
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=at("2026-05-05", "13:59")) == 0
        assert services.send_due_reminders(now=at("2026-05-05", "14:00")) == 1
        assert services.send_due_reminders(now=at("2026-05-06", "08:00")) == 0
        assert services.send_due_reminders(now=at("2026-05-07", "12:00")) == 1

    assert [m.subject for m in mail.outbox] == [
        "Rappel : votre rendez-vous du jeudi 7 mai 2026 à 14:00",
        "Rappel : votre rendez-vous du jeudi 7 mai 2026 à 14:00",
    ]


def test_a_type_sets_its_own_reminder_times(wednesday, counter):
    counter.reminder_hours = [24]
    counter.save()

    assert services.send_due_reminders(now=at("2026-05-04", "10:00")) == 0
    assert services.send_due_reminders(now=at("2026-05-05", "10:00")) == 1


def test_the_worker_enqueues_the_reminder_job_every_five_minutes(
    wednesday, time_machine, django_capture_on_commit_callbacks
):
    job = [j for j in PERIODIC_JOBS if j.name == "send_appointment_reminders"]
    time_machine.move_to(at("2026-05-04", "10:00"), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_jobs(jobs=job) == ["send_appointment_reminders"]

    assert AppointmentReminder.objects.get().hours_before == 48
    assert send_appointment_reminders.call() == 0  # already sent: idempotent
