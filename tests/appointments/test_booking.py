"""Booking, moving and cancelling: who may, which slots, how many, and what the person
is told."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings

from parcours.appointments import services
from parcours.appointments.enums import (
    AppointmentEventKind,
    AppointmentMode,
    AppointmentStatus,
    BookingChannel,
    CancelledBy,
)
from parcours.appointments.errors import (
    AppointmentError,
    LimitReached,
    NotAllowed,
    SlotUnavailable,
)
from parcours.appointments.models import Appointment, AppointmentType
from parcours.cases.enums import EventKind
from parcours.cases.models import CaseEvent
from tests.factories import PersonFactory, ProcedureFactory

from .conftest import at, details

pytestmark = pytest.mark.sqlite

TUESDAY_9 = at("2026-05-05", "09:00")
TUESDAY_930 = at("2026-05-05", "09:30")


def book(appointment_type, person, starts_at=TUESDAY_9, by="self", **overrides):
    return services.appointment_book(
        appointment_type=appointment_type,
        starts_at=starts_at,
        person=person,
        by=person.user if by == "self" else by,
        **details(email=person.email, **overrides),
    )


def test_a_citizen_books_a_free_slot_and_gets_a_confirmation_with_a_calendar_file(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(counter, citizen_a, needs=["interpreter"], interpreter_language="arabe")

    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.starts_at == TUESDAY_9
    assert appointment.ends_at == TUESDAY_9 + datetime.timedelta(minutes=30)
    assert appointment.seat == 1
    assert appointment.organisation == counter.organisation
    assert appointment.procedure == counter.procedure
    assert appointment.mode == AppointmentMode.COUNTER
    assert appointment.channel == BookingChannel.ONLINE
    assert appointment.get_needs_display() == ["Un interprète dans une autre langue (arabe)"]
    assert [e.kind for e in appointment.events.all()] == [AppointmentEventKind.BOOKED]
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Votre rendez-vous est confirmé : mardi 5 mai 2026 à 09:00"
    assert "Apportez un justificatif de domicile." in message.body
    assert "/rendez-vous/gerer/" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "rendez-vous-2026-05-05-09h00.ics"
    assert mimetype == "text/calendar"
    assert "DTSTART:20260505T070000Z" in content
    assert "STATUS:CONFIRMED" in content


def test_a_full_slot_is_refused_with_a_clear_message(counter, citizen_a, citizen_b):
    book(counter, citizen_a)

    with pytest.raises(SlotUnavailable) as refused:
        book(counter, citizen_b)

    assert "Ce créneau vient d'être réservé par quelqu'un d'autre" in refused.value.message
    assert Appointment.objects.count() == 1


def test_a_slot_with_two_desks_takes_two_people_on_two_seats(counter, citizen_a, citizen_b):
    counter.capacity = 2
    counter.save()
    third = PersonFactory(organisation=counter.organisation)

    first, second = book(counter, citizen_a), book(counter, citizen_b)

    assert {first.seat, second.seat} == {1, 2}
    with pytest.raises(SlotUnavailable):
        book(counter, third)


@pytest.mark.parametrize(
    "starts_at",
    [at("2026-05-04", "15:00"), at("2026-05-05", "09:10"), at("2026-05-08", "09:00")],
    ids=["within_the_notice", "off_the_grid", "public_holiday"],
)
def test_a_slot_outside_the_calendar_is_refused(counter, citizen_a, starts_at):
    with pytest.raises(AppointmentError) as refused:
        book(counter, citizen_a, starts_at=starts_at)

    assert refused.value.field == "slot"
    assert "n'est pas ouvert à la réservation" in refused.value.message


def test_a_person_cannot_hold_two_upcoming_appointments_for_the_same_procedure(counter, citizen_a):
    book(counter, citizen_a)

    with pytest.raises(LimitReached) as refused:
        book(counter, citizen_a, starts_at=at("2026-05-12", "10:00"))

    assert refused.value.message.startswith(
        "Vous avez déjà un rendez-vous à venir pour cette démarche, le mardi 5 mai 2026 à 09:00."
    )
    assert "déplacez-le" in refused.value.message
    assert Appointment.objects.count() == 1


def test_the_limit_counts_every_type_of_the_procedure(counter, citizen_a, unit_1):
    by_phone = AppointmentType.objects.create(
        unit=unit_1,
        procedure=counter.procedure,
        mode=AppointmentMode.PHONE,
        name="Poser une question sur l'inscription",
    )
    book(counter, citizen_a)

    with pytest.raises(LimitReached):
        book(by_phone, citizen_a, starts_at=TUESDAY_930)


def test_the_limit_also_counts_bookings_made_without_an_account_with_the_same_address(
    counter, citizen_a
):
    anonymous = PersonFactory(
        organisation=counter.organisation, user=None, email="alice@example.org"
    )
    services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=anonymous,
        by=None,
        verified_email="alice@example.org",
        **details(),
    )

    with pytest.raises(LimitReached):
        book(counter, citizen_a, starts_at=at("2026-05-12", "10:00"))


def test_a_past_or_cancelled_appointment_does_not_count_in_the_limit(
    counter, citizen_a, time_machine
):
    first = book(counter, citizen_a)
    services.appointment_cancel(appointment=first, by=citizen_a.user)

    second = book(counter, citizen_a, starts_at=TUESDAY_930)
    time_machine.move_to(at("2026-05-05", "10:00"), tick=False)
    third = book(counter, citizen_a, starts_at=at("2026-05-07", "09:00"))

    assert second.status == third.status == AppointmentStatus.BOOKED


@override_settings(PARCOURS_APPOINTMENTS_MAX_UPCOMING=2)
def test_a_person_cannot_hold_more_upcoming_appointments_than_the_overall_limit(
    counter, citizen_a, unit_1
):
    other_types = [
        AppointmentType.objects.create(
            unit=unit_1,
            procedure=ProcedureFactory(handling_unit=unit_1),
            mode=AppointmentMode.COUNTER,
            name=f"Autre démarche {n}",
        )
        for n in range(2)
    ]
    book(counter, citizen_a)
    book(other_types[0], citizen_a, starts_at=TUESDAY_930)

    with pytest.raises(LimitReached) as refused:
        book(other_types[1], citizen_a, starts_at=at("2026-05-05", "10:00"))

    assert "Vous avez déjà 2 rendez-vous à venir auprès de cette administration" in (
        refused.value.message
    )


def test_a_citizen_cannot_book_for_someone_else(counter, citizen_a, citizen_b):
    with pytest.raises(NotAllowed):
        book(counter, citizen_b, by=citizen_a.user)

    assert not Appointment.objects.exists()


def test_without_an_account_the_address_must_have_been_proved(counter):
    anonymous = PersonFactory(organisation=counter.organisation, user=None, email="eve@example.org")

    with pytest.raises(NotAllowed):
        services.appointment_book(
            appointment_type=counter,
            starts_at=TUESDAY_9,
            person=anonymous,
            by=None,
            verified_email="mallory@example.org",
            **details(email="eve@example.org"),
        )


def test_an_agent_of_another_unit_cannot_book_for_a_person(counter, citizen_a, agent_2):
    with pytest.raises(NotAllowed):
        book(counter, citizen_a, by=agent_2.user)


def test_an_agent_books_for_a_person_on_the_phone_even_today(counter, citizen_a, agent_1):
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-04", "14:00"),
        person=citizen_a,
        by=agent_1.user,
        channel=BookingChannel.PHONE,
        reason="Question sur la cantine.",
    )

    assert appointment.channel == BookingChannel.PHONE
    assert appointment.booked_by == agent_1.user
    assert appointment.email == ""
    assert mail.outbox == []


def test_what_the_person_says_is_checked(counter, citizen_a):
    with pytest.raises(AppointmentError) as no_reason:
        book(counter, citizen_a, reason="  ")
    with pytest.raises(AppointmentError) as no_language:
        book(counter, citizen_a, needs=["interpreter"])
    with pytest.raises(AppointmentError) as unknown_need:
        book(counter, citizen_a, needs=["valet_parking"])
    with pytest.raises(AppointmentError) as sms_without_phone:
        book(counter, citizen_a, remind_by_sms=True, phone="")

    assert no_reason.value.field == "reason"
    assert no_language.value.field == "interpreter_language"
    assert unknown_need.value.field == "needs"
    assert sms_without_phone.value.field == "phone"


def test_an_inactive_type_cannot_be_booked(counter, citizen_a):
    counter.is_active = False
    counter.save()

    with pytest.raises(AppointmentError) as refused:
        book(counter, citizen_a)

    assert refused.value.field == "appointment_type"


def test_a_person_moves_their_appointment_and_the_old_slot_is_free_at_once(
    counter, citizen_a, citizen_b, django_capture_on_commit_callbacks
):
    appointment = book(counter, citizen_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_move(
            appointment=appointment, starts_at=at("2026-05-06", "14:00"), by=citizen_a.user
        )

    appointment.refresh_from_db()
    assert appointment.starts_at == at("2026-05-06", "14:00")
    assert appointment.ics_sequence == 1
    assert book(counter, citizen_b).starts_at == TUESDAY_9
    moved = mail.outbox[0]
    assert moved.subject == "Votre rendez-vous est déplacé : mercredi 6 mai 2026 à 14:00"
    assert "Votre rendez-vous du mardi 5 mai 2026 à 09:00 est déplacé." in moved.body
    assert "SEQUENCE:1" in moved.attachments[0][1]
    event = appointment.events.get(kind=AppointmentEventKind.MOVED)
    assert event.data["from"].startswith("2026-05-05T07:00")


def test_an_appointment_cannot_be_moved_onto_a_taken_slot(counter, citizen_a, citizen_b):
    appointment = book(counter, citizen_a)
    book(counter, citizen_b, starts_at=TUESDAY_930)

    with pytest.raises(SlotUnavailable):
        services.appointment_move(appointment=appointment, starts_at=TUESDAY_930, by=citizen_a.user)


def test_a_person_cancels_and_is_told_with_a_cancelling_calendar_file(
    counter, citizen_a, django_capture_on_commit_callbacks
):
    appointment = book(counter, citizen_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, by=citizen_a.user, reason="Empêchée")

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by == CancelledBy.PERSON
    (message,) = mail.outbox
    assert message.subject == "Votre rendez-vous du mardi 5 mai 2026 à 09:00 est annulé"
    assert "STATUS:CANCELLED" in message.attachments[0][1]


def test_a_person_cannot_cancel_online_within_the_notice_but_is_told_whom_to_call(
    counter, citizen_a, time_machine
):
    appointment = book(counter, citizen_a)
    time_machine.move_to(at("2026-05-05", "07:30"), tick=False)

    with pytest.raises(AppointmentError) as refused:
        services.appointment_cancel(appointment=appointment, by=citizen_a.user)

    assert refused.value.message == (
        "Votre rendez-vous est trop proche pour être annulé en ligne : appelez le service "
        "au 02 38 00 00 01."
    )


def test_someone_else_cannot_cancel_a_persons_appointment(counter, citizen_a, citizen_b):
    appointment = book(counter, citizen_a)

    with pytest.raises(NotAllowed):
        services.appointment_cancel(appointment=appointment, by=citizen_b.user)
    with pytest.raises(NotAllowed):
        services.appointment_cancel(appointment=appointment, by=None)

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_the_service_cancels_with_a_reason_said_to_the_person(
    counter, citizen_a, agent_1, django_capture_on_commit_callbacks
):
    appointment = book(counter, citizen_a)

    with pytest.raises(AppointmentError):
        services.appointment_cancel(appointment=appointment, by=agent_1.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(
            appointment=appointment, by=agent_1.user, reason="l'agent est absent"
        )

    appointment.refresh_from_db()
    assert appointment.cancelled_by == CancelledBy.SERVICE
    assert (
        "Le service a annulé votre rendez-vous du mardi 5 mai 2026 à 09:00 : l'agent est absent."
        in (mail.outbox[0].body)
    )


def test_a_cancelled_appointment_cannot_be_cancelled_or_moved_again(counter, citizen_a):
    appointment = book(counter, citizen_a)
    services.appointment_cancel(appointment=appointment, by=citizen_a.user)

    with pytest.raises(AppointmentError, match="déjà annulé"):
        services.appointment_cancel(appointment=appointment, by=citizen_a.user)
    with pytest.raises(AppointmentError, match="déjà annulé"):
        services.appointment_move(appointment=appointment, starts_at=TUESDAY_930, by=citizen_a.user)


def test_an_agent_checks_in_a_person_on_the_day_and_notes_join_the_case_history(
    counter, citizen_a, agent_1, time_machine, submitted
):
    appointment = book(counter, citizen_a, case=submitted)

    with pytest.raises(AppointmentError, match="le jour du rendez-vous"):
        services.appointment_check_in(appointment=appointment, by=agent_1.user)
    time_machine.move_to(at("2026-05-05", "08:55"), tick=False)
    services.appointment_check_in(appointment=appointment, by=agent_1.user)
    services.appointment_add_note(
        appointment=appointment, by=agent_1.user, text="Justificatif de domicile vérifié."
    )

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN
    assert appointment.checked_in_at == at("2026-05-05", "08:55")
    note = CaseEvent.objects.get(case=submitted, kind=EventKind.NOTE)
    assert note.reason == "Justificatif de domicile vérifié."
    assert note.visible_to_citizen is False
    assert note.actor == agent_1.user
    assert appointment.events.filter(kind=AppointmentEventKind.NOTE).count() == 1


def test_an_absence_is_noted_only_once_the_time_has_come(counter, citizen_a, agent_1, time_machine):
    appointment = book(counter, citizen_a)

    with pytest.raises(AppointmentError, match="Attendez l'heure"):
        services.appointment_mark_no_show(appointment=appointment, by=agent_1.user)
    time_machine.move_to(at("2026-05-05", "09:20"), tick=False)
    services.appointment_mark_no_show(appointment=appointment, by=agent_1.user)

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


@pytest.mark.parametrize(
    "action",
    [
        lambda a, by: services.appointment_check_in(appointment=a, by=by),
        lambda a, by: services.appointment_mark_no_show(appointment=a, by=by),
        lambda a, by: services.appointment_add_note(appointment=a, by=by, text="Note"),
        lambda a, by: services.appointment_assign(appointment=a, agent=None, by=by),
    ],
    ids=["check_in", "no_show", "note", "assign"],
)
def test_only_agents_of_the_unit_act_on_the_day(counter, citizen_a, agent_2, action):
    appointment = book(counter, citizen_a)

    with pytest.raises(NotAllowed):
        action(appointment, citizen_a.user)
    with pytest.raises(NotAllowed):
        action(appointment, agent_2.user)


def test_a_unit_closure_cancels_the_appointments_in_it_and_tells_each_person(
    counter, citizen_a, citizen_b, manager, unit_1, django_capture_on_commit_callbacks
):
    inside = book(counter, citizen_a)
    also_inside = book(counter, citizen_b, starts_at=at("2026-05-06", "16:30"))
    third = PersonFactory(organisation=counter.organisation)
    after = book(counter, third, starts_at=at("2026-05-07", "09:00"))

    with django_capture_on_commit_callbacks(execute=True):
        closure, cancelled = services.closure_create(
            unit=unit_1,
            starts_at=at("2026-05-05", "00:00"),
            ends_at=at("2026-05-07", "00:00"),
            reason="dégât des eaux",
            by=manager.user,
        )

    assert {a.pk for a in cancelled} == {inside.pk, also_inside.pk}
    for appointment in (inside, also_inside):
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.cancelled_by == CancelledBy.CLOSURE
    after.refresh_from_db()
    assert after.status == AppointmentStatus.BOOKED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen_a.email, citizen_b.email])
    assert (
        "Nous devons annuler votre rendez-vous du mardi 5 mai 2026 à 09:00 : le service sera "
        "exceptionnellement fermé (dégât des eaux)."
    ) in next(m for m in mail.outbox if m.to == [citizen_a.email]).body
    assert closure.unit == unit_1


def test_only_a_manager_of_the_unit_declares_a_closure(unit_1, agent_1, agent_2, counter):
    for user in (agent_1.user, agent_2.user):
        with pytest.raises(NotAllowed):
            services.closure_create(
                unit=unit_1,
                starts_at=at("2026-05-05", "00:00"),
                ends_at=at("2026-05-06", "00:00"),
                reason="Travaux",
                by=user,
            )


def test_the_database_itself_refuses_a_second_holder_of_a_seat(counter, citizen_a, citizen_b):
    first = book(counter, citizen_a)
    same_seat = {
        "organisation": counter.organisation,
        "appointment_type": counter,
        "unit": counter.unit,
        "person": citizen_b,
        "mode": counter.mode,
        "starts_at": first.starts_at,
        "ends_at": first.ends_at,
        "seat": first.seat,
        "reason": "Forcer la porte",
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(**same_seat)
    services.appointment_cancel(appointment=first, by=citizen_a.user)
    assert Appointment.objects.create(**same_seat).seat == 1
