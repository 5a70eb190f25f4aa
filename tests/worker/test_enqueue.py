"""Background work queued by a change: with the database backend, in the change's own
transaction (committed with it, never without it); with any other backend, after the
commit."""

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from parcours.cases.tasks import render_receipt_pdf
from parcours.worker.enqueue import enqueue_on_commit

pytestmark = pytest.mark.sqlite

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


class Refused(Exception):
    pass


def enqueue_then_fail(receipt_id: int) -> None:
    with transaction.atomic():
        enqueue_on_commit(render_receipt_pdf, receipt_id=receipt_id)
        raise Refused


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_task_is_written_in_the_transaction(settings):
    settings.TASKS = DATABASE_BACKEND

    with transaction.atomic():
        enqueue_on_commit(render_receipt_pdf, receipt_id=7)
        # Written now, by the same connection: the worker sees it once this commits.
        assert DBTaskResult.objects.count() == 1

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "parcours.cases.tasks.render_receipt_pdf"
    assert queued.args_kwargs["kwargs"] == {"receipt_id": 7}


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_rolled_back_change_queues_nothing(settings):
    settings.TASKS = DATABASE_BACKEND

    with pytest.raises(Refused):
        enqueue_then_fail(7)

    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_outside_a_transaction_the_task_is_queued_at_once(settings):
    settings.TASKS = DATABASE_BACKEND

    enqueue_on_commit(render_receipt_pdf, receipt_id=7)

    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_another_backend_is_called_only_after_the_commit(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    with transaction.atomic():
        enqueue_on_commit(render_receipt_pdf, receipt_id=7)
        assert default_task_backend.results == []

    assert [result.kwargs for result in default_task_backend.results] == [{"receipt_id": 7}]

    with pytest.raises(Refused):
        enqueue_then_fail(8)

    assert len(default_task_backend.results) == 1
