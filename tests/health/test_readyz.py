"""/readyz: 200 only when the database, a worker and the SMTP server all answer."""

import datetime
import socket
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from parcours.worker.models import WorkerHeartbeat
from tests.notifications.test_smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.sqlite


@pytest.fixture
def worker_alive(db):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="app-1", pid=1, started_at=now, last_seen_at=now
    )


def ready(client):
    response = client.get(reverse("readyz"))
    return response, response.json()


def test_ready_when_database_worker_and_smtp_answer(client, worker_alive, smtp_server):  # noqa: F811
    response, body = ready(client)

    assert response.status_code == HTTPStatus.OK
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["checks"]["worker"] == {"ok": True, "workers": 1}
    assert body["checks"]["smtp"] == {"ok": True}


def test_without_a_recent_worker_heartbeat_it_is_not_ready(client, db, settings):
    settings.PARCOURS_WORKER_STALE_AFTER = 180
    old = timezone.now() - datetime.timedelta(minutes=10)
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="app-1", pid=1, started_at=old, last_seen_at=old
    )

    response, body = ready(client)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert body["failed"] == ["worker"]


def test_an_unreachable_smtp_server_makes_it_not_ready(client, worker_alive, settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_SSL = False

    response, body = ready(client)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert body["failed"] == ["smtp"]
    assert body["checks"]["smtp"] == {"ok": False, "error": "ConnectionRefusedError"}


def test_a_database_that_does_not_answer_makes_it_not_ready(client, db, monkeypatch):
    from parcours.health import views

    def broken():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(views.connection, "cursor", broken)
        response, body = ready(client)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "database" in body["failed"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_other_email_backends_have_no_server_to_check(client, worker_alive):
    response, body = ready(client)

    assert response.status_code == HTTPStatus.OK
    assert body["checks"]["smtp"] == {"ok": True, "skipped": "locmem"}
