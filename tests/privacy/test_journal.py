"""The access journal: one chained entry per access, append-only, tampering found."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from parcours.privacy.enums import JournalAction, JournalVia
from parcours.privacy.journal import GENESIS_HASH, entry_hash, record_access, verify_chain
from parcours.privacy.models import AccessLogEntry


@pytest.fixture
def case(submitted):
    return submitted


@pytest.mark.sqlite
def test_an_access_is_recorded_with_who_what_and_why(agent_1, citizen_a, case, rf):
    request = rf.get(f"/agents/dossiers/{case.reference}/")
    entry = record_access(agent_1.user, citizen_a, JournalAction.READ, case=case, request=request)
    entry.refresh_from_db()
    assert entry.person_id == citizen_a.pk
    assert entry.case_reference == case.reference
    assert entry.actor_name == "Claire Martin"
    assert entry.actor_units == "Service Éducation"
    assert entry.via == JournalVia.BACKOFFICE
    assert entry.path == f"/agents/dossiers/{case.reference}/"
    assert entry.previous_hash == GENESIS_HASH
    assert entry.entry_hash == entry_hash(entry, GENESIS_HASH)


@pytest.mark.sqlite
def test_entries_are_chained_and_the_chain_verifies(agent_1, citizen_a, citizen_b, case):
    first = record_access(agent_1.user, citizen_a, JournalAction.READ, case=case)
    second = record_access(agent_1.user, citizen_b, JournalAction.CHANGE)
    assert second.previous_hash == first.entry_hash
    assert verify_chain() == (2, None)


@pytest.mark.sqlite
def test_the_orm_refuses_to_change_or_delete_an_entry(agent_1, citizen_a):
    entry = record_access(agent_1.user, citizen_a, JournalAction.READ)
    entry.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(ValueError, match="append-only"):
        AccessLogEntry.objects.all().delete()


@pytest.mark.sqlite
def test_an_unknown_action_is_refused(agent_1, citizen_a):
    with pytest.raises(ValueError, match="Unknown journal action"):
        record_access(agent_1.user, citizen_a, "peek")


def test_postgresql_refuses_update_and_delete_of_a_row(agent_1, citizen_a):
    from django.db import DatabaseError, transaction

    entry = record_access(agent_1.user, citizen_a, JournalAction.READ)
    for statement in (
        "UPDATE privacy_accesslogentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM privacy_accesslogentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])


def _tamper(sql, params):
    """What someone with the database owner's rights could do: lift the guard, change."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE privacy_accesslogentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE privacy_accesslogentry ENABLE TRIGGER USER")


def test_verify_journal_names_the_first_changed_entry(agent_1, citizen_a, case, capsys):
    entries = [
        record_access(agent_1.user, citizen_a, JournalAction.READ, case=case) for _ in range(4)
    ]
    call_command("verify_journal")
    assert "4 entries checked" in capsys.readouterr().out
    _tamper(
        "UPDATE privacy_accesslogentry SET actor_name = 'Quelqu''un d''autre' WHERE id = %s",
        [entries[2].pk],
    )
    with pytest.raises(CommandError, match=f"broken at entry {entries[2].pk}: its content"):
        call_command("verify_journal")


def test_verify_journal_finds_a_removed_entry(agent_1, citizen_a):
    entries = [record_access(agent_1.user, citizen_a, JournalAction.READ) for _ in range(3)]
    _tamper("DELETE FROM privacy_accesslogentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"broken at entry {entries[2].pk}: its previous hash"):
        call_command("verify_journal")


@pytest.mark.sqlite
def test_verify_journal_finds_a_forged_entry(agent_1, citizen_a, citizen_b):
    entries = [record_access(agent_1.user, citizen_a, JournalAction.READ) for _ in range(3)]
    # A copy of an existing row about someone else, its hash recomputed on the link it
    # copied: it does not follow the last entry, so the chain breaks there.
    forged = AccessLogEntry(
        pk=entries[-1].pk + 1,
        created_at=entries[1].created_at,
        organisation_id=citizen_b.organisation_id,
        person_id=citizen_b.pk,
        actor_name=entries[1].actor_name,
        action=JournalAction.READ,
        via=JournalVia.BACKOFFICE,
        purpose="case_handling",
        previous_hash=entries[1].previous_hash,
    )
    forged.entry_hash = entry_hash(forged, forged.previous_hash)
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=f"broken at entry {forged.pk}: its previous hash"):
        call_command("verify_journal")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(agent_1, citizen_a):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    errors = []

    def write():
        try:
            for _ in range(10):
                record_access(agent_1.user, citizen_a, JournalAction.READ)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert verify_chain() == (40, None)
