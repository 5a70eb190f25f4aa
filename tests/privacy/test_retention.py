"""The retention run: on a seeded data set, exactly what is due goes, nothing else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.cases import queue, services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case, Document
from parcours.privacy.journal import verify_chain
from parcours.privacy.models import AccessLogEntry, RetentionRecord
from parcours.privacy.retention import run_retention
from tests.cases.test_documents_service import PDF
from tests.factories import CaseFactory, PersonFactory

NOW = datetime.datetime(2026, 11, 26, 3, 0, tzinfo=datetime.UTC)


def months_ago(months: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=round(months * 30.5))


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)


@pytest.fixture
def kept(procedure):
    procedure.retention_months = 24
    procedure.document_retention_months = 6
    procedure.save()
    return procedure


def case_with_document(procedure, person, agent, *, closed_months_ago=None, open_since=None):
    """A case with a document, accepted ``closed_months_ago`` months ago (or left open)."""
    at = months_ago(closed_months_ago if closed_months_ago is not None else open_since)
    draft = CaseFactory(procedure=procedure, person=person, situation="Ma situation.")
    services.document_add(case=draft, by=person.user, upload=SimpleUploadedFile("piece.pdf", PDF))
    case = services.case_submit(case=draft, by=person.user, now=at)
    if closed_months_ago is None:
        return case
    queue.case_take(case=case, by=agent.user, reason="Dossier de test.")
    case = services.case_start_review(case=case, by=agent.user)
    return services.case_accept(case=case, by=agent.user)


@pytest.fixture
def seeded(kept, organisation, citizen_a, agent_1, time_machine):
    def at(months):
        time_machine.move_to(months_ago(months), tick=False)

    carl = PersonFactory(organisation=organisation, given_name="Carl", family_name="Roux")
    at(30)
    old_a = case_with_document(kept, citizen_a, agent_1, closed_months_ago=30)
    old_carl = case_with_document(kept, carl, agent_1, closed_months_ago=30)
    open_long = case_with_document(kept, citizen_a, agent_1, open_since=40)
    at(12)
    closed_a_year_ago = case_with_document(kept, citizen_a, agent_1, closed_months_ago=12)
    at(3)
    recent = case_with_document(kept, citizen_a, agent_1, closed_months_ago=3)
    draft = CaseFactory(procedure=kept, person=citizen_a)
    time_machine.move_to(NOW, tick=False)
    return {
        "old_a": old_a,
        "old_carl": old_carl,
        "open_long": open_long,
        "closed_a_year_ago": closed_a_year_ago,
        "recent": recent,
        "draft": draft,
        "carl": carl,
    }


def statistics():
    return sorted(
        Case.objects.values_list(
            "pk", "state", "procedure_id", "unit_id", "channel", "submitted_at", "decided_at"
        )
    )


def test_a_retention_run_removes_exactly_what_is_due(seeded, citizen_a):
    before = statistics()
    documents_before = {
        c: set(Document.objects.filter(case=seeded[c]).values_list("pk", flat=True))
        for c in seeded
        if c != "carl"
    }

    report = run_retention(now=NOW)

    # Anonymised: the two cases closed 30 months ago (kept 24).
    assert sorted(report.cases_anonymised) == sorted([seeded["old_a"].pk, seeded["old_carl"].pk])
    for name in ("old_a", "old_carl"):
        case = Case.objects.get(pk=seeded[name].pk)
        assert case.form_data == {}
        assert case.situation == ""
        assert not Document.objects.filter(case=case).exists()
    # Documents deleted, case kept: closed 12 months ago (documents kept 6).
    assert sorted(report.cases_with_documents_deleted) == sorted(
        [seeded["old_a"].pk, seeded["old_carl"].pk, seeded["closed_a_year_ago"].pk]
    )
    year_old = Case.objects.get(pk=seeded["closed_a_year_ago"].pk)
    assert year_old.situation == "Ma situation."
    assert not Document.objects.filter(case=year_old).exists()
    # Untouched: closed 3 months ago, open for 40 months, a draft.
    for name in ("recent", "open_long", "draft"):
        case = Case.objects.get(pk=seeded[name].pk)
        assert case.situation == seeded[name].situation
        assert (
            set(Document.objects.filter(case=case).values_list("pk", flat=True))
            == documents_before[name]
        )
    # The person with nothing left is anonymised; citizen A still has cases, and is not.
    assert report.people_anonymised == [seeded["carl"].pk]
    seeded["carl"].refresh_from_db()
    assert (seeded["carl"].given_name, seeded["carl"].email, seeded["carl"].user_id) == (
        "—",
        "",
        None,
    )
    citizen_a.refresh_from_db()
    assert citizen_a.given_name == "Alice"
    # The statistics see the same cases, states, procedures, units, channels and dates.
    assert statistics() == before
    # Each step is in the journal, and the chain holds.
    assert AccessLogEntry.objects.filter(via="system").count() == 3 + 2 + 1
    assert verify_chain()[1] is None


def test_a_second_run_does_nothing_more(seeded):
    run_retention(now=NOW)
    records = RetentionRecord.objects.count()
    again = run_retention(now=NOW)
    assert again.cases_anonymised == []
    assert again.documents_deleted == 0
    assert RetentionRecord.objects.count() == records


def test_nothing_is_due_before_its_time(seeded):
    report = run_retention(now=months_ago(29))
    assert report.cases_anonymised == []
    assert seeded["old_a"].state == CaseState.ACCEPTED
