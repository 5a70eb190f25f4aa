"""The decision letter (CRPA L211-2, L212-1; CJA R421-5) and the attestation of an
implicit decision (CRPA L232-3), rendered as PDF and stored once by the worker."""

import contextlib
import datetime
import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from parcours.cases import services
from parcours.cases.decision_letters import (
    decision_letter_context,
    decision_letter_file_name,
    render_decision_letter_pdf_bytes,
    store_decision_letter_pdf,
)
from parcours.cases.enums import CaseState, DecisionOutcome
from parcours.cases.errors import CaseError
from parcours.cases.models import Decision
from parcours.cases.tasks import render_decision_letter_pdf
from tests.factories import CaseFactory, date

from .helpers import snapshot

pytestmark = pytest.mark.sqlite

REASONS = "Vous n'habitez pas la commune.\nLe justificatif de domicile date de 2024."


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def in_review(draft, citizen_a, agent_1):
    case = services.case_submit(case=draft, by=citizen_a.user)
    return services.case_start_review(case=case, by=agent_1.user)


@pytest.fixture
def rejected(in_review, agent_1):
    case = services.case_reject(
        case=in_review, by=agent_1.user, reasons=REASONS, today=date("2026-03-12")
    )
    return case.decisions.get()


def pdf_text(content: bytes) -> str:
    """The words of a PDF, whatever the line breaks."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def implicit_decision(procedure, citizen):
    case = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen), by=citizen.user
    )
    case = services.case_apply_implicit_decision(case=case, today=date("2026-05-03"))
    return case.decisions.get()


def test_the_rejection_letter_names_the_agent_gives_the_reasons_and_the_appeal_routes(rejected):
    content = render_decision_letter_pdf_bytes(rejected)

    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for mention in [
        # Letterhead: the organisation and the unit, with their address and contacts.
        "Ville de Bellerive",
        "Service Éducation",
        "1 place de la Mairie",
        "service@ville.example.org",
        "02 38 00 00 01",
        # The person, the case and the date.
        "Alice Durand",
        "3 rue des Lilas",
        rejected.case.reference,
        "Inscription scolaire",
        "Bellerive, le 12 mars 2026",
        # The outcome, its reasons and the texts applied.
        "Votre demande est refusée.",
        "Vous n'habitez pas la commune.",
        "Le justificatif de domicile date de 2024.",
        "Code des relations entre le public et l'administration",
        # Who decided.
        "Claire Martin",
        "Instructeur",
        # How to contest it, and until when.
        "recours gracieux",
        "recours contentieux",
        "Tribunal administratif d'Orléans",
        "28 rue de la Bretonnerie",
        "deux mois",
        "jusqu'au 12 mai 2026",
        "Télérecours",
    ]:
        assert mention in text, mention


def test_the_letter_is_written_in_the_language_the_person_chose(rejected, citizen_a):
    citizen_a.preferred_language = "en"
    citizen_a.save()
    rejected.case.person.refresh_from_db()

    with_preference = pdf_text(render_decision_letter_pdf_bytes(rejected))
    in_french = pdf_text(render_decision_letter_pdf_bytes(rejected, language="fr"))

    assert "12 March 2026" in with_preference
    assert "12 mars 2026" in in_french


@pytest.mark.parametrize("outcome", DecisionOutcome.values)
def test_every_outcome_is_told_in_plain_words(rejected, outcome):
    rejected.outcome = outcome

    context = decision_letter_context(rejected)

    assert context["outcome_words"].startswith("Votre demande est")
    assert context["letter_title"] == "Décision sur votre demande"
    assert context["shows_appeal_routes"]


def test_an_implicit_acceptance_gives_an_attestation_with_the_date_and_its_meaning(
    procedure, citizen_a
):
    decision = implicit_decision(procedure, citizen_a)

    text = pdf_text(render_decision_letter_pdf_bytes(decision))

    assert "Attestation de décision implicite d'acceptation" in text
    assert "L232-3" in text
    assert "Depuis le 2 mai 2026, ce silence vaut décision" in text
    assert "Votre demande est acceptée" in text
    assert "reçue le 2 mars 2026" in text
    # Nobody signed it, and there is nothing for the person to contest.
    assert "Claire Martin" not in text
    assert "recours contentieux" not in text
    assert decision_letter_file_name(decision) == (
        f"attestation-decision-implicite-{decision.case.reference}-2026-05-02.pdf"
    )


def test_an_implicit_rejection_gives_an_attestation_with_the_appeal_routes(
    rejecting_procedure, citizen_a
):
    decision = implicit_decision(rejecting_procedure, citizen_a)

    text = pdf_text(render_decision_letter_pdf_bytes(decision))

    assert "Attestation de décision implicite de rejet" in text
    assert "Depuis le 2 mai 2026, ce silence vaut décision" in text
    assert "considérée comme refusée" in text
    assert "L232-4" in text  # the person may ask for the reasons
    assert "recours gracieux" in text
    assert "Tribunal administratif d'Orléans" in text
    assert "à compter de la naissance de cette décision, le 2 mai 2026" in text
    assert "jusqu'au 2 juillet 2026" in text


@pytest.mark.parametrize("reasons", ["", "   \n "])
def test_a_rejection_without_reasons_is_refused_and_changes_nothing(in_review, agent_1, reasons):
    before = snapshot(in_review)

    with pytest.raises(CaseError, match="Un motif est obligatoire") as refused:
        services.case_reject(case=in_review, by=agent_1.user, reasons=reasons)

    assert refused.value.field == "reason"
    assert snapshot(in_review) == before
    in_review.refresh_from_db()
    assert in_review.state == CaseState.IN_REVIEW


def test_the_worker_stores_the_letter_once_the_decision_is_committed(
    in_review, agent_1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = services.case_reject(case=in_review, by=agent_1.user, reasons=REASONS)

    decision = case.decisions.get()
    assert callbacks  # the letter waited for the commit
    assert decision.letter_pdf.name.startswith(f"decisions/{case.organisation_id}/")
    with decision.letter_pdf.open("rb") as stored:
        assert "Vous n'habitez pas la commune." in pdf_text(stored.read())


def test_an_implicit_decision_has_its_attestation_stored_after_commit(
    procedure, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = implicit_decision(procedure, citizen_a)

    decision.refresh_from_db()
    assert decision.letter_pdf


def test_no_letter_is_rendered_for_a_decision_rolled_back(
    in_review, agent_1, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        services.case_reject(case=in_review, by=agent_1.user, reasons=REASONS)
        raise RuntimeError("Something failed after the decision, in the same transaction.")

    assert callbacks == []
    assert not Decision.objects.filter(case=in_review).exists()


def test_storing_the_letter_twice_renders_it_once(rejected):
    assert render_decision_letter_pdf.call(decision_id=rejected.pk) is True
    rejected.refresh_from_db()
    first = rejected.letter_pdf.name

    assert store_decision_letter_pdf(rejected.pk) is False
    rejected.refresh_from_db()
    assert rejected.letter_pdf.name == first


def test_storing_the_letter_of_a_decision_that_no_longer_exists_does_nothing(db):
    assert store_decision_letter_pdf(987654) is False


def test_the_letter_file_has_a_readable_name(rejected):
    assert decision_letter_file_name(rejected) == (
        f"decision-{rejected.case.reference}-2026-03-12.pdf"
    )
