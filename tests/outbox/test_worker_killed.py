"""A worker killed with SIGKILL while it delivers a batch of 100 emails: after a restart,
each of the 100 reaches the SMTP server exactly once (counted by Message-ID).

The worker is a real process (`manage.py run_worker`, production settings) and the SMTP
server a real one (aiosmtpd). PostgreSQL only: the claim holds the row lock while sending
(SELECT … FOR UPDATE SKIP LOCKED); SQLite's fallback is at-least-once (docs)."""

import collections
import email
import email.policy
import os
import signal
import threading

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction

from parcours.cases import services
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from parcours.notifications.services import notify_message_to_citizen
from parcours.outbox import tasks as outbox_tasks
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.worker import enqueue as worker_enqueue
from tests.process_support import (
    free_port,
    production_environment,
    start_worker,
    stop,
    wait_for,
)

BATCH = 100


class Sink:
    """An SMTP server that records each accepted message's Message-ID, and can kill the
    worker while it is in the middle of an SMTP transaction."""

    def __init__(self):
        self.message_ids = []
        self.kill_at: int | None = None
        self.kill_in = "rcpt"
        self.worker = None
        self.killed = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # The worker has sent MAIL FROM and RCPT TO for the next message: kill it now,
        # before the message's DATA.
        if self.kill_in == "rcpt" and len(self.message_ids) >= (self.kill_at or BATCH):
            self.kill_now()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.message_ids.append(message["Message-ID"])
        if self.kill_in == "data" and len(self.message_ids) > (self.kill_at or BATCH):
            # The server has the whole message and takes responsibility for it; the
            # worker dies before reading the 250: RFC 1047's window.
            self.kill_now()
        return "250 Message accepted for delivery"

    def kill_now(self):
        if not self.killed.is_set() and self.worker is not None:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            self.killed.set()

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)


@pytest.fixture
def sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture
def batch(draft, citizen_a, agent_1, monkeypatch):
    """100 emails to the citizen in the outbox, as the agents' messages leave them: the
    test process itself delivers nothing (its fast-path task is switched off)."""
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    queue = worker_enqueue.enqueue_on_commit
    monkeypatch.setattr(
        worker_enqueue,
        "enqueue_on_commit",
        lambda task, **kwargs: (
            None if task is outbox_tasks.deliver_outbox_message else queue(task, **kwargs)
        ),
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    OutboxMessage.objects.all().delete()  # the receipt: not part of this batch
    for number in range(BATCH):
        with transaction.atomic():
            message = Message.objects.create(
                organisation=case.organisation,
                case=case,
                person=citizen_a,
                unit=case.unit,
                author=agent_1.user,
                direction=MessageDirection.TO_CITIZEN,
                body=f"Message numéro {number}.",
            )
            notify_message_to_citizen(message)
    return [row.message_id for row in OutboxMessage.objects.order_by("pk")]


def outbox_done() -> bool:
    return not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()


def run_killed_batch(sink, batch, tmp_path, kill_in: str) -> collections.Counter:
    """Start a worker, kill it halfway through at the given SMTP step, restart one, and
    return how many times the server accepted each Message-ID."""
    assert len(set(batch)) == BATCH
    environment = production_environment(
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        PARCOURS_OUTBOX_POLL_SECONDS="0.2",
        PARCOURS_OUTBOX_BATCH="10",
    )
    worker = start_worker(environment, tmp_path / "first.log", "--no-scheduler")
    sink.worker, sink.kill_in, sink.kill_at = worker, kill_in, BATCH // 2
    assert sink.killed.wait(timeout=120), (tmp_path / "first.log").read_text()
    assert worker.returncode == -signal.SIGKILL
    assert BATCH // 2 <= sink.count() < BATCH  # killed mid-batch

    restarted = start_worker(environment, tmp_path / "second.log", "--no-scheduler")
    try:
        assert wait_for(outbox_done, timeout=120), (tmp_path / "second.log").read_text()
        assert wait_for(lambda: sink.count() >= BATCH, timeout=30)
    finally:
        stop(restarted)
    statuses = collections.Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboxStatus.SENT: BATCH}
    return collections.Counter(sink.message_ids)


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the lock-held claim is PostgreSQL's"
)


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_a_batch_loses_nothing_and_sends_nothing_twice(
    sink, batch, tmp_path
):
    """Killed in the middle of an SMTP transaction (after MAIL FROM and RCPT TO, before
    the message is accepted): after the restart the 100 arrive, each exactly once."""
    received = run_killed_batch(sink, batch, tmp_path, kill_in="rcpt")

    assert sorted(received) == sorted(batch)  # all 100, and nothing else
    assert set(received.values()) == {1}  # each exactly once


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_accepted_and_before_its_commit_sends_that_one_again_with_the_same_message_id(
    sink, batch, tmp_path
):
    """The one window no sender can close (RFC 1047): the server accepted the message
    but the worker died before reading the 250 and committing. Nothing is lost; that one
    message arrives twice, with the same Message-ID, so a mail server or a mail client
    that removes duplicates shows it once. The window is a local round trip long."""
    received = run_killed_batch(sink, batch, tmp_path, kill_in="data")

    assert sorted(received) == sorted(batch)  # all 100, and nothing else
    twice = [message_id for message_id, count in received.items() if count > 1]
    assert len(twice) == 1
    assert received[twice[0]] == 2
    assert twice[0] == batch[BATCH // 2]  # the message in flight when the worker died
