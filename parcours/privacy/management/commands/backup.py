"""Back up the database and the documents into a new directory (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.privacy.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's online backup) and the documents."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new, empty directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backup of the {manifest['database']} database in {directory}.")
        )
