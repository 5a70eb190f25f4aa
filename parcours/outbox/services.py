"""Record side effects in the change's own transaction; deliver them afterwards.

Writing: ``outbox_put(handler=..., key=..., **arguments)`` inside the service's
``transaction.atomic()``. The row commits or rolls back with the change. After the
commit, a task asks a worker to deliver it at once; if that task is lost (the process
died between the commit and the enqueue), the worker's relay finds the row anyway.

Delivering (``deliver_due`` and ``deliver_one``), on PostgreSQL: in one transaction, the
row is locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (another worker skips it), marked
sent, the email is handed to the SMTP server, and the transaction commits as soon as the
server has answered 250. A worker killed before that answer leaves no trace: its
connection drops, PostgreSQL rolls the mark back and releases the lock, an SMTP server
discards a message whose transaction did not end, and the next worker sends it. The one
window left is between the server's 250 and our COMMIT reaching PostgreSQL (a local
round trip): a kill exactly there sends the message again, with the same Message-ID. See
docs/operations.md, "Outbox", for the reasoning and what SQLite does instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, connections, router, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from parcours.observability.context import current_request_id, request_id_context

from .enums import OutboxStatus
from .models import OutboxMessage

logger = logging.getLogger(__name__)

_HANDLER_MARK = "_parcours_outbox_handler"
_HIDDEN_MARK = "_parcours_outbox_hidden"
# What the admin shows instead of a secret argument.
HIDDEN_VALUE = "••••••"


def outbox_handler(function: Callable | None = None, *, secret: tuple[str, ...] = ()):
    """Mark a function as a deliverer of outbox rows. It is called with the row's
    arguments and returns what to send: an EmailMessage, an object with a
    ``deliver(*, idempotency_key)`` method (SMS, webhook), or None for nothing to send.
    Only marked functions are ever called, whatever a row says.

    ``secret`` names arguments that must not outlive the sending (a one-time code):
    they are masked in the admin and erased from the row as soon as it is sent, found
    to have nothing to send, or given up. The handler is then called without them and
    must return None (there is nothing left to send)."""

    def mark(function: Callable) -> Callable:
        setattr(function, _HANDLER_MARK, True)
        setattr(function, _HIDDEN_MARK, tuple(secret))
        return function

    return mark(function) if function is not None else mark


def secret_arguments(path: str) -> tuple[str, ...]:
    """The names of a handler's secret arguments; all of them if the handler is unknown."""
    try:
        return getattr(_resolve(path), _HIDDEN_MARK, ())
    except Exception:  # a row whose handler is gone: show nothing of it
        return ("*",)


def masked_arguments(row: OutboxMessage) -> dict:
    secret = secret_arguments(row.handler)
    return {
        name: HIDDEN_VALUE if "*" in secret or name in secret else value
        for name, value in (row.arguments or {}).items()
    }


def _erase_secrets(row: OutboxMessage) -> list[str]:
    """Drop the secret arguments of a finished row; the fields to save."""
    secret = secret_arguments(row.handler)
    if not secret or "*" in secret or not any(name in row.arguments for name in secret):
        return []
    row.arguments = {name: value for name, value in row.arguments.items() if name not in secret}
    return ["arguments"]


def _path(handler: Callable | str) -> str:
    if isinstance(handler, str):
        return handler
    return f"{handler.__module__}.{handler.__qualname__}"


def outbox_put(*, handler: Callable | str, key: str, **arguments) -> OutboxMessage:
    """Record a side effect in the current transaction. Asking again with the same key
    returns the first row: a retried request or service call sends nothing twice."""
    message = OutboxMessage(
        handler=_path(handler),
        arguments=arguments,
        idempotency_key=key[:200],
        request_id=current_request_id()[:64],
    )
    if not _insert_unless_known(message):
        return OutboxMessage.objects.get(idempotency_key=message.idempotency_key)
    from parcours.worker.enqueue import enqueue_on_commit

    from .tasks import deliver_outbox_message

    enqueue_on_commit(deliver_outbox_message, message_id=message.pk)
    return message


def _insert_unless_known(message: OutboxMessage) -> bool:
    """Insert the row in one statement, unless its key is already there (then nothing is
    written and the transaction goes on): True if inserted, with its primary key set. One
    round trip to the database instead of a savepoint, a read, an insert and a release
    (every notification and webhook of a case goes through here)."""
    alias = router.db_for_write(OutboxMessage)
    database = connections[alias]
    meta = OutboxMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = database.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(message, True), database) for field in fields]
    statement = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model, values bound)
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('idempotency_key').column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with database.cursor() as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding = False
    message._state.db = alias
    return True


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: the base delay doubled at each failure, capped."""
    base = settings.PARCOURS_OUTBOX_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _resolve(path: str) -> Callable:
    function = import_string(path)
    if not getattr(function, _HANDLER_MARK, False):
        raise ValueError(f"{path} is not an outbox handler")
    return function


class Delivery:
    """One worker's pass over the outbox, reusing one SMTP connection for its emails."""

    def __init__(self):
        self._email_connection = None

    def close(self) -> None:
        if self._email_connection is not None:
            try:
                self._email_connection.close()
            except Exception:  # a connection that broke cannot be closed cleanly
                logger.debug("SMTP connection already closed", exc_info=True)
            self._email_connection = None

    def _send(self, row: OutboxMessage, payload) -> None:
        if isinstance(payload, EmailMessage):
            payload.extra_headers["Message-ID"] = row.message_id
            payload.extra_headers["X-Parcours-Idempotency-Key"] = row.idempotency_key
            if self._email_connection is None:
                self._email_connection = get_connection(fail_silently=False)
            payload.connection = self._email_connection
            try:
                payload.send(fail_silently=False)
            except Exception:
                self.close()  # start the next message on a fresh connection
                raise
        else:
            payload.deliver(idempotency_key=row.idempotency_key)

    def _failed(self, row: OutboxMessage, error: Exception) -> None:
        now = timezone.now()
        row.status = OutboxStatus.PENDING
        row.sent_at = None
        row.lease_until = None
        row.last_error = f"{error.__class__.__name__}: {error}"[:2000]
        erased = []
        if row.attempts >= settings.PARCOURS_OUTBOX_MAX_ATTEMPTS:
            row.status = OutboxStatus.DEAD
            erased = _erase_secrets(row)
            logger.error(
                "Outbox message %s failed for good after %s attempts: %s",
                row.idempotency_key,
                row.attempts,
                row.last_error,
            )
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            logger.warning(
                "Outbox message %s failed (attempt %s), next at %s: %s",
                row.idempotency_key,
                row.attempts,
                row.next_attempt_at.isoformat(),
                row.last_error,
            )
        row.save(
            update_fields=[
                "status",
                "sent_at",
                "lease_until",
                "last_error",
                "next_attempt_at",
                "attempts",
                *erased,
            ]
        )

    def _attempt(self, row: OutboxMessage) -> None:
        """Build and send one claimed row, and record the outcome on the row."""
        row.attempts += 1
        try:
            payload = _resolve(row.handler)(**row.arguments)
        except Exception as error:
            self._failed(row, error)
            return
        row.status = OutboxStatus.SKIPPED if payload is None else OutboxStatus.SENT
        row.sent_at = timezone.now() if payload is not None else None
        row.lease_until = None
        row.last_error = ""
        arguments = row.arguments
        try:
            with transaction.atomic():  # a savepoint: the mark goes if the sending fails
                row.save(
                    update_fields=[
                        "status",
                        "sent_at",
                        "lease_until",
                        "last_error",
                        "attempts",
                        *_erase_secrets(row),
                    ]
                )
                if payload is not None:
                    self._send(row, payload)
        except Exception as error:
            row.arguments = arguments  # still in the row: the savepoint rolled back
            self._failed(row, error)

    def deliver_locked(self, queryset) -> OutboxMessage | None:
        """PostgreSQL: the row stays locked, and its mark uncommitted, while it is sent."""
        with transaction.atomic():
            row = (
                queryset.select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if row is None:
                return None
            with request_id_context(row.request_id):
                self._attempt(row)
        return row

    def deliver_leased(self, queryset) -> OutboxMessage | None:
        """Without SKIP LOCKED (SQLite): claim the row with a lease that expires, in a
        short transaction, send, then mark. A worker that dies after sending and before
        marking leaves the lease to expire, and the row is sent again (same Message-ID)."""
        now = timezone.now()
        lease = timedelta(seconds=settings.PARCOURS_OUTBOX_LEASE_SECONDS)
        with transaction.atomic():
            row = queryset.exclude(lease_until__gt=now).order_by("next_attempt_at", "id").first()
            if row is None:
                return None
            claimed = (
                OutboxMessage.objects.filter(pk=row.pk, status=OutboxStatus.PENDING)
                .exclude(lease_until__gt=now)
                .update(lease_until=now + lease)
            )
        if not claimed:
            return row  # taken by another worker meanwhile: the caller moves on
        row.refresh_from_db()
        with request_id_context(row.request_id):
            self._attempt_unlocked(row)
        return row

    def _attempt_unlocked(self, row: OutboxMessage) -> None:
        """Send outside any transaction (SQLite would hold its write lock meanwhile),
        then mark."""
        row.attempts += 1
        try:
            payload = _resolve(row.handler)(**row.arguments)
            if payload is not None:
                self._send(row, payload)
        except Exception as error:
            self._failed(row, error)
            return
        row.status = OutboxStatus.SKIPPED if payload is None else OutboxStatus.SENT
        row.sent_at = timezone.now() if payload is not None else None
        row.lease_until = None
        row.last_error = ""
        row.save(
            update_fields=[
                "status",
                "sent_at",
                "lease_until",
                "last_error",
                "attempts",
                *_erase_secrets(row),
            ]
        )

    def deliver(self, queryset) -> OutboxMessage | None:
        if connection.features.has_select_for_update_skip_locked:
            return self.deliver_locked(queryset)
        return self.deliver_leased(queryset)


def due_messages(now=None):
    return OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now or timezone.now()
    )


def deliver_one(message_id: int) -> OutboxMessage | None:
    """Deliver one row now if it is due and nobody else holds it (the fast path)."""
    delivery = Delivery()
    try:
        return delivery.deliver(due_messages().filter(pk=message_id))
    finally:
        delivery.close()


def deliver_due(limit: int = 100) -> int:
    """Deliver up to ``limit`` due rows; returns how many were handled (sent, skipped or
    failed). Several workers may run this at once: each takes rows the others do not."""
    delivery = Delivery()
    handled = 0
    seen = set()
    try:
        while handled < limit:
            row = delivery.deliver(due_messages().exclude(pk__in=seen))
            if row is None:
                break
            seen.add(row.pk)
            handled += 1
    finally:
        delivery.close()
    return handled


def outbox_retry(*, queryset) -> int:
    """An operator sends failed rows again: from now, with a fresh count of attempts."""
    return queryset.filter(status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
