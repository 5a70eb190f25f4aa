"""GET /api/v1/cases/{reference}, and writing on a case: messages and transitions."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from parcours.cases import queue, services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from tests.factories import AgentFactory

from .conftest import only_error, submit

pytestmark = pytest.mark.sqlite


def test_an_agent_reads_a_case_of_their_unit(api, agent_1, with_document):
    response = api(agent_1).get(f"/cases/{with_document.reference}")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["reference"] == with_document.reference
    assert body["person"] == "Alice Durand"
    assert body["state"] == "submitted"
    assert [d["name"] for d in body["documents"]] == ["avis-impot.pdf"]
    assert body["documents"][0]["content_type"] == "application/pdf"
    assert "transition" in {event["kind"] for event in body["events"]}
    assert body["deadlines"]["decision_due_on"] == with_document.decision_due_on.isoformat()
    assert body["deadlines"]["overdue"] is False
    assert "start_review" in body["transitions"]
    assert isinstance(body["answers"], list)


def test_a_manager_of_the_unit_reads_its_case(api, manager, submitted):
    assert api(manager).get(f"/cases/{submitted.reference}").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "/messages", {"body": "Bonjour"}),
        ("post", "/transitions", {"transition": "start_review"}),
    ],
)
def test_an_agent_of_unit_2_gets_404_on_a_case_of_unit_1(
    api, agent_2, submitted, method, suffix, body
):
    client = api(agent_2)
    path = f"/cases/{submitted.reference}{suffix}"

    response = client.get(path) if method == "get" else client.post(path, body)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["code"] == "not_found"
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED
    assert not Message.objects.exists()


def test_an_unknown_reference_is_a_404(api, agent_1, db):
    assert api(agent_1).get("/cases/SCO-1999-999999").status_code == HTTPStatus.NOT_FOUND


def test_a_draft_is_not_visible_through_the_api(api, agent_1, draft):
    draft.reference = "SCO-2026-DRAFT"
    draft.save()

    assert api(agent_1).get(f"/cases/{draft.reference}").status_code == HTTPStatus.NOT_FOUND


# ---------------------------------------------------------------------------
# Messages


def test_an_agent_writes_to_the_citizen_about_their_case(api, agent_1, submitted, mailoutbox):
    response = api(agent_1).post(
        f"/cases/{submitted.reference}/messages", {"body": "  Votre dossier est complet.  "}
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["body"] == "Votre dossier est complet."
    assert response.json()["direction"] == "to_citizen"
    message = Message.objects.get()
    assert (message.case, message.person, message.author) == (
        submitted,
        submitted.person,
        agent_1.user,
    )
    assert message.direction == MessageDirection.TO_CITIZEN


@pytest.mark.parametrize(
    ("body", "code"),
    [({}, "required"), ({"body": "   "}, "invalid"), ({"body": "x" * 5001}, "invalid")],
)
def test_a_message_without_a_proper_body_is_a_422_naming_the_body(
    api, agent_1, submitted, body, code
):
    response = api(agent_1).post(f"/cases/{submitted.reference}/messages", body)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "body"
    assert only_error(response)["code"] == code
    assert not Message.objects.exists()


def test_a_body_that_is_not_json_is_a_400_in_the_error_shape(api, agent_1, submitted, client):
    response = client.post(
        f"/api/v1/cases/{submitted.reference}/messages",
        data="{not json",
        content_type="application/json",
        headers=api(agent_1).headers(),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert only_error(response)["code"] == "bad_request"


# ---------------------------------------------------------------------------
# Transitions


def transition(client, case, **body):
    return client.post(f"/cases/{case.reference}/transitions", body)


def test_an_agent_starts_the_review_of_a_case(api, agent_1, submitted):
    response = transition(api(agent_1), submitted, transition="start_review")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["state"] == "in_review"
    assert Case.objects.get(pk=submitted.pk).state == CaseState.IN_REVIEW


def test_asking_for_information_suspends_the_clock_until_the_due_date(api, agent_1, submitted):
    due_on = timezone.localdate() + datetime.timedelta(days=20)

    response = transition(
        api(agent_1),
        submitted,
        transition="request_information",
        reason="Il manque votre avis d'imposition.",
        due_on=due_on.isoformat(),
    )

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["state"] == "awaiting_citizen"
    assert body["deadlines"]["citizen_due_on"] >= due_on.isoformat()
    assert body["deadlines"]["clock_suspended_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"transition": "request_information", "reason": "Il manque une pièce."}, "due_on"),
        (
            {"transition": "request_information", "reason": "Pièce", "due_on": "31/12/2026"},
            "due_on",
        ),
        (
            {"transition": "request_information", "reason": "Pièce", "due_on": "2000-01-01"},
            "due_on",
        ),
        ({"transition": "reject"}, "reason"),
        ({"transition": "reject", "reason": "   "}, "reason"),
        ({"transition": "accept", "due_on": "2030-01-01"}, "due_on"),
        ({"transition": "fast_track"}, "transition"),
        ({"transition": "submit"}, "transition"),
        ({}, "transition"),
        ({"transition": "accept", "signed_by": "le maire"}, "signed_by"),
    ],
)
def test_a_wrong_transition_request_is_a_422_naming_the_field(api, agent_1, submitted, body, field):
    response = api(agent_1).post(f"/cases/{submitted.reference}/transitions", body)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == field
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED


def test_a_transition_the_state_forbids_is_a_409(api, agent_1, submitted):
    services.case_accept(case=submitted, by=agent_1.user)

    response = transition(api(agent_1), submitted, transition="start_review")

    assert response.status_code == HTTPStatus.CONFLICT
    assert only_error(response)["code"] == "illegal_transition"


def test_a_manager_who_does_not_belong_to_the_unit_may_read_but_not_decide(
    api, org_admin, submitted
):
    client = api(org_admin)
    assert client.get(f"/cases/{submitted.reference}").status_code == HTTPStatus.OK

    response = transition(client, submitted, transition="accept")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert only_error(response)["code"] == "forbidden"
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED


def test_an_agent_rejects_with_reasons_and_the_decision_is_recorded(api, agent_1, submitted):
    response = transition(
        api(agent_1), submitted, transition="reject", reason="Vous n'habitez pas la commune."
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["state"] == "rejected"
    assert submitted.decisions.get().reasons == "Vous n'habitez pas la commune."


def test_messages_are_in_french_by_default_and_in_english_on_request(api, agent_1, submitted):
    client = api(agent_1)

    french = client.post(f"/cases/{submitted.reference}/transitions", {"transition": "reject"})
    english = client.post(
        f"/cases/{submitted.reference}/transitions",
        {"transition": "reject"},
        headers={"Accept-Language": "en"},
    )

    assert only_error(french)["message"] == "Un motif est obligatoire pour cette étape."
    assert only_error(english)["message"] == "A reason is required for this step."


def test_an_agent_of_the_unit_cannot_act_on_a_case_a_colleague_holds(
    api, agent_1, unit_1, submitted
):
    colleague = AgentFactory(unit=unit_1)
    queue.case_claim_next(unit=unit_1, by=colleague.user)
    client = api(agent_1)

    decided = transition(client, submitted, transition="accept")
    written = client.post(f"/cases/{submitted.reference}/messages", {"body": "Bonjour"})

    assert decided.status_code == HTTPStatus.FORBIDDEN
    assert only_error(decided)["code"] == "forbidden"
    assert written.status_code == HTTPStatus.FORBIDDEN
    assert Case.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED
    assert not Message.objects.exists()


def test_acting_on_a_free_case_that_is_not_next_asks_to_take_it_first(
    api, agent_1, procedure, citizen_b, submitted
):
    later = submit(procedure, citizen_b, on=timezone.localdate())

    response = transition(api(agent_1), later, transition="start_review")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "take"
    assert Case.objects.get(pk=later.pk).referent is None
