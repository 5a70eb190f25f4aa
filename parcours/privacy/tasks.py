"""Background work on personal data, run by the worker (`manage.py run_worker`)."""

from django_tasks import task

from .retention import run_retention


@task()
def apply_retention() -> dict:
    """Periodic (daily): anonymise the closed cases and delete the documents whose
    retention period is over. Idempotent: each step is done once per case."""
    report = run_retention()
    return {
        "documents_deleted": report.documents_deleted,
        "cases_anonymised": len(report.cases_anonymised),
        "people_anonymised": len(report.people_anonymised),
    }
