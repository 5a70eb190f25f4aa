"""The email that tells a decision links to its letter and says until when to contest it."""

import datetime

import pytest

from parcours.cases import services
from tests.factories import CaseFactory, ProcedureFactory

pytestmark = pytest.mark.sqlite

BASE_URL = "https://demarches.bellerive.example"


@pytest.fixture(autouse=True)
def on_thursday_12_march(time_machine, settings):
    time_machine.move_to(datetime.datetime(2026, 3, 12, 10, 0, tzinfo=datetime.UTC), tick=False)
    settings.PARCOURS_BASE_URL = BASE_URL


@pytest.fixture(autouse=True)
def no_pdfs(monkeypatch):
    # The PDFs are rendered after the commit too; their own tests live with the cases.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    monkeypatch.setattr(services, "_after_commit_render_decision_letter", lambda decision: None)


@pytest.fixture
def in_review(draft, citizen_a, agent_1):
    case = services.case_submit(case=draft, by=citizen_a.user)
    return services.case_start_review(case=case, by=agent_1.user)


def letter_url(case) -> str:
    return f"{BASE_URL}/dossiers/{case.reference}/decisions/{case.decisions.get().pk}/"


@pytest.mark.parametrize(
    "decide",
    [
        lambda case, by: services.case_accept(case=case, by=by),
        lambda case, by: services.case_reject(case=case, by=by, reasons="Hors délai."),
        lambda case, by: services.case_close_without_action(case=case, by=by, reason="Doublon."),
    ],
    ids=["accepted", "rejected", "closed_without_action"],
)
def test_a_decision_email_links_to_the_letter_and_gives_the_appeal_deadline(
    in_review, agent_1, mailoutbox, django_capture_on_commit_callbacks, decide
):
    with django_capture_on_commit_callbacks(execute=True):
        case = decide(in_review, agent_1.user)

    (message,) = mailoutbox
    ((html, _),) = message.alternatives
    assert "jusqu'au 12 mai 2026" in message.body
    assert f"avec ses motifs et les voies de recours : {letter_url(case)}" in message.body
    assert f'href="{letter_url(case)}"' in html


def test_an_implicit_rejection_email_links_to_the_attestation(
    citizen_a, unit_1, mailoutbox, django_capture_on_commit_callbacks
):
    procedure = ProcedureFactory(handling_unit=unit_1, silence_rejects=True)
    case = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.apply_due_implicit_decisions(today=datetime.date(2026, 5, 13))

    (message,) = mailoutbox
    assert letter_url(case) in message.body
    assert "jusqu'au 13 juillet 2026" in message.body


def test_an_email_about_anything_but_a_decision_has_no_letter_link(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=draft, by=citizen_a.user)

    (message,) = mailoutbox
    assert "/decisions/" not in message.body
    assert "courrier de décision" not in message.body
