"""The outbox: written with the change, delivered once afterwards, retried, then left
for an operator."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from parcours.notifications import services as notifications
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import (
    HIDDEN_VALUE,
    backoff,
    deliver_due,
    deliver_one,
    outbox_put,
    outbox_retry,
)

from . import handlers

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _no_calls():
    handlers.CALLS.clear()


def put(number: int, **extra) -> OutboxMessage:
    return outbox_put(handler=handlers.greeting, key=f"greeting:{number}", number=number, **extra)


def test_a_side_effect_is_recorded_in_the_transaction_and_sent_after_the_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = put(1)
        assert mail.outbox == []  # nothing leaves before the commit

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    (message,) = mail.outbox
    assert message.subject == "Bonjour 1"
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.extra_headers["X-Parcours-Idempotency-Key"] == "greeting:1"


def test_a_rolled_back_change_leaves_no_side_effect(db, django_capture_on_commit_callbacks):
    def change_that_fails():
        with transaction.atomic():
            put(1)
            raise RuntimeError("the change fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_the_same_key_records_one_side_effect(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = put(1)
        again = put(1)

    assert first.pk == again.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_row_is_written_in_one_statement_and_a_repeated_key_keeps_the_first_row(
    db, django_assert_num_queries
):
    with transaction.atomic():
        with django_assert_num_queries(1):
            first = put(1, tone="formal")
        again = put(1, tone="casual")  # the insert is skipped, the transaction goes on
        third = put(2)

    assert again.pk == first.pk
    assert again.arguments == {"number": 1, "tone": "formal"}
    assert again.request_id == first.request_id
    assert OutboxMessage.objects.get(pk=first.pk).arguments == {"number": 1, "tone": "formal"}
    assert third.pk != first.pk
    assert OutboxMessage.objects.count() == 2


def test_the_relay_delivers_rows_whose_task_was_lost_and_never_twice(db):
    rows = [put(number) for number in range(3)]  # on_commit callbacks never run here

    assert deliver_due() == 3
    assert deliver_due() == 0
    assert deliver_one(rows[0].pk) is None
    assert sorted(message.subject for message in mail.outbox) == [
        "Bonjour 0",
        "Bonjour 1",
        "Bonjour 2",
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_the_message_id_is_stable_and_distinct_per_row(db):
    first, second = put(1), put(2)

    assert first.message_id == OutboxMessage.objects.get(pk=first.pk).message_id
    assert first.message_id != second.message_id
    assert first.message_id.startswith(f"<outbox.{first.pk}.")
    assert first.message_id.endswith("@parcours.invalid>")


def test_nothing_to_send_is_recorded_as_skipped(db):
    row = outbox_put(handler=handlers.nothing, key="nothing")

    deliver_due()

    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED
    assert row.sent_at is None
    assert mail.outbox == []


def test_a_function_not_marked_as_handler_is_never_called(db):
    row = outbox_put(handler="tests.outbox.handlers.not_marked", key="x", number=1)

    deliver_due()

    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
    assert "not an outbox handler" in row.last_error
    assert mail.outbox == []


@override_settings(PARCOURS_OUTBOX_MAX_ATTEMPTS=3, PARCOURS_OUTBOX_BACKOFF_SECONDS=60)
def test_a_failure_is_retried_later_with_a_growing_delay_then_left_for_an_operator(
    db, time_machine
):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    row = put(1, fail=True)

    assert deliver_due() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.next_attempt_at == start + datetime.timedelta(seconds=60)
    assert row.last_error == "ConnectionError: the relay is down"
    assert deliver_due() == 0  # not due yet

    time_machine.move_to(start + datetime.timedelta(seconds=60), tick=False)
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.next_attempt_at == start + datetime.timedelta(seconds=60 + 120)

    time_machine.move_to(start + datetime.timedelta(seconds=180), tick=False)
    deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 3)
    assert handlers.CALLS == [1, 1, 1]

    time_machine.move_to(start + datetime.timedelta(days=1), tick=False)
    assert deliver_due() == 0  # a dead row waits for an operator

    OutboxMessage.objects.filter(pk=row.pk).update(arguments={"number": 1})  # fixed
    assert outbox_retry(queryset=OutboxMessage.objects.all()) == 1
    deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert len(mail.outbox) == 1


def test_an_smtp_failure_leaves_the_row_to_retry(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    row = put(1)

    deliver_due()

    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
    assert row.sent_at is None
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at > timezone.now()


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (8, 7680), (30, 21600)]
)
def test_the_delay_doubles_and_is_capped_at_six_hours(settings, attempts, seconds):
    settings.PARCOURS_OUTBOX_BACKOFF_SECONDS = 60
    assert backoff(attempts) == datetime.timedelta(seconds=seconds)


def test_a_message_from_an_agent_goes_through_the_outbox_once(
    draft, citizen_a, agent_1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = Message.objects.create(
            organisation=draft.organisation,
            case=draft,
            person=citizen_a,
            unit=draft.unit,
            author=agent_1.user,
            direction=MessageDirection.TO_CITIZEN,
            body="Bonjour, votre dossier avance.",
        )
        notifications.notify_message_to_citizen(message)
        notifications.notify_message_to_citizen(message)  # a retried call

    row = OutboxMessage.objects.get()
    assert row.idempotency_key == f"message_to_citizen:{message.pk}"
    assert row.status == OutboxStatus.SENT
    (email,) = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "Bonjour, votre dossier avance." in email.body


def test_the_command_shows_the_counts_and_queues_failed_rows_again(db, capsys):
    put(1)
    dead = put(2)
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD, attempts=8)

    call_command("outbox", "--retry-dead", "--deliver")

    out = capsys.readouterr().out
    assert "1 failed row(s) queued again." in out
    assert "2 row(s) handled." in out
    assert "sent     2" in out
    assert len(mail.outbox) == 2


def test_only_a_superuser_may_send_failed_rows_again_from_the_admin(rf, agent_1):
    admin = site._registry[OutboxMessage]
    request = rf.get("/")
    request.user = agent_1.user

    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert "retry" not in admin.get_actions(request)
    agent_1.user.is_superuser = True
    assert "retry" in admin.get_actions(request)


def put_code(number: int, **extra) -> OutboxMessage:
    return outbox_put(
        handler=handlers.code_email, key=f"code:{number}", number=number, code="123456", **extra
    )


@pytest.mark.parametrize(
    "deliver", [lambda row: deliver_due(), lambda row: deliver_one(row.pk)], ids=["relay", "task"]
)
def test_a_secret_argument_is_erased_from_the_row_once_sent(db, deliver):
    deliver(put_code(1))

    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SENT
    assert row.arguments == {"number": 1}
    (message,) = mail.outbox
    assert "123456" in message.body


@override_settings(PARCOURS_OUTBOX_MAX_ATTEMPTS=2, PARCOURS_OUTBOX_BACKOFF_SECONDS=0)
def test_a_secret_argument_stays_for_the_retries_and_goes_when_the_row_is_given_up(db):
    row = put_code(1, fail=True)

    deliver_due()
    row.refresh_from_db()
    assert (row.status, row.arguments["code"]) == (OutboxStatus.PENDING, "123456")

    deliver_due()
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert row.arguments == {"number": 1, "fail": True}

    # Sent again by an operator: the code is gone, so nothing is sent.
    outbox_retry(queryset=OutboxMessage.objects.all())
    deliver_due()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED
    assert mail.outbox == []


def test_the_admin_masks_secret_arguments(db, rf):
    row = put_code(1)
    admin = site._registry[OutboxMessage]

    assert admin.shown_arguments(row) == {"number": 1, "code": HIDDEN_VALUE}
    assert admin.shown_arguments(put(2)) == {"number": 2}
    assert "arguments" not in admin.get_fields(rf.get("/"), row)


def test_the_admin_page_of_a_row_shows_its_code_masked(db, client):
    from tests.factories import UserFactory

    row = put_code(1)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:outbox_outboxmessage_change", args=[row.pk]))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "code:1" in page
    assert HIDDEN_VALUE in page
    assert "123456" not in page
