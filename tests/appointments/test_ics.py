"""The calendar file: one event per appointment, same UID for its whole life, a
SEQUENCE that grows when it changes, the place or the way of meeting."""

import pytest
from icalendar import Calendar

from parcours.appointments import services
from parcours.appointments.enums import AppointmentMode
from parcours.appointments.ics import appointment_ics, filename
from parcours.appointments.links import manage_url

from .conftest import at, details

pytestmark = pytest.mark.sqlite


def event_of(appointment):
    calendar = Calendar.from_ical(appointment_ics(appointment, manage_url=manage_url(appointment)))
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_event_says_when_where_why_and_how_to_change_it(counter, citizen_a):
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-05", "09:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    event = event_of(appointment)

    assert event.decoded("dtstart") == at("2026-05-05", "09:00")
    assert event.decoded("dtend") == at("2026-05-05", "09:30")
    assert str(event["summary"]) == "Rendez-vous : Déposer le dossier d'inscription"
    assert str(event["location"]) == "Service Éducation, 1 place de la Mairie, 45000 Bellerive"
    assert "Objet : Inscrire ma fille en CP." in str(event["description"])
    assert "Apportez un justificatif de domicile." in str(event["description"])
    assert str(event["url"]) == manage_url(appointment)
    assert str(event["status"]) == "CONFIRMED"
    assert filename(appointment) == "rendez-vous-2026-05-05-09h00.ics"


def test_a_moved_then_cancelled_appointment_keeps_its_uid_with_a_growing_sequence(
    counter, citizen_a
):
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-05", "09:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )
    first = event_of(appointment)
    services.appointment_move(
        appointment=appointment, starts_at=at("2026-05-05", "10:00"), by=citizen_a.user
    )
    appointment.refresh_from_db()
    moved = event_of(appointment)
    services.appointment_cancel(appointment=appointment, by=citizen_a.user)
    appointment.refresh_from_db()
    cancelled = event_of(appointment)

    assert str(first["uid"]) == str(moved["uid"]) == str(cancelled["uid"])
    assert [first["sequence"], moved["sequence"], cancelled["sequence"]] == [0, 1, 2]
    assert str(cancelled["status"]) == "CANCELLED"


def test_a_phone_appointment_says_the_service_calls(counter, citizen_a):
    counter.mode = AppointmentMode.PHONE
    counter.save()
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-05", "09:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    assert str(event_of(appointment)["location"]) == "Par téléphone : le service vous appelle"
