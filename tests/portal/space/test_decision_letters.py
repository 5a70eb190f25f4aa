"""The decision letter on the portal, and the case page's "Vos documents": every
document and decision of a case downloads from one place, for its owner only."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from parcours.cases import services
from parcours.cases.decision_letters import store_decision_letter_pdf
from parcours.cases.models import Decision
from parcours.cases.tasks import render_decision_letter_pdf
from tests.cases.test_documents_service import PDF, PNG
from tests.factories import CaseFactory

pytestmark = pytest.mark.sqlite

REASONS = "Vous n'habitez pas la commune."


@pytest.fixture(autouse=True)
def on_thursday_12_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 12, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def rejected(draft, citizen_a, agent_1):
    services.document_add(
        case=draft, by=citizen_a.user, upload=SimpleUploadedFile("avis-impot.pdf", PDF)
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    # At the counter, an agent scans a piece for the person.
    services.document_add(
        case=case, by=agent_1.user, upload=SimpleUploadedFile("bail-scanne.png", PNG)
    )
    case = services.case_start_review(case=case, by=agent_1.user)
    return services.case_reject(case=case, by=agent_1.user, reasons=REASONS)


@pytest.fixture
def decision(rejected):
    return rejected.decisions.get()


def page_url(decision: Decision) -> str:
    return reverse("portal:decision", args=[decision.case.reference, decision.pk])


def pdf_url(decision: Decision) -> str:
    return reverse("portal:decision_pdf", args=[decision.case.reference, decision.pk])


def pdf_text(content: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def words(text: str) -> str:
    """Text with its runs of spaces and line breaks made single spaces."""
    return " ".join(text.split())


def test_the_urls_read_as_the_case_and_its_decision(decision):
    reference = decision.case.reference

    assert page_url(decision) == f"/dossiers/{reference}/decisions/{decision.pk}/"
    assert pdf_url(decision) == f"/dossiers/{reference}/decisions/{decision.pk}.pdf"


def test_the_citizen_reads_the_letter_of_their_decision(client, citizen_a, decision):
    client.force_login(citizen_a.user)

    response = client.get(page_url(decision))

    assert response.status_code == HTTPStatus.OK
    page = words(response.content.decode())
    assert page.count("<h1") == 1
    assert "Décision sur votre demande" in page
    assert "Votre demande est refusée." in page
    assert escape(REASONS) in page
    assert "Claire Martin" in page
    assert "recours gracieux" in page
    assert "recours contentieux" in page
    assert "jusqu'au <strong>12 mai 2026</strong>" in page
    assert pdf_url(decision) in page


def test_the_citizen_downloads_the_letter_as_a_named_pdf_rendered_on_demand(
    client, citizen_a, decision
):
    assert not decision.letter_pdf
    client.force_login(citizen_a.user)

    response = client.get(pdf_url(decision))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="decision-{decision.case.reference}-2026-03-12.pdf"'
    )
    assert "no-cache" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert REASONS in text
    assert "jusqu'au 12 mai 2026" in text
    # Made once, kept for next time, the way the worker would have.
    decision.refresh_from_db()
    with decision.letter_pdf.open("rb") as stored:
        assert stored.read() == response.content


def test_a_letter_stored_by_the_worker_is_served_as_stored(client, citizen_a, decision):
    render_decision_letter_pdf.call(decision_id=decision.pk)
    decision.refresh_from_db()
    with decision.letter_pdf.open("rb") as stored:
        stored_bytes = stored.read()
    client.force_login(citizen_a.user)

    response = client.get(pdf_url(decision))

    assert response.content == stored_bytes


@pytest.mark.parametrize("viewer", ["citizen_b", "agent_2", "agent_1"])
@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_nobody_but_the_person_gets_the_letter(client, decision, viewer, url, request):
    """Not another citizen, not another unit; the deciding unit works in the back-office."""
    client.force_login(request.getfixturevalue(viewer).user)

    response = client.get(url(decision))

    assert response.status_code == HTTPStatus.NOT_FOUND
    decision.refresh_from_db()
    assert not decision.letter_pdf


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_anonymous_visitors_are_sent_to_sign_in_for_a_letter(client, decision, url):
    response = client.get(url(decision))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_a_decision_is_not_found_under_another_case_reference(
    client, citizen_a, decision, procedure
):
    other = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
    )
    client.force_login(citizen_a.user)

    for url in ["portal:decision", "portal:decision_pdf"]:
        response = client.get(reverse(url, args=[other.reference, decision.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND, url


def test_the_case_page_lists_every_document_and_decision_with_explicit_link_names(
    client, citizen_a, rejected, decision
):
    client.force_login(citizen_a.user)

    page = client.get(reverse("portal:case", args=[rejected.reference])).content.decode()

    section = page[page.index('id="docs-title"') :]
    section = words(section[: section.index("</section>")])
    reference = rejected.reference
    assert reverse("portal:receipt_pdf", args=[reference]) in section
    assert "Télécharger l'accusé de réception du 12 mars 2026 (PDF)" in section
    assert pdf_url(decision) in section
    assert "Télécharger la décision du 12 mars 2026 (PDF)" in section
    assert page_url(decision) in section
    for document in rejected.documents.all():
        assert reverse("portal:document", args=[reference, document.pk]) in section
    assert "Télécharger avis-impot.pdf (PDF, " in section
    assert "envoyé par vous le 12 mars 2026" in section
    assert "Télécharger bail-scanne.png (PNG, " in section
    assert "ajouté par le service le 12 mars 2026" in section
    # One place for documents: the section is not repeated elsewhere on the page.
    assert page.count("Vos documents") == 1


def test_once_stored_the_letter_is_listed_with_its_size(client, citizen_a, rejected, decision):
    store_decision_letter_pdf(decision.pk)
    decision.refresh_from_db()
    client.force_login(citizen_a.user)

    page = words(client.get(reverse("portal:case", args=[rejected.reference])).content.decode())

    size = decision.letter_pdf.size // 1024
    assert f"Télécharger la décision du 12 mars 2026 (PDF, {size}," in page


def test_an_agent_of_the_unit_reads_the_case_in_the_back_office_not_in_the_portal(
    client, agent_1, rejected, decision
):
    client.force_login(agent_1.user)

    for url in (reverse("portal:case", args=[rejected.reference]), pdf_url(decision)):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
