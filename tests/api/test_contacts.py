"""GET /api/v1/cases/{reference}/contacts and POST /api/v1/contacts: every exchange on a
case, and recording a call or a visit."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from parcours.cases.models import CaseEvent
from parcours.channels.models import ContactRecord
from parcours.channels.services import contact_record
from parcours.contacts.enums import CallbackOutcome, HalfDay
from parcours.contacts.models import CallbackAttempt, CallbackRequest
from parcours.contacts.services import message_send_from_citizen, message_send_to_citizen
from parcours.privacy.enums import JournalAction, JournalVia
from parcours.privacy.models import AccessLogEntry
from tests.factories import PersonFactory

from .conftest import only_error

pytestmark = pytest.mark.sqlite


@pytest.fixture
def exchanges(submitted, agent_1, citizen_a, unit_1):
    """On citizen A's case: a call an hour ago, then a message from her, a call-back
    request, an attempt to call her back, and the agent's answer."""
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    contact_record(
        by=agent_1.user,
        person=citizen_a,
        unit=unit_1,
        channel="phone",
        subject="Question sur la cantine",
        outcome="Rappel promis",
        occurred_at=an_hour_ago,
        case=submitted,
    )
    message_send_from_citizen(case=submitted, by=citizen_a.user, body="Où en est ma demande ?")
    callback = CallbackRequest.objects.create(
        organisation_id=submitted.organisation_id,
        person=citizen_a,
        unit=unit_1,
        case=submitted,
        phone="06 12 34 56 78",
        day=timezone.localdate(),
        half_day=HalfDay.MORNING,
        topic="Les horaires de la garderie",
    )
    CallbackAttempt.objects.create(
        organisation_id=submitted.organisation_id,
        callback=callback,
        outcome=CallbackOutcome.NO_ANSWER,
        by=agent_1.user,
        by_name="Claire Martin",
    )
    message_send_to_citizen(case=submitted, by=agent_1.user, body="Elle est en cours.")
    return submitted


def test_an_agent_reads_every_contact_on_a_case_in_time_order(api, agent_1, exchanges):
    response = api(agent_1).get(f"/cases/{exchanges.reference}/contacts")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["case"] == exchanges.reference
    assert [(c["kind"], c["direction"]) for c in body["results"]] == [
        ("phone", "inbound"),
        ("message", "inbound"),
        ("callback_request", "inbound"),
        ("callback_attempt", "outbound"),
        ("message", "outbound"),
    ]
    call, from_her, callback, attempt, answer = body["results"]
    assert call["subject"] == "Question sur la cantine"
    assert call["body"] == "Rappel promis"
    assert call["by"] == "Claire Martin"
    assert from_her["by"] == ""
    assert from_her["body"] == "Où en est ma demande ?"
    assert callback["details"]["half_day"] == "morning"
    assert attempt["details"]["outcome"] == "no_answer"
    assert answer["unit"] == {"slug": "education", "name": "Service Éducation"}


def test_reading_the_contacts_is_journaled(api, agent_1, exchanges):
    api(agent_1).get(f"/cases/{exchanges.reference}/contacts")

    entry = AccessLogEntry.objects.filter(case_id=exchanges.pk).latest("pk")
    assert entry.action == JournalAction.READ
    assert entry.via == JournalVia.API
    assert entry.actor_id == agent_1.user_id


def test_an_agent_of_another_unit_gets_404_on_the_contacts(api, agent_2, exchanges):
    response = api(agent_2).get(f"/cases/{exchanges.reference}/contacts")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["code"] == "not_found"
    assert not AccessLogEntry.objects.filter(actor_id=agent_2.user_id).exists()


def test_without_a_token_the_contacts_are_refused(api, exchanges):
    response = api(None).get(f"/cases/{exchanges.reference}/contacts")

    assert response.status_code == HTTPStatus.UNAUTHORIZED


# ---------------------------------------------------------------------------
# Recording a call or a visit


def test_an_agent_records_a_call_on_a_case(api, agent_1, submitted):
    response = api(agent_1).post(
        "/contacts",
        {
            "channel": "phone",
            "subject": "Pièce manquante",
            "outcome": "Elle l'envoie demain.",
            "case": submitted.reference,
        },
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert body["kind"] == "phone"
    assert body["direction"] == "inbound"
    assert body["by"] == "Claire Martin"
    record = ContactRecord.objects.get()
    assert record.case == submitted
    assert record.unit.slug == "education"
    assert CaseEvent.objects.filter(case=submitted, data__contact_record_id=record.pk).exists()
    entry = AccessLogEntry.objects.filter(case_id=submitted.pk).latest("pk")
    assert entry.action == JournalAction.CHANGE


def test_an_agent_records_a_visit_of_someone_found_by_email(api, agent_1, citizen_a):
    response = api(agent_1).post(
        "/contacts",
        {"channel": "counter", "subject": "Venue au guichet", "email": "ALICE@example.org"},
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
    record = ContactRecord.objects.get()
    assert record.person == citizen_a
    assert record.case is None
    assert record.channel == "counter"


def test_an_agent_records_a_call_from_someone_found_by_phone(api, agent_1, citizen_a):
    occurred = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    response = api(agent_1).post(
        "/contacts",
        {
            "channel": "phone",
            "direction": "outbound",
            "subject": "Rappel",
            "phone": "+33 6 12 34 56 78",
            "occurred_at": occurred.isoformat(),
        },
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
    record = ContactRecord.objects.get()
    assert record.person == citizen_a
    assert record.direction == "outbound"
    assert record.occurred_at == occurred


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "phone", "email": "alice@example.org"}, "subject"),
        ({"channel": "fax", "subject": "x", "email": "alice@example.org"}, "channel"),
        ({"channel": "post", "subject": "x", "email": "alice@example.org"}, "channel"),
        ({"channel": "phone", "subject": "x", "email": "inconnu@example.org"}, "email"),
        ({"channel": "phone", "subject": "x", "phone": "01 02 03 04 05"}, "phone"),
        ({"channel": "phone", "subject": "x"}, "case"),
        ({"channel": "phone", "subject": "  ", "email": "alice@example.org"}, "subject"),
        ({"channel": "phone", "subject": "x", "email": "alice@example.org", "unit": "voirie"},
         "unit"),
        ({"channel": "phone", "subject": "x", "email": "alice@example.org", "extra": 1}, "extra"),
        ({"channel": "phone", "subject": "x", "email": "alice@example.org",
          "occurred_at": "2999-01-01T10:00:00"}, "occurred_at"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_recorded(api, agent_1, citizen_a, body, field):
    response = api(agent_1).post("/contacts", body)

    assert response.status_code in (HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.NOT_FOUND)
    item = only_error(response)
    assert item["field"] == field
    assert not ContactRecord.objects.exists()


def test_two_people_with_the_same_email_ask_for_a_case_reference(
    api, agent_1, citizen_a, organisation
):
    PersonFactory(organisation=organisation, user=None, email="alice@example.org")

    response = api(agent_1).post(
        "/contacts", {"channel": "phone", "subject": "x", "email": "alice@example.org"}
    )

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "dossier" in only_error(response)["message"]


def test_another_units_case_cannot_be_named(api, agent_2, submitted):
    response = api(agent_2).post(
        "/contacts", {"channel": "phone", "subject": "x", "case": submitted.reference}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "case"
    assert not ContactRecord.objects.exists()


def test_a_message_in_english_when_asked(api, agent_1, citizen_a):
    response = api(agent_1).post(
        "/contacts",
        {"channel": "phone", "email": "alice@example.org"},
        headers={"Accept-Language": "en"},
    )

    assert only_error(response) == {
        "field": "subject",
        "code": "required",
        "message": "This field is required.",
    }


def test_without_a_token_nothing_is_recorded(api, citizen_a):
    response = api(None).post(
        "/contacts", {"channel": "phone", "subject": "x", "email": "alice@example.org"}
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not ContactRecord.objects.exists()
