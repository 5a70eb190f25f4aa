"""Documents previewed in the browser: images and PDF inline, typed as checked on
receipt, never sniffed, sandboxed; anything else only downloaded."""

from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from parcours.cases.models import Document

pytestmark = pytest.mark.sqlite


def preview_url(document) -> str:
    return reverse("backoffice:document_preview", args=[document.case.reference, document.pk])


def test_a_pdf_is_shown_inline_sandboxed_and_never_sniffed(as_agent, agent_1, with_document):
    document = Document.objects.get(case=with_document)

    response = as_agent(agent_1).get(preview_url(document))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_the_case_page_offers_the_preview_and_the_download(as_agent, agent_1, with_document):
    document = Document.objects.get(case=with_document)

    page = as_agent(agent_1).get(reverse("backoffice:case", args=[with_document.reference]))

    assert preview_url(document) in page.text
    assert reverse("backoffice:document", args=[with_document.reference, document.pk]) in (
        page.text
    )
    assert reverse("backoffice:person", args=[with_document.person_id]) in page.text


def test_another_type_is_only_downloaded(as_agent, agent_1, with_document):
    document = Document.objects.create(
        organisation=with_document.organisation,
        case=with_document,
        file=ContentFile(b"<script>alert(1)</script>", name="page.html"),
        original_name="page.html",
        content_type="text/html",
        size=25,
        sha256="0" * 64,
    )

    response = as_agent(agent_1).get(preview_url(document))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(
        "backoffice:document", args=[with_document.reference, document.pk]
    )


@pytest.mark.parametrize("role", ["agent_2", "manager_2"])
def test_agents_of_another_unit_without_a_reason_get_nothing(client, with_document, role, request):
    from .conftest import verified

    document = Document.objects.get(case=with_document)
    verified(client, request.getfixturevalue(role).user)

    assert client.get(preview_url(document)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ["citizen_a", "helper"])
def test_citizens_and_helpers_get_no_preview(client, with_document, role, request):
    document = Document.objects.get(case=with_document)
    client.force_login(request.getfixturevalue(role).user)

    assert client.get(preview_url(document)).status_code == HTTPStatus.FORBIDDEN
