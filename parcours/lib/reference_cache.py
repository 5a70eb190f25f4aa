"""Reference data kept in each process, dropped everywhere as soon as any of it changes.

Some rows are read by nearly every request that files a case and change a few times a
year: an organisation, its published procedures and their current version, its units,
the rules of a version, its webhook endpoints. Reading them again for each report is
most of what a report costs (bench/README.md). ``remember(name, key, loader)`` keeps
what ``loader()`` returned in the process, under the **generation** of the reference
data, a token held in the shared cache (``CACHES["default"]``: Redis or the database,
the same for every app server and worker). Any save or deletion of a watched model
(``watch``) draws a new generation once its transaction commits: every process then
finds its copies stale at its next read and loads them again. A process thus reads one
cache key per lookup instead of its rows, and never serves data older than the last
committed change it could have seen.

Rules for what may be remembered:

- rows that every user may read alike (nothing that depends on who asks);
- values never changed in place by their callers: ``remember`` hands each caller a
  shallow copy of a model instance (its own fields, the related objects shared), and
  lists and dicts as they are;
- never what decides a permission (an API key, an agent's roles): a revocation must
  count at the next request, and those stay read from the database.

Changes made with ``QuerySet.update()`` or raw SQL send no signal: call ``forget()``
after them. Without a shared cache (the dummy backend) nothing is kept.
"""

import copy
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "parcours:reference-generation"
_MISSING = object()
_lock = threading.Lock()
_store: dict[Any, Any] = {}
_generation: list[str | None] = [None]
# The transaction (its outermost atomic block) of this thread that changed reference
# data and has not committed yet: until it ends, this thread neither reads the copies
# (they predate its change) nor keeps what it loads (others must not see it before the
# commit, nor ever if it rolls back).
_changing = threading.local()
# The generation read by this thread's current HTTP request, if any.
_request = threading.local()


def generation() -> str | None:
    """The current generation, drawn if the shared cache has none (first use, or lost).
    Read once per HTTP request: a change committed by another process meanwhile counts
    from the next request, as if this one had started a little earlier."""
    value = getattr(_request, "generation", None)
    if value is not None:
        return value
    value = cache.get(GENERATION_KEY)
    if value is None:
        drawn = uuid.uuid4().hex
        value = (
            drawn if cache.add(GENERATION_KEY, drawn, timeout=None) else cache.get(GENERATION_KEY)
        )
    if getattr(_request, "active", False):
        _request.generation = value
    return value


def _request_started(**kwargs) -> None:
    _request.active, _request.generation = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.generation = False, None


request_started.connect(_request_started, dispatch_uid="reference-cache")
request_finished.connect(_request_finished, dispatch_uid="reference-cache")


def remember(name: str, key: Any, loader: Callable[[], Any]) -> Any:
    """``loader()``'s value for ``(name, key)``, loaded once per generation and process."""
    current = generation()
    if current is None or _in_changing_transaction():
        return loader()
    with _lock:
        if _generation[0] != current:
            _store.clear()
            _generation[0] = current
        value = _store.get((name, key), _MISSING)
    if value is _MISSING:
        value = loader()
        with _lock:
            if _generation[0] == current:
                _store[(name, key)] = value
    return copy.copy(value) if isinstance(value, Model) else value


def forget() -> None:
    """Draw a new generation once the current transaction commits (at once outside one):
    every process loads its reference data again at its next lookup."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _changing.block = connection.atomic_blocks[0]
    transaction.on_commit(_draw, robust=True)


def _in_changing_transaction() -> bool:
    block = getattr(_changing, "block", None)
    if block is None:
        return False
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.atomic_blocks[0] is block:
        return True
    _changing.block = None
    return False


def _draw() -> None:
    _changing.block = None
    _request.generation = None
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _store.clear()
        _generation[0] = None


def reset() -> None:
    """Forget everything this process and thread hold (tests start from nothing)."""
    with _lock:
        _store.clear()
        _generation[0] = None
    _changing.block = None
    _request.active, _request.generation = False, None


def _changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        forget()


def watch(*models: type[Model]) -> None:
    """Draw a new generation whenever a row of these models is saved or deleted, or one
    of their many-to-many relations changes."""
    for model in models:
        uid = f"reference-cache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=uid, weak=False
            )
