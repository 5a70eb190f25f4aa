"""The documents step of the application: upload, take back, review, and refusals that
keep the draft and every answer."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case, Document
from tests.cases.test_documents_service import ELF, JPEG, PDF, PNG, WINDOWS_EXE

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.sqlite


@pytest.fixture
def complete_draft(school_procedure, citizen_a):
    case = services.case_create_draft(
        person=citizen_a, procedure=school_procedure, by=citizen_a.user
    )
    return services.case_update_draft(
        case=case, by=citizen_a.user, form_data=FULL_ANSWERS, situation="Je déménage."
    )


def documents_url(case) -> str:
    return reverse("portal:apply_documents", args=[case.pk])


def page(response) -> str:
    return response.content.decode()


def send(client, case, content: bytes, name: str, kind_code: str = "livret"):
    return client.post(
        documents_url(case),
        {"action": "upload", "kind_code": kind_code, "file": SimpleUploadedFile(name, content)},
    )


def test_the_documents_step_has_a_file_field_for_each_piece_and_another(
    client, citizen_a, complete_draft
):
    client.force_login(citizen_a.user)

    response = client.get(documents_url(complete_draft))

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert "Étape 6 sur 6" in html
    assert html.count('type="file"') == 3  # livret, domicile, another piece
    assert html.count('enctype="multipart/form-data"') == 3
    assert 'accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"' in html
    for text in ["Livret de famille", "Justificatif de domicile", "Autre pièce", "10 Mo au plus"]:
        assert text in html


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "livret.pdf", "application/pdf"),
        (PNG, "livret.png", "image/png"),
        (JPEG, "l.jpg", "image/jpeg"),
    ],
)
def test_a_real_pdf_png_or_jpeg_is_attached_and_listed_with_a_remove_button(
    client, citizen_a, complete_draft, content, name, content_type
):
    client.force_login(citizen_a.user)

    response = send(client, complete_draft, content, name)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == documents_url(complete_draft)
    document = Document.objects.get(case=complete_draft)
    assert (document.kind_code, document.content_type) == ("livret", content_type)
    html = page(client.get(response["Location"]))
    assert f"Le fichier « {name} » est joint à votre demande." in html.replace("&#x27;", "'")
    assert name in html
    assert reverse("portal:apply_document_remove", args=[complete_draft.pk, document.pk]) in html
    assert "Retirer" in html


@pytest.mark.parametrize("content", [WINDOWS_EXE, ELF])
def test_an_executable_renamed_pdf_is_refused_next_to_its_field_and_keeps_the_draft(
    client, citizen_a, complete_draft, content
):
    client.force_login(citizen_a.user)

    response = send(client, complete_draft, content, "justificatif.pdf", kind_code="domicile")

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier n&#x27;est pas un PDF, un JPEG ou un PNG : justificatif.pdf." in html
    assert 'id="piece-2-error"' in html  # next to the "justificatif de domicile" field
    assert 'aria-describedby="piece-2-hint piece-2-error"' in html
    assert 'href="#piece-2"' in html  # and in the summary at the top
    assert "Erreur :" in html
    assert not Document.objects.exists()
    complete_draft.refresh_from_db()
    assert complete_draft.state == CaseState.DRAFT
    assert complete_draft.form_data == FULL_ANSWERS
    assert complete_draft.situation == "Je déménage."


def test_an_oversized_file_is_refused_with_the_limit(client, citizen_a, complete_draft, settings):
    settings.PARCOURS_UPLOAD_MAX_BYTES = 20
    client.force_login(citizen_a.user)

    response = send(client, complete_draft, PDF, "gros.pdf")

    assert "Ce fichier dépasse 20\xa0octets : gros.pdf." in page(response)
    assert not Document.objects.exists()


def test_an_empty_file_or_no_file_is_refused(client, citizen_a, complete_draft):
    client.force_login(citizen_a.user)

    empty = send(client, complete_draft, b"", "vide.pdf")
    nothing = client.post(
        documents_url(complete_draft), {"action": "upload", "kind_code": "livret"}
    )

    assert "Ce fichier est vide : vide.pdf." in page(empty)
    assert "Choisissez le fichier à joindre." in page(nothing)
    assert not Document.objects.exists()


def test_an_unknown_piece_is_refused(client, citizen_a, complete_draft):
    client.force_login(citizen_a.user)

    response = send(client, complete_draft, PDF, "casier.pdf", kind_code="casier")

    assert "Cette pièce n&#x27;est pas demandée pour cette démarche." in page(response)
    assert not Document.objects.exists()


def test_a_file_is_taken_back_from_the_draft(client, citizen_a, complete_draft):
    document = services.document_add(
        case=complete_draft,
        by=citizen_a.user,
        upload=SimpleUploadedFile("livret.pdf", PDF),
        kind_code="livret",
    )
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_document_remove", args=[complete_draft.pk, document.pk])

    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(url)

    assert response["Location"] == documents_url(complete_draft)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("action", "target"), [("next", "review"), ("previous", "step"), ("later", "cases")]
)
def test_the_step_buttons_lead_on_back_or_out(client, citizen_a, complete_draft, action, target):
    client.force_login(citizen_a.user)

    response = client.post(documents_url(complete_draft), {"action": action})

    assert (
        response["Location"]
        == {
            "review": reverse("portal:apply_review", args=[complete_draft.pk]),
            "step": reverse("portal:apply_step", args=[complete_draft.pk, 5]),
            "cases": reverse("portal:cases"),
        }[target]
    )


def test_the_review_lists_the_files_and_warns_about_missing_pieces_without_blocking(
    client, citizen_a, complete_draft
):
    services.document_add(
        case=complete_draft,
        by=citizen_a.user,
        upload=SimpleUploadedFile("livret.pdf", PDF),
        kind_code="livret",
    )
    client.force_login(citizen_a.user)

    html = page(client.get(reverse("portal:apply_review", args=[complete_draft.pk])))

    assert "livret.pdf" in html
    assert "Il manque une pièce demandée" in html
    assert "Justificatif de domicile" in html
    assert "le service vous demandera les pièces manquantes" in html
    assert documents_url(complete_draft) in html
    response = client.post(reverse("portal:apply_review", args=[complete_draft.pk]))
    case = Case.objects.get(pk=complete_draft.pk)
    assert case.state == CaseState.SUBMITTED
    assert response["Location"] == reverse("portal:apply_done", args=[case.reference])
    assert case.documents.get().original_name == "livret.pdf"


def test_the_review_does_not_warn_when_every_piece_is_given(client, citizen_a, complete_draft):
    for code in ("livret", "domicile"):
        services.document_add(
            case=complete_draft,
            by=citizen_a.user,
            upload=SimpleUploadedFile(f"{code}.png", PNG),
            kind_code=code,
        )
    client.force_login(citizen_a.user)

    html = page(client.get(reverse("portal:apply_review", args=[complete_draft.pk])))

    assert "Il manque" not in html
    assert "livret.png" in html
    assert "domicile.png" in html


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_1", "agent_2", "helper"])
def test_nobody_else_uploads_to_or_removes_from_a_draft(
    client, citizen_a, complete_draft, someone_else, request
):
    document = services.document_add(
        case=complete_draft, by=citizen_a.user, upload=SimpleUploadedFile("l.pdf", PDF)
    )
    client.force_login(request.getfixturevalue(someone_else).user)

    assert client.get(documents_url(complete_draft)).status_code == HTTPStatus.NOT_FOUND
    assert send(client, complete_draft, PDF, "pirate.pdf").status_code == HTTPStatus.NOT_FOUND
    remove = reverse("portal:apply_document_remove", args=[complete_draft.pk, document.pk])
    assert client.post(remove).status_code == HTTPStatus.NOT_FOUND
    assert list(Document.objects.values_list("original_name", flat=True)) == ["l.pdf"]


def test_a_document_of_another_draft_cannot_be_removed_through_mine(
    client, citizen_a, citizen_b, complete_draft, school_procedure
):
    other = services.case_create_draft(
        person=citizen_b, procedure=school_procedure, by=citizen_b.user
    )
    theirs = services.document_add(
        case=other, by=citizen_b.user, upload=SimpleUploadedFile("b.pdf", PDF)
    )
    client.force_login(citizen_a.user)

    url = reverse("portal:apply_document_remove", args=[complete_draft.pk, theirs.pk])

    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    assert Document.objects.filter(pk=theirs.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, complete_draft):
    response = client.get(documents_url(complete_draft))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
