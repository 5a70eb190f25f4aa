"""Documents after submission: attached to an answer, listed on the case page, and
downloaded only by those who may see the case."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.cases import margins, services
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.models import CaseEvent, Document
from parcours.outbox.services import deliver_due
from tests.cases.test_documents_service import PDF, PNG, WINDOWS_EXE
from tests.factories import rewrite_published_version

pytestmark = pytest.mark.sqlite

MONDAY_2_MARCH = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(MONDAY_2_MARCH, tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def submitted(draft, citizen_a):
    services.document_add(
        case=draft, by=citizen_a.user, upload=SimpleUploadedFile("avis-impot.pdf", PDF)
    )
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def awaiting(submitted, agent_1):
    case = services.case_start_review(case=submitted, by=agent_1.user)
    return services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Il manque le justificatif de domicile.",
        due_on=datetime.date(2026, 3, 20),
    )


def answer_url(case) -> str:
    return reverse("portal:case_answer", args=[case.reference])


def document_url(document) -> str:
    return reverse("portal:document", args=[document.case.reference, document.pk])


# Answering with files


def test_the_answer_page_offers_a_file_field(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    html = client.get(answer_url(awaiting)).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert "multiple" in html
    assert "PDF, JPEG ou PNG, 10 Mo au plus par fichier" in html


def test_an_answer_with_files_attaches_them_records_events_and_resumes_the_review(
    client, citizen_a, awaiting
):
    client.force_login(citizen_a.user)

    response = client.post(
        answer_url(awaiting),
        {
            "answer": "Voici mon justificatif.",
            "files": [
                SimpleUploadedFile("facture.pdf", PDF),
                SimpleUploadedFile("bail.png", PNG),
            ],
        },
    )

    assert response["Location"] == reverse("portal:case", args=[awaiting.reference])
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.IN_REVIEW
    names = set(Document.objects.filter(case=awaiting).values_list("original_name", flat=True))
    assert names == {"avis-impot.pdf", "facture.pdf", "bail.png"}
    events = CaseEvent.objects.filter(case=awaiting, kind=EventKind.DOCUMENT_ADDED)
    assert sorted(event.data["name"] for event in events) == ["bail.png", "facture.pdf"]
    assert all(event.visible_to_citizen for event in events)


def test_a_refused_file_keeps_the_answer_typed_and_sends_nothing(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    response = client.post(
        answer_url(awaiting),
        {
            "answer": "Voici mon justificatif.",
            "files": [
                SimpleUploadedFile("facture.pdf", PDF),
                SimpleUploadedFile("justificatif.pdf", WINDOWS_EXE),
            ],
        },
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier n&#x27;est pas un PDF, un JPEG ou un PNG : justificatif.pdf." in html
    assert "Voici mon justificatif." in html
    assert 'aria-invalid="true"' in html
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_CITIZEN
    assert list(Document.objects.values_list("original_name", flat=True)) == ["avis-impot.pdf"]
    assert not CaseEvent.objects.filter(kind=EventKind.DOCUMENT_ADDED).exists()


def test_an_answer_without_files_still_works(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    client.post(answer_url(awaiting), {"answer": "Je l'apporte au guichet demain."})

    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.IN_REVIEW


# The case page and downloads


def test_the_case_page_lists_the_documents_with_size_and_date(client, citizen_a, submitted):
    client.force_login(citizen_a.user)

    html = client.get(reverse("portal:case", args=[submitted.reference])).content.decode()

    document = Document.objects.get(case=submitted)
    assert "Vos documents" in html
    assert "avis-impot.pdf" in html
    assert document_url(document) in html
    assert "2 mars 2026" in html
    assert "octets" in html


def test_the_case_page_says_when_there_is_no_document(client, citizen_a, draft):
    case = services.case_submit(case=draft, by=citizen_a.user)
    client.force_login(citizen_a.user)

    html = client.get(reverse("portal:case", args=[case.reference])).content.decode()

    assert "Aucune pièce n'est jointe à ce dossier." in html


def test_the_owner_downloads_a_document_as_an_attachment(client, submitted, citizen_a):
    client.force_login(citizen_a.user)
    document = Document.objects.get(case=submitted)

    response = client.get(document_url(document))

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="avis-impot.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"]


# Agents, even of the case's unit, read documents in the back-office (second factor).
@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_2", "agent_1"])
def test_nobody_else_downloads_a_document(client, submitted, someone_else, request):
    client.force_login(request.getfixturevalue(someone_else).user)
    document = Document.objects.get(case=submitted)

    assert client.get(document_url(document)).status_code == HTTPStatus.NOT_FOUND


def test_a_document_is_not_reached_through_another_case_s_reference(
    client, citizen_a, citizen_b, submitted, procedure
):
    from tests.factories import CaseFactory

    theirs = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_b), by=citizen_b.user
    )
    mine = Document.objects.get(case=submitted)
    client.force_login(citizen_b.user)

    url = reverse("portal:document", args=[theirs.reference, mine.pk])

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    document = Document.objects.get(case=submitted)

    response = client.get(document_url(document))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_a_name_with_quotes_and_accents_is_given_safely(client, citizen_a, awaiting):
    document = services.document_add(
        case=awaiting,
        by=citizen_a.user,
        upload=SimpleUploadedFile('reçu "final".pdf', PDF),
    )
    client.force_login(citizen_a.user)

    response = client.get(document_url(document))

    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''re%C3%A7u%20%22final%22.pdf" in response["Content-Disposition"]


# Pieces sent once the request is on its way


PIECES = [
    {"code": "domicile", "label": "Justificatif de domicile"},
    {"code": "identite", "label": "Pièce d'identité"},
]


@pytest.fixture
def asks_for_pieces(procedure):
    version = procedure.versions.get()
    version.required_documents = PIECES
    rewrite_published_version(version)
    return procedure


def send_url(case) -> str:
    return reverse("portal:case_send_documents", args=[case.reference])


def test_the_pieces_still_missing_are_sent_after_the_request(
    client, citizen_a, asks_for_pieces, submitted
):
    client.force_login(citizen_a.user)
    case_page = client.get(reverse("portal:case", args=[submitted.reference])).content.decode()
    assert f'href="{send_url(submitted)}"' in case_page
    assert "Envoyer les pièces qui manquent" in case_page
    page = html.unescape(client.get(send_url(submitted)).content.decode())
    assert page.count("Nous n'avons pas encore cette pièce.") == 2
    assert "Fichier pour « Justificatif de domicile »" in page

    response = client.post(
        send_url(submitted),
        {"kind_code": "domicile", "file": SimpleUploadedFile("facture-edf.pdf", PDF)},
    )

    assert response["Location"] == send_url(submitted)
    document = Document.objects.get(case=submitted, kind_code="domicile")
    assert document.original_name == "facture-edf.pdf"
    event = CaseEvent.objects.get(case=submitted, kind=EventKind.DOCUMENT_ADDED)
    assert (event.data["name"], event.visible_to_citizen) == ("facture-edf.pdf", True)
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED
    page = html.unescape(client.get(send_url(submitted)).content.decode())
    assert "Le fichier « facture-edf.pdf » est transmis au service" in page
    assert "facture-edf.pdf (" in page
    assert "Ajouter un autre fichier pour « Justificatif de domicile »" in page
    assert page.count("Nous n'avons pas encore cette pièce.") == 1
    case_page = html.unescape(
        client.get(reverse("portal:case", args=[submitted.reference])).content.decode()
    )
    missing = case_page.split("Pièces demandées que nous n'avons pas encore")[1]
    assert "Pièce d'identité" in missing
    assert "Justificatif de domicile" not in missing.split("</ul>")[0]


def test_a_refused_piece_is_said_next_to_it_and_nothing_sent_is_lost(
    client, citizen_a, asks_for_pieces, submitted
):
    client.force_login(citizen_a.user)

    response = client.post(
        send_url(submitted),
        {"kind_code": "identite", "file": SimpleUploadedFile("carte.pdf", WINDOWS_EXE)},
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == HTTPStatus.OK
    assert "<title>\n  Erreur :" in page
    message = "Ce fichier n'est pas un PDF, un JPEG ou un PNG : carte.pdf."
    assert f'<a href="#piece-2">{message}' in page
    assert f'id="piece-2-error">{message}' in page
    field = re.search(r'<input[^>]*id="piece-2"[^>]*>', page).group()
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="piece-2-hint piece-2-error"' in field
    assert list(Document.objects.values_list("original_name", flat=True)) == ["avis-impot.pdf"]
    assert not CaseEvent.objects.filter(kind=EventKind.DOCUMENT_ADDED).exists()
    # A piece the procedure does not ask for: said at the top, nothing attached.
    response = client.post(
        send_url(submitted), {"kind_code": "casier", "file": SimpleUploadedFile("c.pdf", PDF)}
    )
    assert "Cette pièce n&#x27;est pas demandée pour cette démarche." in response.content.decode()
    assert Document.objects.count() == 1


def test_a_waived_piece_is_not_asked_for_again(
    client, citizen_a, agent_1, asks_for_pieces, submitted
):
    margins.case_waive_document(
        case=submitted, by=agent_1.user, code="identite", reason="Vue au guichet."
    )
    client.force_login(citizen_a.user)

    page = html.unescape(client.get(send_url(submitted)).content.decode())

    assert "Pièce d'identité" not in page
    assert "Justificatif de domicile" in page


def test_while_an_answer_is_awaited_the_pieces_go_with_it(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)
    case_page = client.get(reverse("portal:case", args=[awaiting.reference])).content.decode()
    assert send_url(awaiting) not in case_page
    assert "Joindre des pièces à votre réponse" in case_page

    response = client.post(
        send_url(awaiting), {"kind_code": "", "file": SimpleUploadedFile("bail.pdf", PDF)}
    )

    assert response["Location"] == answer_url(awaiting)
    assert Document.objects.count() == 1


def test_a_closed_case_takes_no_more_pieces(client, citizen_a, submitted):
    services.case_withdraw(case=submitted, by=citizen_a.user)
    client.force_login(citizen_a.user)
    case_page = client.get(reverse("portal:case", args=[submitted.reference])).content.decode()
    assert send_url(submitted) not in case_page

    response = client.post(
        send_url(submitted), {"kind_code": "", "file": SimpleUploadedFile("bail.pdf", PDF)}
    )

    assert response["Location"] == reverse("portal:case", args=[submitted.reference])
    assert Document.objects.count() == 1


def test_nobody_else_sends_pieces_to_a_case(client, citizen_b, submitted):
    client.force_login(citizen_b.user)

    response = client.post(
        send_url(submitted), {"kind_code": "", "file": SimpleUploadedFile("x.pdf", PDF)}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Document.objects.count() == 1


def test_the_service_is_told_of_a_piece_sent(
    client, citizen_a, agent_1, asks_for_pieces, submitted, mailoutbox
):
    services.case_start_review(case=submitted, by=agent_1.user)
    deliver_due()  # what the person was told of the submission and the review
    mailoutbox.clear()
    client.force_login(citizen_a.user)
    client.post(
        send_url(submitted),
        {"kind_code": "domicile", "file": SimpleUploadedFile("facture-edf.pdf", PDF)},
    )

    assert deliver_due() == 1
    (email,) = mailoutbox
    submitted.refresh_from_db()
    assert submitted.referent == agent_1
    assert sorted(email.to) == sorted({submitted.unit.email, agent_1.user.email})
    assert email.subject == f"Dossier {submitted.reference} : l'usager a envoyé une pièce"
    assert f"{citizen_a.full_name} a envoyé une pièce pour sa demande" in email.body
    assert f"(dossier n° {submitted.reference}) le 2 mars 2026 à 11:00." in email.body
    assert "Pièce : Justificatif de domicile" in email.body
    assert "Fichier : facture-edf.pdf (PDF," in email.body
    assert reverse("backoffice:case", args=[submitted.reference]) in email.body
    html_body = email.alternatives[0][0]
    assert "Justificatif de domicile" in html_body
    # A refused file tells nobody.
    client.post(
        send_url(submitted),
        {"kind_code": "identite", "file": SimpleUploadedFile("carte.pdf", WINDOWS_EXE)},
    )
    assert deliver_due() == 0


def test_each_file_says_who_sent_it_as_the_viewer_reads_it(citizen_a, agent_1, helper, submitted):
    for name in ["agent.pdf", "aidant.pdf", "courrier.pdf"]:
        services.document_add(
            case=submitted, by=citizen_a.user, upload=SimpleUploadedFile(name, PDF)
        )
    Document.objects.filter(original_name="agent.pdf").update(uploaded_by=agent_1.user)
    Document.objects.filter(original_name="aidant.pdf").update(uploaded_by=helper.user)
    Document.objects.filter(original_name="courrier.pdf").update(uploaded_by=None)
    documents = Document.objects.filter(case=submitted).order_by("pk")

    def senders(viewer):
        return {
            d.original_name: d.sent_by
            for d in case_selectors.with_senders(submitted, documents, viewer_id=viewer.pk)
        }

    assert senders(citizen_a.user) == {
        "avis-impot.pdf": "you",
        "agent.pdf": "service",
        "aidant.pdf": "helper",
        "courrier.pdf": "service",
    }
    assert senders(helper.user)["aidant.pdf"] == "you"
    assert senders(helper.user)["avis-impot.pdf"] == "person"
