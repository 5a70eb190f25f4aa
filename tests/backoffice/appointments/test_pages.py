"""The agents' appointments: the day and the week of their unit, each appointment with
check-in, absence, notes and cancellation, and booking for a person on the phone."""

from html import unescape
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from parcours.appointments import services
from parcours.appointments.enums import AppointmentStatus, BookingChannel, CancelledBy
from parcours.appointments.models import Appointment
from parcours.appointments.slots import slot_value
from parcours.cases.enums import EventKind
from parcours.cases.models import CaseEvent
from tests.appointments.conftest import at, details
from tests.backoffice.conftest import verified

pytestmark = pytest.mark.sqlite

TUESDAY_9 = at("2026-05-05", "09:00")


@pytest.fixture
def booked(counter, citizen_a):
    return services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=citizen_a,
        by=citizen_a.user,
        **details(needs=["reduced_mobility"]),
    )


def day_url(unit, **params) -> str:
    url = reverse("backoffice:appointments_day", args=[unit.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_day_lists_the_units_appointments_with_what_to_prepare(
    as_agent, agent_1, unit_1, booked
):
    response = as_agent(agent_1).get(day_url(unit_1, date="2026-05-05"))

    assert response.status_code == HTTPStatus.OK
    assert "Rendez-vous du mardi 5 mai 2026" in response.text
    assert "Alice Durand" in response.text
    assert "09:00 – 09:30" in response.text
    assert "Un accueil adapté à la mobilité réduite" in response.text


def test_the_day_of_one_agent_shows_only_the_people_they_receive(
    as_agent, agent_1, manager, unit_1, booked
):
    client = as_agent(agent_1)
    services.appointment_assign(appointment=booked, agent=manager, by=agent_1.user)

    mine = client.get(day_url(unit_1, date="2026-05-05", agent=agent_1.pk))
    theirs = client.get(day_url(unit_1, date="2026-05-05", agent=manager.pk))

    assert "Alice Durand" not in mine.text
    assert "Alice Durand" in theirs.text


def test_the_week_shows_each_day_with_its_appointments(as_agent, agent_1, unit_1, booked):
    response = as_agent(agent_1).get(
        reverse("backoffice:appointments_week", args=[unit_1.slug]) + "?du=2026-05-06"
    )

    assert response.status_code == HTTPStatus.OK
    assert "Semaine du 4 mai au 10 mai 2026" in response.text
    assert "Mardi 5 mai" in response.text
    assert reverse("backoffice:appointment", args=[booked.pk]) in response.text


def test_an_agent_of_another_unit_sees_neither_the_day_nor_the_appointment(
    as_agent, agent_2, unit_1, booked
):
    client = as_agent(agent_2)

    assert client.get(day_url(unit_1)).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(reverse("backoffice:appointment", args=[booked.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    response = client.post(reverse("backoffice:appointment_check_in", args=[booked.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_citizen_and_a_visitor_are_kept_out(client, citizen_a, unit_1, booked):
    anonymous = client.get(day_url(unit_1))
    verified(client, citizen_a.user)
    citizen = client.get(reverse("backoffice:appointment", args=[booked.pk]))

    assert anonymous.status_code == HTTPStatus.FOUND
    assert citizen.status_code == HTTPStatus.FORBIDDEN


def test_the_agent_checks_the_person_in_on_the_day(as_agent, agent_1, booked, time_machine):
    client = as_agent(agent_1)
    url = reverse("backoffice:appointment", args=[booked.pk])
    assert "La personne est arrivée" not in client.get(url).text
    time_machine.move_to(at("2026-05-05", "08:58"), tick=False)

    assert "La personne est arrivée" in client.get(url).text
    response = client.post(reverse("backoffice:appointment_check_in", args=[booked.pk]))

    booked.refresh_from_db()
    assert response["Location"] == url
    assert booked.status == AppointmentStatus.CHECKED_IN
    assert "Arrivée de Alice Durand enregistrée." in client.get(url).text


def test_the_agent_notes_an_absence_once_the_time_has_come(as_agent, agent_1, booked, time_machine):
    client = as_agent(agent_1)
    early = client.post(reverse("backoffice:appointment_no_show", args=[booked.pk]), follow=True)
    time_machine.move_to(at("2026-05-05", "09:20"), tick=False)
    client.post(reverse("backoffice:appointment_no_show", args=[booked.pk]))

    assert "Attendez l'heure du rendez-vous pour noter une absence." in unescape(early.text)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.NO_SHOW


def test_a_note_joins_the_case_history_and_an_empty_one_is_refused(
    as_agent, agent_1, counter, citizen_a, procedure, monkeypatch
):
    from parcours.cases import services as case_services
    from tests.factories import CaseFactory

    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)
    case = case_services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
    )
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=TUESDAY_9,
        person=citizen_a,
        by=citizen_a.user,
        case=case,
        **details(),
    )
    client = as_agent(agent_1)
    url = reverse("backoffice:appointment_note", args=[appointment.pk])

    empty = client.post(url, {"text": " "})
    client.post(url, {"text": "A apporté le livret de famille."})

    assert empty.status_code == HTTPStatus.OK
    assert "Écrivez la note avant de l'enregistrer." in unescape(empty.text)
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert note.reason == "A apporté le livret de famille."
    assert not note.visible_to_citizen
    page = client.get(reverse("backoffice:appointment", args=[appointment.pk])).text
    assert "A apporté le livret de famille." in page


def test_the_service_cancels_with_a_reason(as_agent, agent_1, booked):
    client = as_agent(agent_1)
    url = reverse("backoffice:appointment_cancel", args=[booked.pk])

    refused = client.post(url, {"reason": ""})
    client.post(url, {"reason": "Agent absent"})

    assert "Indiquez le motif de l'annulation" in unescape(refused.text)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancelled_by == CancelledBy.SERVICE


def test_the_agent_receives_the_person_and_sees_their_other_appointments(
    as_agent, agent_1, counter, booked, citizen_a, time_machine
):
    client = as_agent(agent_1)
    client.post(reverse("backoffice:appointment_take", args=[booked.pk]))
    time_machine.move_to(at("2026-05-05", "10:00"), tick=False)
    later = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-12", "10:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )

    page = client.get(reverse("backoffice:appointment", args=[later.pk])).text

    booked.refresh_from_db()
    assert booked.agent == agent_1
    assert "Ses autres rendez-vous" in page
    assert reverse("backoffice:appointment", args=[booked.pk]) in page


def test_an_agent_books_for_a_person_on_the_phone_step_by_step(
    as_agent, agent_1, unit_1, counter, citizen_b
):
    client = as_agent(agent_1)
    url = reverse("backoffice:appointment_book", args=[unit_1.slug])

    search = client.get(url + "?q=petit")
    assert f"personne={citizen_b.pk}" in search.text
    types = client.get(f"{url}?personne={citizen_b.pk}")
    assert f"type={counter.pk}" in types.text
    slots = client.get(f"{url}?personne={citizen_b.pk}&type={counter.pk}")
    # Agents may book today, without the online notice.
    assert slot_value(at("2026-05-04", "09:00")) in slots.text
    chosen = f"{url}?personne={citizen_b.pk}&type={counter.pk}&slot={slot_value(TUESDAY_9)}"
    assert 'value="bruno@example.org"' in client.get(chosen).text
    response = client.post(
        chosen,
        {
            "slot": slot_value(TUESDAY_9),
            "channel": BookingChannel.PHONE,
            "reason": "Question sur l'inscription.",
            "email": "bruno@example.org",
            "needs": ["interpreter"],
            "interpreter_language": "portugais",
        },
    )

    appointment = Appointment.objects.get()
    assert response["Location"] == reverse("backoffice:appointment", args=[appointment.pk])
    assert appointment.person == citizen_b
    assert appointment.channel == BookingChannel.PHONE
    assert appointment.booked_by == agent_1.user
    assert appointment.interpreter_language == "portugais"


def test_an_agent_records_a_new_person_to_book_for_them(as_agent, agent_1, unit_1):
    client = as_agent(agent_1)
    url = reverse("backoffice:appointment_book", args=[unit_1.slug])

    refused = client.post(url, {"given_name": "Jeanne", "family_name": "Roux"})
    response = client.post(
        url, {"given_name": "Jeanne", "family_name": "Roux", "phone": "06 11 22 33 44"}
    )

    assert "Indiquez au moins un moyen de la joindre" in refused.text
    assert "personne=" in response["Location"]


def test_the_hoarding_limit_holds_for_agents_too(
    as_agent, agent_1, unit_1, counter, citizen_a, booked
):
    client = as_agent(agent_1)
    url = (
        reverse("backoffice:appointment_book", args=[unit_1.slug])
        + f"?personne={citizen_a.pk}&type={counter.pk}"
    )
    starts = at("2026-05-06", "09:00")

    response = client.post(
        url + f"&slot={slot_value(starts)}",
        {"slot": slot_value(starts), "channel": "phone", "reason": "Encore", "email": ""},
    )

    assert response.status_code == HTTPStatus.OK
    assert "Cette personne a déjà un rendez-vous à venir pour cette démarche" in response.text
    assert Appointment.objects.count() == 1


def test_a_manager_closes_the_unit_and_the_people_booked_are_told(
    as_agent, manager, unit_1, booked, django_capture_on_commit_callbacks
):
    client = as_agent(manager)
    url = reverse("backoffice:appointment_closure", args=[unit_1.slug])
    assert "Fermeture exceptionnelle" in client.get(day_url(unit_1)).text

    refused = client.post(url, {"starts_on": "05/05/2026", "ends_on": "04/05/2026"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "starts_on": "05/05/2026",
                "starts_at": "00:00",
                "ends_on": "05/05/2026",
                "ends_at": "23:59",
                "reason": "formation du personnel",
            },
        )

    assert "Indiquez le motif de la fermeture" in unescape(refused.text)
    assert response.status_code == HTTPStatus.FOUND
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancelled_by == CancelledBy.CLOSURE
    (message,) = [m for m in mail.outbox if "annulé" in m.subject]
    assert "formation du personnel" in message.body


def test_only_a_manager_of_the_unit_closes_it(as_agent, agent_1, manager_2, unit_1):
    url = reverse("backoffice:appointment_closure", args=[unit_1.slug])

    assert as_agent(agent_1).get(url).status_code == HTTPStatus.FORBIDDEN
    assert as_agent(manager_2).get(url).status_code == HTTPStatus.NOT_FOUND
