"""Fairness under load, on PostgreSQL: many people booking at the same instant never get
the same seat, and one person racing with themself never gets past the limit.

Each booking runs in its own thread with its own database connection; a barrier lets
them all go at once."""

import threading
from collections import Counter

import pytest
from django.db import connection

from parcours.appointments import services
from parcours.appointments.errors import LimitReached, SlotUnavailable
from parcours.appointments.models import Appointment
from parcours.appointments.slots import slots_between
from tests.factories import PersonFactory, date

from .conftest import details

pytestmark = pytest.mark.django_db(transaction=True)

TUESDAY = date("2026-05-05")


def race(attempts):
    """Run each attempt in its own thread, all released together. Returns the
    appointments booked, the refusals (by type) and any unexpected error."""
    start = threading.Barrier(len(attempts))
    booked, refused, errors = [], [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            start.wait(timeout=60)
            appointment = attempt()
        except (SlotUnavailable, LimitReached) as error:
            with lock:
                refused.append(error)
        except Exception as error:  # reported in the test's thread
            with lock:
                errors.append(error)
        else:
            with lock:
                booked.append(appointment)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return booked, refused, errors


def test_fifty_people_racing_for_the_last_ten_slots_get_ten_bookings_and_forty_clear_refusals(
    counter,
):
    # Only Tuesday is open to booking: 12 slots of one seat; two are already taken.
    counter.horizon_days = 1
    counter.save()
    organisation = counter.organisation
    tuesday = slots_between(counter, first_day=TUESDAY, last_day=TUESDAY)
    assert len(tuesday) == 12
    for slot in tuesday[:2]:
        early = PersonFactory(organisation=organisation)
        services.appointment_book(
            appointment_type=counter,
            starts_at=slot.starts_at,
            person=early,
            by=early.user,
            **details(email=early.email),
        )
    last_ten = [slot.starts_at for slot in tuesday[2:]]
    people = [PersonFactory(organisation=organisation) for _ in range(50)]

    def attempt(n):
        person = people[n]
        return lambda: services.appointment_book(
            appointment_type=counter,
            starts_at=last_ten[n % 10],
            person=person,
            by=person.user,
            **details(email=person.email),
        )

    booked, refused, errors = race([attempt(n) for n in range(50)])

    assert errors == []
    assert len(booked) == 10
    assert len(refused) == 40
    assert all(isinstance(error, SlotUnavailable) for error in refused)
    assert {error.message for error in refused} == {
        "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez-en un autre : "
        "ceux qui sont affichés sont libres à l'instant."
    }
    held = Appointment.objects.filter(appointment_type=counter).holding_seats()
    assert held.count() == 12
    assert Counter(held.values_list("starts_at", "seat")).most_common(1)[0][1] == 1
    assert sorted(a.starts_at for a in booked) == last_ten
    assert not any(
        slot.is_free for slot in slots_between(counter, first_day=TUESDAY, last_day=TUESDAY)
    )


def test_one_person_racing_for_five_slots_at_once_gets_only_one(counter, citizen_a):
    counter.capacity = 3
    counter.save()
    free = [s.starts_at for s in slots_between(counter, first_day=TUESDAY, last_day=TUESDAY)][:5]

    def attempt(starts_at):
        return lambda: services.appointment_book(
            appointment_type=counter,
            starts_at=starts_at,
            person=citizen_a,
            by=citizen_a.user,
            **details(),
        )

    booked, refused, errors = race([attempt(starts_at) for starts_at in free])

    assert errors == []
    assert len(booked) == 1
    assert len(refused) == 4
    assert all(isinstance(error, LimitReached) for error in refused)
    assert Appointment.objects.filter(person=citizen_a).count() == 1
