"""Queue background work for when the current transaction commits, at the cost of no
extra commit.

With the database backend (production: ``django_tasks_db``), the task's row is
written now, in the transaction of the change that asks for it: the worker sees it
only once that transaction commits, never if it rolls back, exactly as with
``transaction.on_commit``, but the request commits once instead of once for its data
and once more for each task it queues. Any other backend (the immediate one of the
tests, a broker) is called after the commit."""

from django.db import router, transaction
from django_tasks.base import Task


def _stored_in_transaction(task: Task) -> str | None:
    """The database alias whose open transaction would hold the task's row, if any."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend() if isinstance(task, Task) else None
    if not isinstance(backend, DatabaseBackend):
        return None
    alias = router.db_for_write(DBTaskResult)
    return alias if transaction.get_connection(alias).in_atomic_block else None


def enqueue_on_commit(task: Task, **kwargs) -> None:
    """Run ``task`` with ``kwargs`` in the background once the current transaction
    commits (at once outside a transaction). Anything else with an ``enqueue`` method
    is called after the commit."""
    if _stored_in_transaction(task):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))
