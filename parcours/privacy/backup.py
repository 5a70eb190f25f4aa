"""Back up and restore the database and the documents (docs/backup.md).

A backup is a directory holding ``database.dump`` (PostgreSQL, ``pg_dump`` custom
format) or ``database.sqlite3`` (SQLite, a consistent copy through SQLite's online
backup), ``documents.tar.gz`` (the private storage: documents, receipts and letters)
and ``manifest.json`` (when, which database, what was copied).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"
SQLITE = "database.sqlite3"
DOCUMENTS = "documents.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(target: Path, *, database: str = "default", documents: Path | None = None) -> dict:
    """Write a backup into ``target`` (created; must be empty or absent)."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory for each backup.")
    db = connections[database].settings_dict
    vendor = connections[database].vendor
    if vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *_pg_args(db),
                "-f",
                str(target / DUMP),
                db["NAME"],
            ],
            _pg_env(db),
        )
    elif vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target / SQLITE)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    documents = Path(documents or settings.PRIVATE_STORAGE_ROOT)
    with tarfile.open(target / DOCUMENTS, "w:gz") as archive:
        if documents.exists():
            archive.add(documents, arcname="documents")
    manifest = {
        "made_at": timezone.now().isoformat(),
        "database": vendor,
        "database_name": str(db["NAME"]),
        "documents": str(documents),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(
    source: Path,
    *,
    database: str = "default",
    documents: Path | None = None,
    into_database: str | None = None,
) -> dict:
    """Restore a backup made by :func:`backup` into the configured database (its tables
    are replaced) and the documents directory (its files are replaced).

    ``into_database``: on PostgreSQL, another (existing, empty) database of the same
    server to restore into instead, to check a backup without touching the live data.
    """
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} is not a Parcours backup (no {MANIFEST}).")
    manifest = json.loads(manifest_path.read_text())
    db = connections[database].settings_dict
    vendor = connections[database].vendor
    if manifest["database"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; the configured one is {vendor}."
        )
    if into_database is None:
        connections[database].close()
    if vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(db),
                "-d",
                into_database or db["NAME"],
                str(source / DUMP),
            ],
            _pg_env(db),
        )
    else:
        copy = sqlite3.connect(source / SQLITE)
        target = sqlite3.connect(db["NAME"])
        with target:
            copy.backup(target)
        target.close()
        copy.close()
    documents = Path(documents or settings.PRIVATE_STORAGE_ROOT)
    if into_database is not None and documents == Path(settings.PRIVATE_STORAGE_ROOT):
        return manifest  # a check of the database only: the live documents stay
    with tarfile.open(source / DOCUMENTS, "r:gz") as archive:
        if documents.exists():
            shutil.rmtree(documents)
        documents.mkdir(parents=True, exist_ok=True)
        for member in archive.getmembers():
            if not member.name.startswith("documents"):
                continue
            member.name = member.name.removeprefix("documents").lstrip("/")
            if member.name:
                archive.extract(member, documents, filter="data")
    return manifest
