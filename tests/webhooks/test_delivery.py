"""Case events reach the endpoints of the organisation as signed POSTs, through the
outbox: written in the event's transaction, delivered once, retried on failure."""

import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.cases.models import CaseEvent
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_one
from parcours.webhooks.enums import WebhookEventType
from parcours.webhooks.services import (
    deliveries,
    put_case_event_webhooks,
    webhook_endpoint_create,
    webhook_endpoint_set_active,
    webhook_ping,
)
from tests.factories import ProcedureFactory
from tests.outbox.support import rolled_back

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

TOLERANCE = 300  # the replay window of docs/webhooks.md, in seconds


def verify(secret: str, header: str, body: bytes, now: float) -> bool:
    """The receiver's check, as docs/webhooks.md shows it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(now - timestamp) > TOLERANCE:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def webhook_rows():
    return OutboxMessage.objects.filter(idempotency_key__startswith="webhook:")


def test_a_submitted_case_reaches_the_receiver_signed_with_the_secret(
    draft, citizen_a, endpoint, secret, receiver
):
    case = case_services.case_submit(case=draft, by=citizen_a.user)
    event = CaseEvent.objects.get(case=case, transition="submit")
    (row,) = webhook_rows()
    assert row.idempotency_key == f"webhook:{endpoint.pk}:{event.pk}"

    deliver_one(row.pk)

    (request,) = receiver.received
    headers = request["headers"]
    assert request["path"] == "/hooks/parcours"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["User-Agent"].startswith("Parcours-Webhooks/1")
    assert headers["Parcours-Webhook-Id"] == row.idempotency_key
    assert verify(secret, headers["Parcours-Signature"], request["body"], time.time())
    assert not verify("whsec_another", headers["Parcours-Signature"], request["body"], time.time())
    assert not verify(
        secret, headers["Parcours-Signature"], request["body"], time.time() + TOLERANCE + 5
    )
    assert json.loads(request["body"]) == {
        "id": row.idempotency_key,
        "type": "case.submitted",
        "created": event.created_at.isoformat(),
        "organisation": case.organisation.slug,
        "data": {
            "case": {
                "reference": case.reference,
                "procedure": case.procedure.slug,
                "procedure_code": case.procedure.code,
                "state": "submitted",
                "unit": case.unit.slug,
                "channel": case.channel,
            },
            "event": {
                "kind": "transition",
                "transition": "submit",
                "from_state": "draft",
                "to_state": "submitted",
            },
        },
    }
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_the_payload_carries_no_personal_data(draft, citizen_a, endpoint, receiver):
    case = case_services.case_submit(case=draft, by=citizen_a.user)
    deliver_one(webhook_rows().get().pk)

    body = receiver.received[0]["body"].decode()
    for personal in (citizen_a.given_name, citizen_a.family_name, citizen_a.email):
        assert personal
        assert personal not in body
    assert case.reference in body


def test_a_webhook_is_delivered_once_and_a_repeat_carries_the_same_id(
    draft, citizen_a, endpoint, receiver
):
    case_services.case_submit(case=draft, by=citizen_a.user)
    event = CaseEvent.objects.get(case=draft, transition="submit")
    row = webhook_rows().get()

    put_case_event_webhooks(event)  # asked again: still one row
    deliver_one(row.pk)
    deliver_one(row.pk)  # already sent: nothing more

    assert webhook_rows().count() == 1
    assert len(receiver.received) == 1
    # Were it sent again (a worker killed after the receiver's answer), the receiver
    # would see the same id and the same body, and drop it.
    from parcours.webhooks.services import deliver_webhook

    deliver_webhook(**row.arguments).deliver(idempotency_key=row.idempotency_key)
    first, second = receiver.received
    assert first["headers"]["Parcours-Webhook-Id"] == second["headers"]["Parcours-Webhook-Id"]
    assert first["body"] == second["body"]


def test_a_failing_receiver_is_tried_again_later_until_it_answers(
    draft, citizen_a, endpoint, receiver
):
    receiver.answers.extend([500, 503])
    case_services.case_submit(case=draft, by=citizen_a.user)
    row = webhook_rows().get()

    deliver_one(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error.startswith("WebhookFailed: HTTP 500")
    assert row.next_attempt_at > timezone.now()
    assert deliver_one(row.pk) is None  # not due yet: the backoff holds it

    for _attempt in range(2):
        OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        deliver_one(row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 3, "")
    assert len(receiver.received) == 3
    assert len({r["headers"]["Parcours-Webhook-Id"] for r in receiver.received}) == 1


def test_the_endpoint_shows_a_delivery_the_outbox_gave_up_on(
    settings, draft, citizen_a, endpoint, receiver
):
    settings.PARCOURS_OUTBOX_MAX_ATTEMPTS = 1
    receiver.answers.append(500)
    case_services.case_submit(case=draft, by=citizen_a.user)

    deliver_one(webhook_rows().get().pk)

    (row,) = deliveries(endpoint)
    assert row.status == OutboxStatus.DEAD


def test_a_rolled_back_event_sends_nothing(draft, citizen_a, endpoint):
    rolled_back(lambda: case_services.case_submit(case=draft, by=citizen_a.user))

    assert not webhook_rows().exists()


def test_a_decision_is_sent_to_whom_subscribed_and_state_changes_to_the_others(
    draft, citizen_a, agent_1, endpoint, administrator, receiver
):
    everything = webhook_endpoint_create(
        by=administrator,
        name="Entrepôt",
        url=receiver.url,
        events=[WebhookEventType.CASE_STATE_CHANGED],
    )[0]
    case = case_services.case_submit(case=draft, by=citizen_a.user)
    case = case_services.case_start_review(case=case, by=agent_1.user)

    assert [row.arguments["payload"]["type"] for row in deliveries(endpoint)] == ["case.submitted"]
    assert sorted(row.arguments["payload"]["type"] for row in deliveries(everything)) == [
        "case.state_changed",
        "case.state_changed",
    ]


def test_a_paused_endpoint_or_another_procedure_gets_nothing(
    draft, citizen_a, endpoint, administrator, receiver, unit_1
):
    other = ProcedureFactory(handling_unit=unit_1, code="AUT")
    webhook_endpoint_create(
        by=administrator,
        name="Autre démarche",
        url=receiver.url,
        events=[WebhookEventType.CASE_SUBMITTED],
        procedures=[other],
    )
    webhook_endpoint_set_active(endpoint=endpoint, active=False)

    case_services.case_submit(case=draft, by=citizen_a.user)

    assert not webhook_rows().exists()


def test_a_delivery_waiting_when_its_endpoint_is_paused_is_dropped(
    draft, citizen_a, endpoint, receiver
):
    case_services.case_submit(case=draft, by=citizen_a.user)
    row = webhook_rows().get()
    webhook_endpoint_set_active(endpoint=endpoint, active=False)

    deliver_one(row.pk)

    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED
    assert receiver.received == []


def test_a_test_event_goes_through_the_outbox(endpoint, secret, receiver):
    row = webhook_ping(endpoint=endpoint)

    deliver_one(row.pk)

    (request,) = receiver.received
    assert json.loads(request["body"])["type"] == "webhook.ping"
    assert verify(secret, request["headers"]["Parcours-Signature"], request["body"], time.time())


def test_a_rerouted_case_names_both_units_and_a_note_is_never_sent(
    draft, citizen_a, agent_1, unit_1, unit_2, administrator, receiver, allow_local
):
    from parcours.cases.casework import case_add_note, case_reroute

    rerouted = webhook_endpoint_create(
        by=administrator,
        name="Routage",
        url=receiver.url,
        events=list(WebhookEventType.values),
    )[0]
    case = case_services.case_submit(case=draft, by=citizen_a.user)
    case_add_note(case=case, by=agent_1.user, text="Note interne : voir le dossier papier.")
    case_reroute(case=case, by=agent_1.user, unit=unit_2, reason="Relève de la voirie.")

    payloads = [row.arguments["payload"] for row in deliveries(rerouted)]
    assert [p["type"] for p in payloads] == ["case.rerouted", "case.submitted"]
    event = payloads[0]["data"]["event"]
    assert (event["kind"], event["from_unit"], event["to_unit"]) == (
        "rerouted",
        unit_1.slug,
        unit_2.slug,
    )
    assert payloads[0]["data"]["case"]["unit"] == unit_2.slug
    assert "Relève de la voirie" not in json.dumps(payloads)
