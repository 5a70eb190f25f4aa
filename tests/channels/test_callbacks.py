"""Call-backs: always within the unit's opening hours (less its closures), taken by an
agent for a person on the phone, and the outcome of each call recorded and shown."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.appointments.models import Closure
from parcours.channels import callbacks
from parcours.channels.errors import ChannelError
from parcours.contacts import services as contact_services
from parcours.contacts.enums import CallbackOutcome, CallbackStatus, HalfDay
from parcours.contacts.errors import ContactError
from parcours.contacts.models import CallbackRequest
from parcours.organisations.models import OpeningHours
from tests.backoffice.conftest import verified

pytestmark = pytest.mark.sqlite

MONDAY_4_MAY = datetime.date(2026, 5, 4)
TUESDAY_5_MAY = datetime.date(2026, 5, 5)


@pytest.fixture(autouse=True)
def on_thursday_30_april(time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 30, 8, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def mornings_only(unit_1):
    """Open Monday to Friday, 8:30 to 12:00; Tuesday also 14:00 to 17:00."""
    for weekday in range(5):
        OpeningHours.objects.create(
            unit=unit_1, weekday=weekday, opens_at=datetime.time(8, 30), closes_at=datetime.time(12)
        )
    OpeningHours.objects.create(
        unit=unit_1, weekday=1, opens_at=datetime.time(14), closes_at=datetime.time(17)
    )


@pytest.fixture
def pending(citizen_a, unit_1, mornings_only):
    return contact_services.callback_request(
        person=citizen_a,
        unit=unit_1,
        by=citizen_a.user,
        phone="06 12 34 56 78",
        day=MONDAY_4_MAY,
        half_day=HalfDay.MORNING,
        topic="Question sur la cantine",
    )


def test_a_citizen_cannot_ask_to_be_called_back_when_the_unit_is_closed(
    citizen_a, unit_1, mornings_only
):
    with pytest.raises(ContactError) as refused:
        contact_services.callback_request(
            person=citizen_a,
            unit=unit_1,
            by=citizen_a.user,
            phone="06 12 34 56 78",
            day=MONDAY_4_MAY,
            half_day=HalfDay.AFTERNOON,
            topic="Question",
        )

    assert refused.value.field == "half_day"
    assert "n'est pas ouvert le lundi 4 mai l'après-midi" in refused.value.message
    assert contact_services.open_half_days(unit_1, TUESDAY_5_MAY) == {"morning", "afternoon"}


def test_an_exceptional_closure_takes_the_half_day_away(citizen_a, unit_1, mornings_only):
    Closure.objects.create(
        organisation=unit_1.organisation,
        unit=unit_1,
        starts_at=datetime.datetime(2026, 5, 4, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 5, 4, 23, tzinfo=datetime.UTC),
        reason="Formation",
    )

    assert contact_services.open_half_days(unit_1, MONDAY_4_MAY) == set()


def test_an_agent_takes_a_call_back_request_for_a_person_on_the_phone(
    client, agent_1, citizen_a, unit_1, mornings_only
):
    client = verified(client, agent_1.user)
    url = reverse("channels:person_callback", args=[citizen_a.pk])
    data = {
        "unit": unit_1.pk,
        "phone": "06 12 34 56 78",
        "day": "2026-05-04",
        "half_day": HalfDay.AFTERNOON,
        "topic": "Rappeler pour la cantine",
    }

    closed = client.post(url, data)
    done = client.post(url, {**data, "half_day": HalfDay.MORNING})

    assert closed.status_code == HTTPStatus.BAD_REQUEST
    assert "pendant ses heures d" in closed.content.decode()
    assert 'value="Rappeler pour la cantine"' not in closed.content.decode()  # a textarea
    assert "Rappeler pour la cantine" in closed.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    callback = CallbackRequest.objects.get()
    assert (callback.requested_by, callback.person) == (agent_1.user, citizen_a)


def test_the_agent_who_calls_back_records_the_outcome_and_it_shows_on_the_timeline(
    client, agent_1, pending, citizen_a
):
    client = verified(client, agent_1.user)
    assert "Question sur la cantine" in client.get(reverse("channels:callbacks")).content.decode()
    url = reverse("channels:callback", args=[pending.pk])

    no_answer = client.post(url, {"outcome": CallbackOutcome.NO_ANSWER})
    pending.refresh_from_db()
    assert no_answer.status_code == HTTPStatus.FOUND
    assert pending.status == CallbackStatus.PENDING

    reached = client.post(url, {"outcome": CallbackOutcome.REACHED, "note": "Réponse donnée"})
    pending.refresh_from_db()
    assert reached.status_code == HTTPStatus.FOUND
    assert pending.status == CallbackStatus.DONE
    assert [a.outcome for a in pending.attempts.all()] == ["no_answer", "reached"]
    timeline = client.get(reverse("backoffice:person", args=[citizen_a.pk])).content.decode()
    assert "Rappel passé" in timeline
    assert "Réponse donnée" in timeline
    again = client.post(url, {"outcome": CallbackOutcome.REACHED})
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "plus à faire" in again.content.decode()


def test_to_call_again_moves_the_call_back_to_an_open_half_day_only(agent_1, pending):
    with pytest.raises(ChannelError) as closed:
        callbacks.callback_record_outcome(
            by=agent_1.user,
            callback=pending,
            outcome=CallbackOutcome.CALL_AGAIN,
            next_day=MONDAY_4_MAY,
            next_half_day=HalfDay.AFTERNOON,
        )
    assert closed.value.field == "next_half_day"

    callbacks.callback_record_outcome(
        by=agent_1.user,
        callback=pending,
        outcome=CallbackOutcome.CALL_AGAIN,
        next_day=TUESDAY_5_MAY,
        next_half_day=HalfDay.AFTERNOON,
    )

    pending.refresh_from_db()
    assert (pending.day, pending.half_day, pending.status) == (
        TUESDAY_5_MAY,
        HalfDay.AFTERNOON,
        CallbackStatus.PENDING,
    )


def test_another_units_agent_neither_sees_nor_records_the_call_back(client, agent_2, pending):
    client = verified(client, agent_2.user)

    assert (
        "Question sur la cantine" not in client.get(reverse("channels:callbacks")).content.decode()
    )
    url = reverse("channels:callback", args=[pending.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.post(url, {"outcome": "reached"}).status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(ChannelError):
        callbacks.callback_record_outcome(
            by=agent_2.user, callback=pending, outcome=CallbackOutcome.REACHED
        )
