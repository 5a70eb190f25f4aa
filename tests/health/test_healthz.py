import datetime
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import reverse
from django_tasks import task

from parcours.worker.models import WorkerHeartbeat
from parcours.worker.scheduler import beat

NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.sqlite


@task()
def queued_for_later() -> None:
    """Only enqueued, never run, by these tests."""


@pytest.fixture(autouse=True)
def frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.PARCOURS_WORKER_STALE_AFTER = 180


def get_health(client):
    response = client.get(reverse("healthz"))
    return response, response.json()


def seen(worker_id: str, seconds_ago: int) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="app-1",
        pid=4242,
        started_at=NOW - datetime.timedelta(hours=1),
        last_seen_at=NOW - datetime.timedelta(seconds=seconds_ago),
    )


def test_without_any_worker_the_site_is_up_but_degraded(client, db):
    response, body = get_health(client)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert body == {
        "status": "degraded",
        "database": {"ok": True},
        "worker": {"ok": False, "workers": 0, "last_seen_at": None, "queued_tasks": 0},
    }


def test_a_worker_that_just_beat_is_reported_alive(client, db):
    beat("worker-1", started_at=NOW - datetime.timedelta(hours=1))

    response, body = get_health(client)

    assert response.status_code == HTTPStatus.OK
    assert body["status"] == "ok"
    assert body["worker"] == {
        "ok": True,
        "workers": 1,
        "last_seen_at": "2026-05-04T10:00:00+00:00",
        "queued_tasks": 0,
    }


@pytest.mark.parametrize(
    ("seconds_ago", "alive"), [(0, True), (180, True), (181, False), (3600, False)]
)
def test_a_worker_is_alive_while_its_last_beat_is_fresh(client, db, seconds_ago, alive):
    seen("worker-1", seconds_ago)

    response, body = get_health(client)

    assert response.status_code == HTTPStatus.OK
    assert body["worker"]["ok"] is alive
    assert body["worker"]["workers"] == int(alive)
    assert body["status"] == ("ok" if alive else "degraded")


def test_only_fresh_workers_are_counted_and_the_latest_beat_is_shown(client, db):
    seen("worker-1", 10)
    seen("worker-2", 60)
    seen("worker-3", 4000)

    _, body = get_health(client)

    assert body["worker"]["workers"] == 2
    assert body["worker"]["last_seen_at"] == "2026-05-04T09:59:50+00:00"


def test_tasks_waiting_in_the_queue_are_counted(client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued_for_later.enqueue()
    queued_for_later.enqueue()

    _, body = get_health(client)

    assert body["worker"]["queued_tasks"] == 2


def test_when_the_database_does_not_answer_the_site_is_down(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("parcours.health.views.connection", BrokenConnection())

    response, body = get_health(client)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert body["status"] == "down"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["worker"]["ok"] is False


def test_the_health_check_is_never_cached(client, db):
    response, _ = get_health(client)

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_the_health_check_only_answers_get(client, db):
    assert client.post(reverse("healthz")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
