"""Reads that may come from a read replica: dashboards, exports, search.

With DATABASE_REPLICA_URL set (docs/scaling.md), code inside ``use_replica`` reads from
the ``replica`` database; writes, and every read outside it, go to the primary. Without
a replica, ``use_replica`` changes nothing. A replica lags a little behind the primary:
use it only for reads where a change made a second ago may be missing (statistics, a
CSV of last month, a search), never to read back what the same request has just
written, nor for a decision or a permission based on fresh data.

    with use_replica():
        rows = list(selectors.report(...))

    @use_replica
    def export(request): ...
"""

import contextvars
import functools
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"

_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_from_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def _replica_block():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def use_replica(function=None):
    """``with use_replica():`` or ``@use_replica``: reads inside go to the replica."""
    if function is None:
        return _replica_block()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _replica_block():
            return function(*args, **kwargs)

    return wrapper


def reading_from_replica() -> bool:
    return _reading_from_replica.get() and replica_configured()


class ReplicaRouter:
    """Reads inside ``use_replica`` go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if reading_from_replica() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
