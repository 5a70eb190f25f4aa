import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from parcours.cases.models import Document, private_storage


@pytest.mark.sqlite
def test_documents_are_stored_privately_and_have_no_public_url(draft, citizen_a):
    document = Document(
        organisation=draft.organisation,
        case=draft,
        original_name="justificatif.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=citizen_a.user,
    )
    document.file.save("justificatif.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    assert document.file.storage is private_storage()
    assert document.file.name.startswith(f"cases/{draft.organisation_id}/{draft.pk}/")
    assert "justificatif" not in document.file.name  # no guessable names on disk
    with pytest.raises(ValueError, match="not accessible via a URL"):
        document.file.url  # noqa: B018


@pytest.mark.sqlite
def test_production_stores_files_privately_without_urls():
    from parcours.settings import base

    for alias in ("default", "private"):
        assert base.STORAGES[alias]["BACKEND"] == "parcours.lib.storage.PrivateFileSystemStorage"
    assert storages["private"].__class__.__name__.startswith("Private")
