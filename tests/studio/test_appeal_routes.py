"""The appeal routes written in the studio's legal settings reach the person: on the
decision letter (page and PDF) and on their case page, as the version the case was filed
under says, not the procedure's current version."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from parcours.cases import services as case_services
from parcours.cases.decision_letters import (
    decision_letter_context,
    render_decision_letter_pdf_bytes,
)
from parcours.studio import services
from parcours.studio.content import version_content
from tests.factories import CaseFactory

from .test_versions import V1_FORM, complete

pytestmark = pytest.mark.sqlite

ROUTE_A = "Recours gracieux auprès du maire de Bellerive, place de la Mairie."
ROUTE_B = "Recours préalable obligatoire auprès du président du conseil départemental."


def publish_with_route(procedure, route: str):
    draft = services.draft_open(procedure=procedure, by=None)
    services.draft_save(version=draft, by=None, form_definition=V1_FORM)
    complete(draft)
    content = version_content(draft)
    content["legal"]["appeal_routes"] = route
    services.draft_save(version=draft, by=None, content=content)
    return services.version_publish(version=draft, by=None)


@pytest.fixture(autouse=True)
def no_pdf_tasks(monkeypatch):
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)
    monkeypatch.setattr(case_services, "_after_commit_render_decision_letter", lambda d: None)


@pytest.fixture
def decided_under_route_a(procedure, citizen_a, agent_1):
    """A case filed under a version with route A, rejected after version 2 (route B)
    was published."""
    version_a = publish_with_route(procedure, ROUTE_A)
    answers = {"subject": "Rentrée", "school": "curie"}
    case = CaseFactory(procedure=procedure, person=citizen_a, form_data=answers)
    assert case.procedure_version == version_a
    case = case_services.case_submit(case=case, by=citizen_a.user)
    procedure.refresh_from_db()
    version_b = publish_with_route(procedure, ROUTE_B)
    procedure.refresh_from_db()
    assert procedure.current_version == version_b
    case = case_services.case_start_review(case=case, by=agent_1.user)
    case = case_services.case_reject(
        case=case, by=agent_1.user, reasons="Vous n'habitez pas la commune."
    )
    return case.decisions.get()


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_the_letter_names_the_routes_of_the_version_the_case_was_filed_under(
    decided_under_route_a,
):
    context = decision_letter_context(decided_under_route_a)
    assert context["appeal_routes"] == ROUTE_A
    text = pdf_text(render_decision_letter_pdf_bytes(decided_under_route_a))
    assert "Recours gracieux auprès du maire de Bellerive" in text
    assert "président du conseil départemental" not in text


def test_the_citizen_reads_route_a_on_the_letter_page_and_on_the_case_page(
    decided_under_route_a, citizen_a, client
):
    case = decided_under_route_a.case
    client.force_login(citizen_a.user)
    letter = client.get(
        reverse("portal:decision", args=[case.reference, decided_under_route_a.pk])
    ).content.decode()
    assert ROUTE_A in letter
    assert ROUTE_B not in letter
    page = client.get(reverse("portal:case", args=[case.reference])).content.decode()
    assert "Les voies de recours propres à cette démarche" in page
    assert ROUTE_A in page
    assert ROUTE_B not in page


def test_a_letter_without_studio_routes_keeps_the_general_routes_only(draft, citizen_a, agent_1):
    case = case_services.case_submit(case=draft, by=citizen_a.user)
    case = case_services.case_start_review(case=case, by=agent_1.user)
    case = case_services.case_reject(case=case, by=agent_1.user, reasons="Pièce manquante.")
    context = decision_letter_context(case.decisions.get())
    assert context["appeal_routes"] == ""
    assert context["shows_appeal_routes"]
