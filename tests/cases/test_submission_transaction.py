"""One transaction per submission, the reference counter held only at its end, and the
background work it asks for queued inside it (with tasks stored in the database, as in
production)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from parcours.cases import services
from parcours.cases.errors import CaseError
from parcours.cases.models import Case, Receipt, ReferenceCounter
from tests.factories import CaseFactory

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def first(statements: list[str], *words: str) -> int:
    return next(i for i, sql in enumerate(statements) if all(w in sql for w in words))


@pytest.mark.django_db(transaction=True)
def test_a_submission_queues_its_receipt_and_its_email_before_its_one_commit(
    settings, procedure, citizen_a
):
    settings.TASKS = DATABASE_BACKEND
    draft = CaseFactory(procedure=procedure, person=citizen_a)

    with CaptureQueriesContext(connection) as captured:
        case = services.case_submit(case=draft, by=citizen_a.user)

    statements = [query["sql"] for query in captured.captured_queries]
    commit = first(statements, "COMMIT")
    receipt = first(statements, "INSERT", Receipt._meta.db_table)
    counter = first(statements, "INSERT", ReferenceCounter._meta.db_table)
    assert first(statements, "INSERT", "render_receipt_pdf") < commit
    assert first(statements, "INSERT", "deliver_outbox_message") < commit
    # The counter, which makes concurrent submissions wait, is taken after the receipt.
    assert receipt < counter < commit
    assert case.reference.endswith("-000001")
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {
        "parcours.cases.tasks.render_receipt_pdf",
        "parcours.outbox.tasks.deliver_outbox_message",
    } <= queued


@pytest.mark.django_db(transaction=True)
def test_a_refused_submission_queues_nothing_and_takes_no_number(settings, procedure, citizen_a):
    settings.TASKS = DATABASE_BACKEND
    draft = CaseFactory(procedure=procedure, person=citizen_a, form_data={})

    with pytest.raises(CaseError):
        services.case_submit(case=draft, by=citizen_a.user)

    assert not DBTaskResult.objects.exists()
    assert not ReferenceCounter.objects.exists()
    assert Case.objects.get(pk=draft.pk).reference is None


@pytest.mark.django_db(transaction=True)
def test_a_fresh_draft_is_submitted_without_being_read_again(settings, procedure, citizen_a):
    settings.TASKS = DATABASE_BACKEND
    with transaction.atomic():
        draft = CaseFactory(procedure=procedure, person=citizen_a)
        with CaptureQueriesContext(connection) as captured:
            case = services.case_submit(case=draft, by=citizen_a.user, fresh=True)
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any(sql.startswith("SELECT") and Case._meta.db_table in sql for sql in statements)
    assert not any("SAVEPOINT" in sql for sql in statements)
    assert Case.objects.get(pk=case.pk).reference == case.reference


@pytest.mark.django_db(transaction=True)
def test_fresh_is_refused_outside_a_transaction_or_for_a_case_already_sent(procedure, citizen_a):
    draft = CaseFactory(procedure=procedure, person=citizen_a)
    # Outside a transaction the draft may have been seen, and changed, by another one.
    with pytest.raises(CaseError, match="brouillon créé dans cette transaction"):
        services.case_submit(case=draft, by=citizen_a.user, fresh=True)
    sent = services.case_submit(case=draft, by=citizen_a.user)
    with transaction.atomic(), pytest.raises(CaseError):
        services.case_submit(case=sent, by=citizen_a.user, fresh=True)
    assert Case.objects.get(pk=draft.pk).reference == sent.reference
