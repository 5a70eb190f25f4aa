"""Attaching documents to a case: typed from their content, limited in size, private."""

import hashlib
import struct
import zlib

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.cases import selectors, services
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import CaseEvent, Document
from tests.factories import AgentFactory, rewrite_published_version

from .helpers import walk_to

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)


def tiny_png() -> bytes:
    """A valid 1×1 white PNG, built byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = tiny_png()
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200

REQUIRED = [
    {"code": "domicile", "label": "Justificatif de domicile", "required": True},
    {"code": "identite", "label": "Pièce d'identité", "required": True},
]


def upload(content: bytes, name: str = "justificatif.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files() -> list[str]:
    storage = storages["private"]
    folders, files = storage.listdir("cases") if storage.exists("cases") else ([], [])
    found = list(files)
    stack = [f"cases/{folder}" for folder in folders]
    while stack:
        folder = stack.pop()
        sub, names = storage.listdir(folder)
        found += [f"{folder}/{name}" for name in names]
        stack += [f"{folder}/{name}" for name in sub]
    return found


@pytest.fixture
def with_documents(draft):
    version = draft.procedure_version
    version.required_documents = REQUIRED
    rewrite_published_version(version)
    return draft


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "justificatif.pdf", "application/pdf"),
        (JPEG, "photo.jpg", "image/jpeg"),
        (PNG, "capture.png", "image/png"),
        (PDF, "sans-extension", "application/pdf"),
    ],
)
def test_a_pdf_a_jpeg_or_a_png_is_attached_privately_with_its_fingerprint(
    with_documents, citizen_a, content, name, content_type
):
    document = services.document_add(
        case=with_documents, by=citizen_a.user, upload=upload(content, name), kind_code="domicile"
    )

    document.refresh_from_db()
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.kind_code == "domicile"
    assert document.uploaded_by == citizen_a.user
    with document.file.open("rb") as stored:
        assert stored.read() == content
    with pytest.raises(ValueError, match="not accessible via a URL"):
        document.file.url  # noqa: B018
    assert list(selectors.documents_of_case(with_documents)) == [document]


@pytest.mark.sqlite
def test_a_draft_records_no_event_but_a_sent_case_does(with_documents, citizen_a, agent_1):
    services.document_add(case=with_documents, by=citizen_a.user, upload=upload(PDF))
    assert not CaseEvent.objects.filter(kind=EventKind.DOCUMENT_ADDED).exists()

    case = walk_to(
        CaseState.AWAITING_CITIZEN, with_documents, citizen=citizen_a.user, agent=agent_1.user
    )
    document = services.document_add(
        case=case, by=citizen_a.user, upload=upload(PNG, "bail.png"), kind_code="domicile"
    )

    event = CaseEvent.objects.get(kind=EventKind.DOCUMENT_ADDED)
    assert event.visible_to_citizen
    assert event.actor == citizen_a.user
    assert event.data == {"document_id": document.pk, "name": "bail.png", "kind_code": "domicile"}


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (WINDOWS_EXE, "justificatif.pdf"),
        (ELF, "justificatif.pdf"),
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image.jpg"),
        (b"Just some text, not a PDF", "lettre.pdf"),
    ],
)
def test_a_file_that_is_not_really_a_pdf_jpeg_or_png_is_refused_whatever_its_name(
    with_documents, citizen_a, content, name
):
    before = stored_files()

    with pytest.raises(CaseError) as refused:
        services.document_add(case=with_documents, by=citizen_a.user, upload=upload(content, name))

    assert refused.value.field == "file"
    assert refused.value.message.startswith(
        f"Ce fichier n'est pas un PDF, un JPEG ou un PNG : {name}."
    )
    assert not Document.objects.exists()
    assert stored_files() == before


@pytest.mark.sqlite
def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_the_message(
    with_documents, citizen_a, settings
):
    settings.PARCOURS_UPLOAD_MAX_BYTES = len(PDF) - 1
    before = stored_files()

    with pytest.raises(CaseError, match=r"Ce fichier dépasse .* : justificatif\.pdf") as refused:
        services.document_add(case=with_documents, by=citizen_a.user, upload=upload(PDF))

    assert refused.value.field == "file"
    assert not Document.objects.exists()
    assert stored_files() == before


@pytest.mark.sqlite
def test_the_default_limit_is_ten_megabytes_and_said_so(with_documents, citizen_a):
    big = upload(PDF + b"\x00" * (10 * 1024 * 1024))

    with pytest.raises(CaseError, match=r"Ce fichier dépasse 10 Mo : justificatif\.pdf"):
        services.document_add(case=with_documents, by=citizen_a.user, upload=big)


@pytest.mark.sqlite
def test_an_empty_file_is_refused(with_documents, citizen_a):
    with pytest.raises(CaseError, match=r"Ce fichier est vide : vide\.pdf") as refused:
        services.document_add(
            case=with_documents, by=citizen_a.user, upload=upload(b"", "vide.pdf")
        )

    assert refused.value.field == "file"
    assert not Document.objects.exists()


@pytest.mark.sqlite
def test_a_piece_the_procedure_does_not_ask_for_is_refused(with_documents, citizen_a):
    with pytest.raises(CaseError, match="pas demandée") as refused:
        services.document_add(
            case=with_documents, by=citizen_a.user, upload=upload(PDF), kind_code="casier"
        )

    assert refused.value.field == "file"
    assert not Document.objects.exists()


@pytest.mark.sqlite
def test_an_other_piece_without_code_is_accepted(with_documents, citizen_a):
    document = services.document_add(case=with_documents, by=citizen_a.user, upload=upload(PDF))

    assert document.kind_code == ""


@pytest.mark.sqlite
def test_folders_and_control_characters_are_removed_from_the_name(with_documents, citizen_a):
    document = services.document_add(
        case=with_documents, by=citizen_a.user, upload=upload(PDF, "..\\..\\etc\\bail\x07.pdf")
    )

    assert document.original_name == "bail.pdf"
    assert "bail" not in document.file.name


@pytest.mark.sqlite
def test_another_citizen_or_an_agent_of_another_administration_attaches_nothing(
    with_documents, citizen_b
):
    outsider = AgentFactory()

    for someone_else in (citizen_b.user, outsider.user):
        with pytest.raises(NotAllowed):
            services.document_add(case=with_documents, by=someone_else, upload=upload(PDF))

    assert not Document.objects.exists()


@pytest.mark.sqlite
def test_an_agent_of_the_administration_attaches_a_file_for_the_person(with_documents, agent_1):
    document = services.document_add(case=with_documents, by=agent_1.user, upload=upload(PDF))

    assert document.uploaded_by == agent_1.user


@pytest.mark.sqlite
def test_no_file_is_attached_once_the_case_is_decided(with_documents, citizen_a, agent_1):
    case = walk_to(CaseState.ACCEPTED, with_documents, citizen=citizen_a.user, agent=agent_1.user)

    with pytest.raises(CaseError, match="clos"):
        services.document_add(case=case, by=citizen_a.user, upload=upload(PDF))


@pytest.mark.sqlite
def test_a_failure_after_storing_removes_the_file(with_documents, citizen_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    case = walk_to(CaseState.SUBMITTED, with_documents, citizen=citizen_a.user, agent=None)
    before = stored_files()
    monkeypatch.setattr(CaseEvent.objects, "create", broken)

    with pytest.raises(RuntimeError):
        services.document_add(case=case, by=citizen_a.user, upload=upload(PDF))

    assert not Document.objects.exists()
    assert stored_files() == before


@pytest.mark.sqlite
def test_a_draft_s_file_can_be_taken_back(
    with_documents, citizen_a, django_capture_on_commit_callbacks
):
    before = stored_files()
    document = services.document_add(case=with_documents, by=citizen_a.user, upload=upload(PDF))

    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=document, by=citizen_a.user)

    assert not Document.objects.exists()
    assert stored_files() == before


@pytest.mark.sqlite
def test_a_sent_case_s_files_stay_on_file(with_documents, citizen_a, citizen_b):
    document = services.document_add(case=with_documents, by=citizen_a.user, upload=upload(PDF))
    with pytest.raises(NotAllowed):
        services.document_remove(document=document, by=citizen_b.user)
    services.case_submit(case=with_documents, by=citizen_a.user)

    with pytest.raises(CaseError, match="ne peuvent plus être retirées"):
        services.document_remove(document=document, by=citizen_a.user)

    assert Document.objects.filter(pk=document.pk).exists()
