"""Restore a backup made by `manage.py backup`: replaces the database and the documents."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.privacy.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup (replaces the configured database's tables and the documents)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a directory made by manage.py backup")
        parser.add_argument(
            "--into-database",
            help="PostgreSQL: restore into this other, empty database (to check a backup)",
        )
        parser.add_argument(
            "--documents", type=Path, help="restore the documents here instead of their place"
        )
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the current data is replaced"
        )

    def handle(self, *args, directory, yes, into_database, documents, **options):
        if not yes and not into_database:
            answer = input("This replaces the current database and documents. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Nothing restored.")
        try:
            manifest = restore(directory, into_database=into_database, documents=documents)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored the backup made at {manifest['made_at']}."))
