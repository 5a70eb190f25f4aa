"""The waiting list: a freed slot goes to the first person waiting for it, by email,
held for a limited time; then to the next; and nobody else can take it meanwhile."""

import pytest
from django.core import mail

from parcours.appointments import services
from parcours.appointments.enums import AppointmentStatus, WaitingStatus
from parcours.appointments.errors import (
    AppointmentError,
    LimitReached,
    NotAllowed,
    SlotUnavailable,
)
from parcours.appointments.models import Appointment, WaitingListEntry
from parcours.appointments.slots import find_slot
from tests.factories import PersonFactory, date

from .conftest import at, details

pytestmark = pytest.mark.sqlite

TUESDAY_9 = at("2026-05-05", "09:00")


@pytest.fixture
def taken(counter, citizen_b):
    """Tuesday 9:00 is booked by citizen B."""
    return services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=citizen_b,
        by=citizen_b.user,
        **details(email=citizen_b.email),
    )


def join(appointment_type, person, **overrides):
    return services.waiting_list_join(
        appointment_type=appointment_type,
        person=person,
        by=person.user,
        **details(email=person.email, **overrides),
    )


def test_joining_the_list_is_confirmed_by_email_with_a_link_to_leave_it(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(counter, citizen_a)

    assert entry.status == WaitingStatus.WAITING
    assert entry.details["reason"] == "Inscrire ma fille en CP."
    (message,) = mail.outbox
    assert message.subject == (
        "Vous êtes sur la liste d'attente : Déposer le dossier d'inscription"
    )
    assert "/rendez-vous/liste-attente/" in message.body


def test_a_person_is_on_a_list_once(counter, citizen_a):
    join(counter, citizen_a)

    with pytest.raises(AppointmentError, match="déjà sur la liste d'attente"):
        join(counter, citizen_a)


def test_a_person_who_holds_the_maximum_cannot_wait_for_more(counter, citizen_a):
    services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    with pytest.raises(LimitReached):
        join(counter, citizen_a)


def test_a_freed_slot_is_offered_to_the_first_person_who_joined_and_held_for_them(
    counter, citizen_a, taken, citizen_b, django_capture_on_commit_callbacks
):
    first = join(counter, citizen_a)
    second_person = PersonFactory(organisation=counter.organisation)
    second = join(counter, second_person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=taken, by=citizen_b.user)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingStatus.OFFERED
    assert first.offered_starts_at == TUESDAY_9
    # Two hours at most, and no later than online booking closes, 24 hours before.
    assert first.offer_expires_at == at("2026-05-04", "09:00")
    assert second.status == WaitingStatus.WAITING
    offer = next(m for m in mail.outbox if m.to == [citizen_a.email])
    assert offer.subject == "Un créneau s'est libéré pour vous : mardi 5 mai 2026 à 09:00"
    assert "Il vous est réservé jusqu'au lundi 4 mai 2026 à 09:00." in offer.body
    # Held: nobody else can book it meanwhile.
    assert find_slot(counter, TUESDAY_9).free == 0
    with pytest.raises(SlotUnavailable):
        services.appointment_book(
            appointment_type=counter,
            starts_at=TUESDAY_9,
            person=second_person,
            by=second_person.user,
            **details(email=second_person.email),
        )


def test_taking_the_offer_books_it_with_what_was_said_when_joining(
    counter, citizen_a, taken, citizen_b
):
    entry = join(counter, citizen_a, needs=["sign_language"])
    services.appointment_cancel(appointment=taken, by=citizen_b.user)
    entry.refresh_from_db()

    appointment = services.offer_accept(entry=entry, by=None)

    entry.refresh_from_db()
    assert appointment.person == citizen_a
    assert appointment.starts_at == TUESDAY_9
    assert appointment.needs == ["sign_language"]
    assert entry.status == WaitingStatus.BOOKED
    assert entry.appointment == appointment


def test_an_offer_declined_goes_to_the_next_and_the_first_keeps_their_place(
    counter, citizen_a, taken, citizen_b
):
    first = join(counter, citizen_a)
    second = join(counter, PersonFactory(organisation=counter.organisation))
    services.appointment_cancel(appointment=taken, by=citizen_b.user)
    first.refresh_from_db()

    services.offer_decline(entry=first)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingStatus.WAITING
    assert second.status == WaitingStatus.OFFERED
    assert second.offered_starts_at == TUESDAY_9


def test_an_offer_not_taken_in_time_expires_and_goes_to_the_next(
    counter, citizen_a, taken, citizen_b, time_machine
):
    counter.min_notice_hours = 2
    counter.save()
    first = join(counter, citizen_a)
    second = join(counter, PersonFactory(organisation=counter.organisation))
    services.appointment_cancel(appointment=taken, by=citizen_b.user)
    time_machine.move_to(at("2026-05-04", "10:01"), tick=False)

    assert services.expire_offers() == 1
    assert services.expire_offers() == 0  # idempotent

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingStatus.EXPIRED
    assert second.status == WaitingStatus.OFFERED
    with pytest.raises(AppointmentError):  # the link of the expired offer
        services.offer_accept(entry=WaitingListEntry.objects.get(pk=first.pk), by=None)


def test_a_late_answer_to_an_offer_is_refused_politely(
    counter, citizen_a, taken, citizen_b, time_machine
):
    entry = join(counter, citizen_a)
    services.appointment_cancel(appointment=taken, by=citizen_b.user)
    entry.refresh_from_db()
    time_machine.move_to(at("2026-05-04", "10:30"), tick=False)

    with pytest.raises(AppointmentError) as refused:
        services.offer_accept(entry=entry, by=None)

    assert "Cette proposition n'est plus valable" in refused.value.message
    assert not Appointment.objects.filter(person=citizen_a).exists()


def test_a_slot_is_offered_only_to_people_available_that_day(counter, citizen_a, taken, citizen_b):
    not_yet = join(counter, citizen_a, earliest_on=date("2026-05-10"))
    available = join(counter, PersonFactory(organisation=counter.organisation))

    services.appointment_cancel(appointment=taken, by=citizen_b.user)

    not_yet.refresh_from_db()
    available.refresh_from_db()
    assert not_yet.status == WaitingStatus.WAITING
    assert available.status == WaitingStatus.OFFERED


def test_without_anyone_waiting_a_freed_slot_is_free_at_once(counter, taken, citizen_b):
    services.appointment_cancel(appointment=taken, by=citizen_b.user)

    assert find_slot(counter, TUESDAY_9).free == 1


def test_a_slot_freed_too_close_to_its_time_to_be_booked_online_is_not_offered(
    counter, citizen_a, citizen_b, agent_1
):
    entry = join(counter, citizen_a)
    # An agent booked this afternoon for someone, within the 24 hours' online notice.
    this_afternoon = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-04", "16:00"),
        person=citizen_b,
        by=agent_1.user,
        reason="Urgence",
    )

    services.appointment_cancel(
        appointment=this_afternoon, by=agent_1.user, reason="Réglé par téléphone"
    )

    entry.refresh_from_db()
    assert entry.status == WaitingStatus.WAITING


def test_leaving_the_list_while_offered_passes_the_slot_to_the_next(
    counter, citizen_a, taken, citizen_b
):
    first = join(counter, citizen_a)
    second = join(counter, PersonFactory(organisation=counter.organisation))
    services.appointment_cancel(appointment=taken, by=citizen_b.user)
    first.refresh_from_db()

    services.waiting_list_leave(entry=first, by=citizen_a.user)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingStatus.LEFT
    assert second.status == WaitingStatus.OFFERED


def test_booking_by_oneself_takes_the_person_off_the_list(counter, citizen_a):
    entry = join(counter, citizen_a)

    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    entry.refresh_from_db()
    assert entry.status == WaitingStatus.BOOKED
    assert entry.appointment == appointment
    assert appointment.status == AppointmentStatus.BOOKED


def test_someone_else_cannot_leave_a_persons_list(counter, citizen_a, citizen_b):
    entry = join(counter, citizen_a)

    with pytest.raises(NotAllowed):
        services.waiting_list_leave(entry=entry, by=citizen_b.user)

    entry.refresh_from_db()
    assert entry.status == WaitingStatus.WAITING
