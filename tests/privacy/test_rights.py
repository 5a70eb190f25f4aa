"""The person's rights in their space: a copy of their data, the retention of each case,
requests to correct, object or erase."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.privacy.enums import RightsRequestKind, RightsRequestStatus
from parcours.privacy.models import RightsRequest


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    from parcours.cases import services

    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)


def test_the_json_copy_holds_the_persons_cases_and_nobody_elses(
    client, citizen_a, citizen_b, with_document
):
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:data_export_json"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    [record] = data["records"]
    assert record["identity"]["family_name"] == "Durand"
    [case] = record["cases"]
    assert case["reference"] == with_document.reference
    assert case["documents"][0]["name"] == "avis-impot.pdf"
    assert case["retention"]["case_months"] == 60

    client.force_login(citizen_b.user)
    other = json.loads(client.get(reverse("portal:data_export_json")).content)
    assert with_document.reference not in json.dumps(other)


def test_the_readable_copy_shows_the_case(client, citizen_a, with_document):
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:data_export_html"))
    assert response.status_code == HTTPStatus.OK
    assert "avis-impot.pdf" in response.content.decode()


def test_the_page_gives_each_cases_retention(client, citizen_a, with_document):
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:my_data"))
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert with_document.reference in text
    assert "60 mois après la clôture" in text


def test_a_correction_request_is_tracked_with_its_due_date(client, citizen_a, submitted):
    client.force_login(citizen_a.user)
    response = client.post(
        reverse("portal:my_data"),
        {"kind": "correction", "details": "Mon adresse est fausse.", "case_reference": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    request = RightsRequest.objects.get()
    assert (request.person, request.kind, request.status) == (
        citizen_a,
        RightsRequestKind.CORRECTION,
        RightsRequestStatus.RECEIVED,
    )
    # The period runs from the day in the administration's time zone, not UTC's.
    assert (request.due_on - timezone.localdate(request.created_at)).days == 30


def test_erasure_of_a_case_in_progress_is_explained_and_the_text_kept(client, citizen_a, submitted):
    client.force_login(citizen_a.user)
    response = client.post(
        reverse("portal:my_data"),
        {"kind": "erasure", "details": "Effacez tout.", "case_reference": submitted.reference},
    )
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Un dossier en cours d&#x27;instruction ne peut pas être effacé" in text
    assert "Effacez tout." in text
    assert not RightsRequest.objects.exists()


def test_someone_elses_case_cannot_be_named(client, citizen_b, submitted):
    client.force_login(citizen_b.user)
    response = client.post(
        reverse("portal:my_data"),
        {"kind": "objection", "details": "Non.", "case_reference": submitted.reference},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Nous ne trouvons pas ce dossier" in response.content.decode()
    assert not RightsRequest.objects.exists()


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "name", ["portal:my_data", "portal:data_export_json", "portal:data_export_html"]
)
def test_anonymous_visitors_are_asked_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
