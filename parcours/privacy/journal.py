"""The access journal: record who read or changed a person's data, and verify the chain.

Every read or change of a person's data by an agent, a helper, the API or a background
job goes through :func:`record_access`. Entries are chained: each one stores the
SHA-256 hash of its canonical content followed by the previous entry's hash, so that
changing, deleting or inserting a row anywhere is found by :func:`verify_chain`
(``manage.py verify_journal``). Writers take a lock before reading the last hash
(a PostgreSQL advisory lock held until the transaction ends; SQLite already lets one
writer at a time), so concurrent requests keep one single chain.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from parcours.organisations import permissions
from parcours.organisations.selectors import agent_for

from .enums import JournalAction, JournalPurpose, JournalVia
from .models import AccessLogEntry

GENESIS_HASH = "0" * 64
# The key of the PostgreSQL advisory lock that serialises writers of the journal.
JOURNAL_LOCK_KEY = 0x5041_5243_4A4E  # "PARCJN"

# The fields covered by the hash, in this order (the primary key included: a row
# moved or removed shows). Adding a field here breaks the chains already written.
HASHED_FIELDS = (
    "id",
    "created_at",
    "organisation_id",
    "person_id",
    "case_id",
    "case_reference",
    "actor_id",
    "actor_name",
    "actor_title",
    "actor_units",
    "action",
    "via",
    "purpose",
    "reason",
    "object_type",
    "object_id",
    "object_label",
    "path",
)


def canonical(entry: AccessLogEntry) -> str:
    """The entry's content as one canonical JSON text (sorted keys, UTC timestamps)."""
    values = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if name == "created_at":
            value = value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values[name] = value
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(entry: AccessLogEntry, previous_hash: str) -> str:
    digest = hashlib.sha256()
    digest.update(canonical(entry).encode())
    digest.update(b"\n")
    digest.update(previous_hash.encode())
    return digest.hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK_KEY])


def _describe_actor(actor) -> tuple[str, str, str]:
    """Name, title and units of whoever acts, as the person will read them."""
    if actor is None:
        return "", "", ""
    agent = agent_for(actor)
    name = actor.get_full_name() or actor.email
    if agent is None:
        return name, "", ""
    units = ", ".join(unit.name for unit in permissions.handled_units(agent).order_by("name"))
    if not units:
        units = ", ".join(unit.name for unit in agent.units.order_by("name"))
    return agent.display_name, agent.title, units


def _describe_object(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    starts_at = getattr(obj, "starts_at", None)
    if starts_at is not None:  # an appointment: its time, formatted when read
        return obj._meta.label_lower, str(obj.pk), starts_at.isoformat()
    label = getattr(obj, "journal_label", None)
    if callable(label):
        label = label()
    if label is None:
        label = getattr(obj, "original_name", None) or str(obj)
    return obj._meta.label_lower, str(obj.pk), str(label)[:300]


def record_access(
    actor,
    person,
    action: str,
    *,
    case=None,
    obj=None,
    reason: str = "",
    purpose: str = JournalPurpose.CASE_HANDLING,
    request=None,
    via: str = JournalVia.BACKOFFICE,
    now=None,
) -> AccessLogEntry:
    """Append one entry to the access journal and return it.

    - ``actor``: the user who reads or changes the data (an agent, a helper, an API
      token's agent), or None for a background job (then say who in ``reason``).
    - ``person``: the ``people.Person`` whose data is reached (required).
    - ``action``: a ``JournalAction`` value (read, change, download, export, …).
    - ``case``: the case concerned, if any (its reference is kept as written).
    - ``obj``: the object reached within the case or record (a document, a message, an
      appointment…); its label is kept (``journal_label`` if it has one, else its
      ``original_name`` or ``str()``).
    - ``reason``: the reason stated by the actor (outside their units, under a
      mandate) or the job's explanation; shown to the person.
    - ``purpose``: a ``JournalPurpose`` value, the end of the sentence the person reads
      ("pour le traitement de votre demande" by default).
    - ``request``: the HTTP request, to keep its path.
    - ``via``: a ``JournalVia`` value: backoffice (default), api, helper, admin, system.

    The entry is chained to the previous one under a lock, in its own atomic block (a
    savepoint within the caller's transaction: if the caller rolls back, the entry goes
    with what it recorded).
    """
    if action not in JournalAction.values:
        raise ValueError(f"Unknown journal action: {action!r}")
    if via not in JournalVia.values:
        raise ValueError(f"Unknown journal channel: {via!r}")
    if purpose not in JournalPurpose.values:
        raise ValueError(f"Unknown journal purpose: {purpose!r}")
    actor_name, actor_title, actor_units = _describe_actor(actor)
    object_type, object_id, object_label = _describe_object(obj)
    with transaction.atomic():
        _lock_chain()
        last = AccessLogEntry.objects.order_by("-pk").values_list("pk", "entry_hash").first()
        previous_pk, previous_hash = last if last else (0, GENESIS_HASH)
        entry = AccessLogEntry(
            created_at=now or timezone.now(),
            organisation_id=person.organisation_id,
            person_id=person.pk,
            case_id=case.pk if case is not None else None,
            case_reference=(case.reference or "") if case is not None else "",
            actor_id=actor.pk if actor is not None else None,
            actor_name=actor_name,
            actor_title=actor_title,
            actor_units=actor_units[:400],
            action=action,
            via=via,
            purpose=purpose,
            reason=reason or "",
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            path=(request.path[:500] if request is not None else ""),
            previous_hash=previous_hash,
        )
        # The primary key is part of the hash: take the next one explicitly, under the lock.
        entry.pk = _next_pk(previous_pk)
        entry.entry_hash = entry_hash(entry, previous_hash)
        entry.save(force_insert=True)
    return entry


def _next_pk(previous_pk: int) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                [AccessLogEntry._meta.db_table],
            )
            return cursor.fetchone()[0]
    return previous_pk + 1


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why."""

    entry_id: int
    reason: str


def _entries(batch_size: int = 2000) -> Iterator[AccessLogEntry]:
    last_pk = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


def verify_chain() -> tuple[int, Break | None]:
    """Walk the whole journal in order; return how many entries were checked and the
    first break (None when the chain holds)."""
    previous_hash = GENESIS_HASH
    checked = 0
    for entry in _entries():
        if entry.previous_hash != previous_hash:
            return checked, Break(
                entry.pk,
                "its previous hash does not match the entry before it "
                "(an entry was removed, inserted or changed before it)",
            )
        if entry.entry_hash != entry_hash(entry, previous_hash):
            return checked, Break(entry.pk, "its content does not match its hash (changed)")
        previous_hash = entry.entry_hash
        checked += 1
    return checked, None
