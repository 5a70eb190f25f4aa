"""A backup restored into a fresh database, and its documents, hold the data."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from parcours.privacy.backup import BackupError, backup, restore
from tests.factories import PersonFactory

RESTORED = "parcours_restore_check"


def admin_connection():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_finds_the_data(tmp_path, organisation, settings):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore")
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    PersonFactory(organisation=organisation, given_name="Zoé", family_name="Sauvegarde")
    documents = tmp_path / "private"
    (documents / "cases" / "1").mkdir(parents=True)
    (documents / "cases" / "1" / "avis.pdf").write_bytes(b"%PDF-1.4 avis")

    call_command("backup", str(tmp_path / "backup"))
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {RESTORED}")
        admin.execute(f"CREATE DATABASE {RESTORED}")
    try:
        restore(tmp_path / "backup", into_database=RESTORED, documents=tmp_path / "restored")
        params = connection.get_connection_params()
        with psycopg.connect(
            host=params.get("host"),
            port=params.get("port"),
            user=params.get("user"),
            dbname=RESTORED,
        ) as restored:
            names = restored.execute(
                "SELECT given_name, family_name FROM people_person WHERE family_name = %s",
                ["Sauvegarde"],
            ).fetchall()
            trigger = restored.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'privacy_journal_append_only'"
            ).fetchall()
        assert names == [("Zoé", "Sauvegarde")]
        assert trigger == [(1,)]  # the journal's guard comes back with the schema
        restored_file = tmp_path / "restored" / "cases" / "1" / "avis.pdf"
        assert restored_file.read_bytes() == b"%PDF-1.4 avis"
    finally:
        with admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


@pytest.mark.sqlite
def test_a_backup_goes_into_a_new_directory_only(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "file").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "old")


@pytest.mark.sqlite
def test_a_directory_that_is_not_a_backup_is_refused(tmp_path):
    with pytest.raises(BackupError, match="not a Parcours backup"):
        restore(tmp_path)
