"""Run the retention job now (the worker runs it daily): anonymise and delete what is due."""

from django.core.management.base import BaseCommand

from parcours.privacy.retention import run_retention


class Command(BaseCommand):
    help = "Anonymise the closed cases and delete the documents whose retention period is over."

    def handle(self, *args, **options):
        report = run_retention()
        self.stdout.write(
            f"{report.documents_deleted} documents deleted, "
            f"{len(report.cases_anonymised)} cases anonymised, "
            f"{len(report.people_anonymised)} people anonymised."
        )
