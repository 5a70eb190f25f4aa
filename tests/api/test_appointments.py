"""Appointments in the API: free slots, booking for a person, reading, cancelling.

The unit of tests/appointments/conftest.py: open Monday to Friday, 9:00–12:00 and
14:00–17:00, a 30-minute counter type for one person at a time; the clock on Monday
4 May 2026, 8:00 in Paris.
"""

# The fixtures of tests/appointments are imported below, and named again as arguments.
# ruff: noqa: F811

import datetime
from http import HTTPStatus

import pytest
from django.core import mail

from parcours.api.models import ApiToken, token_hash
from parcours.api.services import api_token_revoke
from parcours.appointments import services
from parcours.appointments.enums import AppointmentMode, AppointmentStatus, BookingChannel
from parcours.appointments.models import Appointment, AppointmentType
from parcours.people.models import Person
from tests.appointments.conftest import (  # noqa: F401 - the unit's hours and type
    at,
    counter,
    on_monday_morning,
    opening_hours,
)
from tests.factories import AgentFactory, OrganisationFactory, PersonFactory, UnitFactory

from .conftest import only_error

pytestmark = pytest.mark.sqlite

TUESDAY_9 = at("2026-05-05", "09:00")


@pytest.fixture
def other_agent(db):
    """An agent of another administration, with a unit and a type of its own."""
    unit = UnitFactory(organisation=OrganisationFactory(), slug="accueil")
    AppointmentType.objects.create(
        unit=unit, mode=AppointmentMode.PHONE, name="Une question", duration_minutes=30
    )
    return AgentFactory(unit=unit)


def availability(counter, **params) -> dict:
    return {
        "unit": "education",
        "type": counter.pk,
        "from": "2026-05-04",
        "to": "2026-05-05",
        **params,
    }


def booking(counter, **fields) -> dict:
    return {
        "type": counter.pk,
        "starts_at": "2026-05-05T09:00:00+02:00",
        "reason": "Inscrire sa fille en CP.",
        **fields,
    }


def book(counter, person, starts_at=TUESDAY_9, by=None):
    return services.appointment_book(
        appointment_type=counter,
        starts_at=starts_at,
        person=person,
        by=by or person.user,
        reason="Inscrire mon fils.",
        email=person.email,
    )


# ---------------------------------------------------------------------------
# GET /appointments/availability


def test_an_agent_gets_the_free_slots_day_by_day_on_the_units_clocks(
    api, agent_1, counter, citizen_b
):
    book(counter, citizen_b, starts_at=at("2026-05-05", "09:30"))

    response = api(agent_1).get("/appointments/availability", availability(counter))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["unit"] == {"slug": "education", "name": "Service Éducation"}
    assert body["type"]["id"] == counter.pk
    assert body["type"]["procedure"] == {"code": "SCO", "title": "Inscription scolaire"}
    assert body["timezone"] == "Europe/Paris"
    assert [day["date"] for day in body["days"]] == ["2026-05-04", "2026-05-05"]
    # An agent books from now on: this morning's slots are offered.
    monday, tuesday = (day["slots"] for day in body["days"])
    assert monday[0] == {
        "starts_at": "2026-05-04T09:00:00+02:00",
        "ends_at": "2026-05-04T09:30:00+02:00",
        "free": 1,
    }
    assert len(monday) == 12
    tuesday_starts = [slot["starts_at"][11:16] for slot in tuesday]
    assert "09:30" not in tuesday_starts
    assert tuesday_starts[:2] == ["09:00", "10:00"]


def test_an_agent_of_another_unit_of_the_organisation_sees_the_free_slots_too(
    api, agent_2, counter
):
    response = api(agent_2).get("/appointments/availability", availability(counter))

    assert response.status_code == HTTPStatus.OK


def test_the_availability_of_another_organisations_unit_is_a_404(api, other_agent, counter):
    response = api(other_agent).get("/appointments/availability", availability(counter))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "unit"


def test_a_type_of_another_unit_is_a_404_naming_the_type(api, agent_1, counter, unit_2):
    other_type = AppointmentType.objects.create(
        unit=unit_2, mode=AppointmentMode.COUNTER, name="Voirie"
    )

    response = api(agent_1).get(
        "/appointments/availability", availability(counter, type=other_type.pk)
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response) == {
        "field": "type",
        "code": "not_found",
        "message": "Nous ne trouvons pas cet élément, ou vous n'y avez pas accès.",
    }


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"from": None}, "from", "required"),
        ({"from": "05/05/2026"}, "from", "invalid"),
        ({"to": "2026-05-03"}, "to", "invalid"),
        ({"to": "2026-06-04"}, "to", "invalid"),
        ({"type": "counter"}, "type", "invalid"),
        ({"unit": None}, "unit", "required"),
    ],
)
def test_a_wrong_or_too_long_range_is_a_422_naming_the_field(
    api, agent_1, counter, params, field, code
):
    query = {k: v for k, v in availability(counter, **params).items() if v is not None}

    response = api(agent_1).get("/appointments/availability", query)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == field
    assert only_error(response)["code"] == code


def test_31_days_may_be_asked_at_once(api, agent_1, counter):
    response = api(agent_1).get(
        "/appointments/availability", availability(counter, to="2026-06-03")
    )

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["days"]) == 31


def test_the_range_error_speaks_english_when_asked(api, agent_1, counter):
    response = api(agent_1).get(
        "/appointments/availability",
        {k: v for k, v in availability(counter).items() if k != "from"},
        headers={"Accept-Language": "en"},
    )

    assert only_error(response)["message"] == "This field is required."


# ---------------------------------------------------------------------------
# POST /appointments


def test_an_agent_books_for_a_person_who_gets_the_confirmation_with_its_calendar_file(
    api, agent_1, counter, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(agent_1).post(
            "/appointments",
            booking(
                counter,
                person=citizen_a.pk,
                channel="counter",
                needs=["interpreter", "reduced_mobility"],
                interpreter_language="arabe",
                accessibility_note="Fauteuil roulant.",
            ),
        )

    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    appointment = Appointment.objects.get()
    assert body["id"] == appointment.pk
    assert body["starts_at"] == "2026-05-05T09:00:00+02:00"
    assert body["status"] == "booked"
    assert body["person"]["name"] == "Alice Durand"
    assert body["person_recorded"] is False
    assert body["needs"] == ["interpreter", "reduced_mobility"]
    assert body["events"][0]["kind"] == "booked"
    assert (appointment.person, appointment.booked_by) == (citizen_a, agent_1.user)
    assert appointment.channel == BookingChannel.COUNTER
    assert appointment.email == "alice@example.org"
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Votre rendez-vous est confirmé : mardi 5 mai 2026 à 09:00"
    ((filename, content, mimetype),) = message.attachments
    assert filename == "rendez-vous-2026-05-05-09h00.ics"
    assert mimetype == "text/calendar"
    assert "STATUS:CONFIRMED" in content


def test_a_time_without_offset_is_read_on_the_units_clocks(api, agent_1, counter, citizen_a):
    response = api(agent_1).post(
        "/appointments", booking(counter, person=citizen_a.pk, starts_at="2026-05-05T09:00:00")
    )

    assert response.status_code == HTTPStatus.CREATED
    assert Appointment.objects.get().starts_at == TUESDAY_9


def test_an_agent_books_for_someone_unknown_who_is_recorded_with_their_phone(
    api, agent_1, counter, organisation
):
    response = api(agent_1).post(
        "/appointments",
        booking(counter, given_name="Jeanne", family_name="Leroy", phone="06 11 22 33 44"),
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["person_recorded"] is True
    person = Person.objects.get(given_name="Jeanne")
    assert (person.organisation, person.phone, person.user) == (
        organisation,
        "06 11 22 33 44",
        None,
    )
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.channel, appointment.email) == (
        person,
        BookingChannel.PHONE,
        "",
    )
    assert not mail.outbox


def test_a_person_known_by_name_and_address_is_found_not_recorded_twice(
    api, agent_1, counter, organisation
):
    known = PersonFactory(
        organisation=organisation,
        offline=True,
        given_name="Jeanne",
        family_name="Leroy",
        email="jeanne@example.org",
    )

    response = api(agent_1).post(
        "/appointments",
        booking(counter, given_name="jeanne", family_name="LEROY", email="Jeanne@Example.org"),
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["person"]["id"] == known.pk
    assert response.json()["person_recorded"] is False
    assert Person.objects.filter(given_name__iexact="jeanne").count() == 1


def test_a_taken_slot_is_a_409_with_a_clear_message(api, agent_1, counter, citizen_a, citizen_b):
    book(counter, citizen_b)

    response = api(agent_1).post("/appointments", booking(counter, person=citizen_a.pk))

    assert response.status_code == HTTPStatus.CONFLICT
    assert only_error(response) == {
        "field": "starts_at",
        "code": "slot_taken",
        "message": "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez-en un "
        "autre : ceux qui sont affichés sont libres à l'instant.",
    }
    assert Appointment.objects.count() == 1


def test_the_taken_slot_message_is_in_english_when_asked(
    api, agent_1, counter, citizen_a, citizen_b
):
    book(counter, citizen_b)

    response = api(agent_1).post(
        "/appointments",
        booking(counter, person=citizen_a.pk),
        headers={"Accept-Language": "en"},
    )

    assert only_error(response)["message"].startswith(
        "This time slot has just been booked by someone else."
    )


def test_a_person_unknown_to_a_failed_booking_is_not_recorded(api, agent_1, counter, citizen_b):
    book(counter, citizen_b)

    response = api(agent_1).post(
        "/appointments",
        booking(counter, given_name="Jeanne", family_name="Leroy", phone="0611223344"),
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert not Person.objects.filter(given_name="Jeanne").exists()


def test_the_hoarding_limit_is_a_409_with_its_message(api, agent_1, counter, citizen_a):
    book(counter, citizen_a)

    response = api(agent_1).post(
        "/appointments",
        booking(counter, person=citizen_a.pk, starts_at="2026-05-05T10:00:00+02:00"),
    )

    assert response.status_code == HTTPStatus.CONFLICT
    error = only_error(response)
    assert (error["field"], error["code"]) == ("person", "limit_reached")
    assert error["message"].startswith(
        "Cette personne a déjà un rendez-vous à venir pour cette démarche, le mardi 5 mai 2026"
    )
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"reason": None}, "reason", "required"),
        ({"reason": "   "}, "reason", "invalid"),
        ({"starts_at": None}, "starts_at", "required"),
        ({"starts_at": "demain"}, "starts_at", "invalid"),
        ({"starts_at": "2026-05-05T12:00:00+02:00"}, "starts_at", "invalid"),
        ({"starts_at": "2026-05-10T09:00:00+02:00"}, "starts_at", "invalid"),
        ({"needs": ["jetpack"]}, "needs.0", "invalid"),
        ({"needs": ["interpreter"]}, "interpreter_language", "invalid"),
        ({"channel": "online"}, "channel", "invalid"),
        ({"email": "alice-at-example"}, "email", "invalid"),
        ({"seat": 2}, "seat", "invalid"),
        ({"case": "SCO-1999-000001"}, "case", "invalid"),
        ({"person": None}, "person", "required"),
        ({"given_name": "Alice", "family_name": "Durand"}, "given_name", "invalid"),
    ],
)
def test_a_wrong_booking_is_a_422_naming_the_field(
    api, agent_1, counter, citizen_a, fields, field, code
):
    body = {
        k: v
        for k, v in booking(counter, **{"person": citizen_a.pk, **fields}).items()
        if v is not None
    }

    response = api(agent_1).post("/appointments", body)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == field
    assert only_error(response)["code"] == code
    assert not Appointment.objects.exists()


def test_someone_unknown_with_no_way_to_reach_them_is_a_422_naming_the_phone(api, agent_1, counter):
    response = api(agent_1).post(
        "/appointments", booking(counter, given_name="Jeanne", family_name="Leroy")
    )

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "phone"
    assert not Person.objects.filter(given_name="Jeanne").exists()


def test_a_type_of_another_organisation_is_a_404(api, agent_1, counter, citizen_a, other_agent):
    other_type = AppointmentType.objects.get(name="Une question")

    response = api(agent_1).post(
        "/appointments", booking(counter, type=other_type.pk, person=citizen_a.pk)
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "type"


def test_a_person_of_another_organisation_is_a_404(api, agent_1, counter):
    stranger = PersonFactory(organisation=OrganisationFactory())

    response = api(agent_1).post("/appointments", booking(counter, person=stranger.pk))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "person"


def test_an_agent_of_another_unit_may_not_book_for_the_unit(api, agent_2, counter, citizen_a):
    response = api(agent_2).post("/appointments", booking(counter, person=citizen_a.pk))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert only_error(response)["code"] == "forbidden"
    assert not Appointment.objects.exists()


def test_a_booking_is_linked_to_the_persons_case(api, agent_1, counter, citizen_a, submitted):
    response = api(agent_1).post(
        "/appointments", booking(counter, person=citizen_a.pk, case=submitted.reference)
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["case"] == submitted.reference
    assert Appointment.objects.get().case == submitted


# ---------------------------------------------------------------------------
# GET /appointments/{id}


def test_an_agent_of_the_unit_reads_an_appointment(api, agent_1, counter, citizen_a):
    appointment = book(counter, citizen_a)

    response = api(agent_1).get(f"/appointments/{appointment.pk}")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["id"] == appointment.pk
    assert body["unit"]["slug"] == "education"
    assert body["type"]["mode"] == "counter"
    assert body["reason"] == "Inscrire mon fils."
    assert body["channel"] == "online"
    assert body["status_label"] == "Réservé"
    assert body["cancelled_at"] is None


@pytest.mark.parametrize("who", ["agent_2", "other_agent"])
def test_an_appointment_outside_the_agents_units_is_a_404(api, request, counter, citizen_a, who):
    appointment = book(counter, citizen_a)

    response = api(request.getfixturevalue(who)).get(f"/appointments/{appointment.pk}")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["code"] == "not_found"


def test_an_id_that_is_not_a_number_is_a_422_naming_it(api, agent_1, db):
    response = api(agent_1).get("/appointments/abc")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "appointment_id"


# ---------------------------------------------------------------------------
# POST /appointments/{id}/cancel


def test_cancelling_tells_the_person_and_frees_the_slot_at_once(
    api, agent_1, counter, citizen_a, citizen_b, django_capture_on_commit_callbacks
):
    appointment = book(counter, citizen_a)
    client = api(agent_1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/appointments/{appointment.pk}/cancel", {"reason": "L'agent est absent."}
        )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancelled_by"] == "service"
    assert response.json()["cancel_reason"] == "L'agent est absent."
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "L'agent est absent." in message.body
    assert "STATUS:CANCELLED" in message.attachments[0][1]
    days = client.get("/appointments/availability", availability(counter)).json()["days"]
    assert days[1]["slots"][0]["starts_at"] == "2026-05-05T09:00:00+02:00"
    rebooked = client.post("/appointments", booking(counter, person=citizen_b.pk))
    assert rebooked.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    ("body", "code"),
    [({}, "required"), ({"reason": "  "}, "invalid"), ({"reason": "x" * 1001}, "invalid")],
)
def test_cancelling_without_a_reason_is_a_422_naming_the_reason(
    api, agent_1, counter, citizen_a, body, code
):
    appointment = book(counter, citizen_a)

    response = api(agent_1).post(f"/appointments/{appointment.pk}/cancel", body)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert (only_error(response)["field"], only_error(response)["code"]) == ("reason", code)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_cancelling_twice_is_a_409(api, agent_1, counter, citizen_a):
    appointment = book(counter, citizen_a)
    client = api(agent_1)
    client.post(f"/appointments/{appointment.pk}/cancel", {"reason": "Fermeture."})

    response = client.post(f"/appointments/{appointment.pk}/cancel", {"reason": "Fermeture."})

    assert response.status_code == HTTPStatus.CONFLICT
    assert only_error(response) == {
        "field": None,
        "code": "conflict",
        "message": "Ce rendez-vous est déjà annulé.",
    }


@pytest.mark.parametrize("who", ["agent_2", "other_agent"])
def test_an_appointment_outside_the_agents_units_cannot_be_cancelled(
    api, request, counter, citizen_a, who
):
    appointment = book(counter, citizen_a)

    response = api(request.getfixturevalue(who)).post(
        f"/appointments/{appointment.pk}/cancel", {"reason": "Fermeture."}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


# ---------------------------------------------------------------------------
# Tokens


OPERATIONS = [
    ("get", "/appointments/availability", None),
    ("post", "/appointments", {"type": 1}),
    ("get", "/appointments/1", None),
    ("post", "/appointments/1/cancel", {"reason": "Fermeture."}),
]


def call(client, method, path, body):
    return client.get(path) if method == "get" else client.post(path, body)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_appointment_operation_without_a_token_answers_401(api, db, method, path, body):
    response = call(api(None), method, path, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_appointment_operation_with_a_revoked_token_answers_401(
    api, agent_1, method, path, body
):
    client = api(agent_1)
    api_token_revoke(token=ApiToken.objects.get(hashed=token_hash(client.token)))

    response = call(client, method, path, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "revoked_token"


def test_a_past_appointment_cannot_be_cancelled(api, agent_1, counter, citizen_a, time_machine):
    appointment = book(counter, citizen_a)
    time_machine.move_to(TUESDAY_9 + datetime.timedelta(hours=1), tick=False)

    response = api(agent_1).post(f"/appointments/{appointment.pk}/cancel", {"reason": "Trop tard."})

    assert response.status_code == HTTPStatus.CONFLICT
    assert only_error(response)["code"] == "conflict"
