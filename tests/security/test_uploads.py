"""Documents are typed from their content, stored under PRIVATE_STORAGE_ROOT, outside
every folder the site serves, and only ever returned by a view that checks who asks."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.cases import services
from parcours.cases.models import Case, Document
from parcours.lib.storage import PrivateFileSystemStorage
from parcours.settings import base as base_settings
from tests.cases.test_documents_service import PDF, PNG
from tests.portal.apply.conftest import (
    FULL_ANSWERS,
    school_procedure,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.sqlite


@pytest.fixture
def private_root(tmp_path, settings, monkeypatch):
    """A real folder for the documents, as in production (the tests keep them in memory)."""
    root = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = root
    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", PrivateFileSystemStorage(location=root)
    )
    return root


@pytest.fixture
def draft(school_procedure, citizen_a):  # noqa: F811
    case = services.case_create_draft(
        person=citizen_a, procedure=school_procedure, by=citizen_a.user
    )
    return services.case_update_draft(
        case=case, by=citizen_a.user, form_data=FULL_ANSWERS, situation="Je déménage."
    )


def send(client, case, content: bytes, name: str):
    return client.post(
        reverse("portal:apply_documents", args=[case.pk]),
        {"action": "upload", "kind_code": "livret", "file": SimpleUploadedFile(name, content)},
    )


def test_the_private_root_is_outside_every_served_folder():
    root = base_settings.PRIVATE_STORAGE_ROOT.resolve()
    served = [base_settings.STATIC_ROOT, *base_settings.STATICFILES_DIRS]

    for folder in served:
        assert not root.is_relative_to(Path(folder).resolve())
    assert not getattr(base_settings, "MEDIA_ROOT", "")
    assert (
        base_settings.STORAGES["default"]["BACKEND"]
        == "parcours.lib.storage.PrivateFileSystemStorage"
    )


def test_a_document_is_stored_under_the_private_root_and_served_by_no_guessable_path(
    client, citizen_a, citizen_b, draft, private_root
):
    client.force_login(citizen_a.user)
    assert send(client, draft, PDF, "livret.pdf").status_code == HTTPStatus.FOUND

    document = Document.objects.get(case=draft)
    stored = Path(document.file.path)
    assert stored.is_file()
    assert stored.is_relative_to(private_root)
    assert stored.read_bytes() == PDF
    with pytest.raises(ValueError, match="not accessible via a URL"):
        _url = document.file.url
    for guessed in (
        f"/media/{document.file.name}",
        f"/static/{document.file.name}",
        f"/{document.file.name}",
        f"/static/{stored.name}",
        f"/private/{document.file.name}",
    ):
        assert client.get(guessed).status_code == HTTPStatus.NOT_FOUND, guessed

    sent = services.case_submit(case=draft, by=citizen_a.user)
    url = reverse("portal:document", args=[sent.reference, document.pk])
    owner = client.get(url)
    assert owner.status_code == HTTPStatus.OK
    assert b"".join(owner.streaming_content) == PDF
    assert owner["X-Content-Type-Options"] == "nosniff"
    client.force_login(citizen_b.user)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.logout()
    assert client.get(url).status_code == HTTPStatus.FOUND  # to the sign-in page


def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_the_case_keeps_its_data(
    client, citizen_a, draft, private_root
):
    client.force_login(citizen_a.user)
    send(client, draft, PDF, "domicile.pdf")

    response = send(client, draft, b"<html><script>alert(1)</script></html>", "livret.pdf")

    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier n&#x27;est pas un PDF, un JPEG ou un PNG : livret.pdf." in response.text
    case = Case.objects.get(pk=draft.pk)
    assert case.form_data == draft.form_data
    assert case.situation == "Je déménage."
    assert list(Document.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "domicile.pdf"
    ]
    assert len([path for path in private_root.rglob("*") if path.is_file()]) == 1


def test_a_picture_named_as_a_pdf_is_kept_as_the_picture_it_is(
    client, citizen_a, draft, private_root
):
    client.force_login(citizen_a.user)

    send(client, draft, PNG, "livret.pdf")

    document = Document.objects.get(case=draft)
    assert document.content_type == "image/png"
    assert Path(document.file.path).read_bytes() == PNG
