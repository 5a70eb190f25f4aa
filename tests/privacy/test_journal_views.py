"""What writes the access journal (back-office pages, the API, openings outside one's
units) and what the person reads of it in their space."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.privacy.enums import JournalAction, JournalPurpose, JournalVia
from parcours.privacy.journal import verify_chain
from parcours.privacy.models import AccessLogEntry
from tests.api.conftest import Api, token_for


def entries():
    return list(AccessLogEntry.objects.order_by("pk"))


def test_opening_a_case_page_writes_one_read_for_its_person(as_agent, agent_1, submitted):
    response = as_agent(agent_1).get(reverse("backoffice:case", args=[submitted.reference]))
    assert response.status_code == HTTPStatus.OK
    [entry] = entries()
    assert (entry.person_id, entry.case_id) == (submitted.person_id, submitted.pk)
    assert entry.action == JournalAction.READ
    assert entry.purpose == JournalPurpose.CASE_HANDLING
    assert entry.actor_id == agent_1.user_id


def test_downloading_a_document_writes_a_download_naming_it(as_agent, agent_1, with_document):
    document = with_document.documents.get()
    url = reverse("backoffice:document", args=[with_document.reference, document.pk])
    assert as_agent(agent_1).get(url).status_code == HTTPStatus.OK
    [entry] = entries()
    assert entry.action == JournalAction.DOWNLOAD
    assert entry.object_label == "avis-impot.pdf"


def test_a_change_through_a_form_writes_a_change(as_agent, agent_1, submitted):
    response = as_agent(agent_1).post(
        reverse("backoffice:case_note", args=[submitted.reference]), {"text": "Appelée ce jour."}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert [entry.action for entry in entries()] == [JournalAction.CHANGE]


def test_the_person_page_writes_one_entry_not_one_per_row(as_agent, agent_1, citizen_a, submitted):
    response = as_agent(agent_1).get(reverse("backoffice:person", args=[citizen_a.pk]))
    assert response.status_code == HTTPStatus.OK
    [entry] = entries()
    assert (entry.person_id, entry.case_id) == (citizen_a.pk, None)


def test_a_refused_or_unknown_page_writes_nothing(as_agent, agent_2, client, submitted):
    as_agent(agent_2).get(reverse("backoffice:case", args=[submitted.reference]))
    client.get(reverse("backoffice:case", args=["NOPE-0000"]))
    assert entries() == []


def test_opening_another_units_case_writes_the_stated_reason(as_agent, agent_2, submitted):
    client = as_agent(agent_2)
    response = client.post(
        reverse("backoffice:case_access", args=[submitted.reference]),
        {"reason": "person_at_counter", "explanation": "Mme Durand est au guichet."},
    )
    assert response.status_code == HTTPStatus.FOUND
    client.get(reverse("backoffice:case", args=[submitted.reference]))
    opened, read = entries()
    assert opened.action == JournalAction.OPEN_OUT_OF_SCOPE
    assert read.action == JournalAction.READ
    for entry in (opened, read):
        assert entry.purpose == JournalPurpose.OUT_OF_SCOPE
        assert "Mme Durand est au guichet." in entry.reason
    assert verify_chain() == (2, None)


def test_the_api_writes_a_read_per_case_read(client, agent_1, submitted):
    api = Api(client, token_for(agent_1))
    assert api.get(f"/cases/{submitted.reference}").status_code == HTTPStatus.OK
    [entry] = entries()
    assert entry.via == JournalVia.API
    assert entry.action == JournalAction.READ
    assert entry.case_id == submitted.pk


def test_the_person_reads_their_journal_in_plain_language(
    as_agent, agent_1, client, citizen_a, submitted
):
    as_agent(agent_1).get(reverse("backoffice:case", args=[submitted.reference]))
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:data_journal"))
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Claire Martin, Instructeur (Service Éducation) a consulté votre dossier" in text
    assert submitted.reference in text
    assert "pour le traitement de votre demande." in text


def test_another_person_does_not_see_that_journal(as_agent, agent_1, client, citizen_b, submitted):
    as_agent(agent_1).get(reverse("backoffice:case", args=[submitted.reference]))
    client.force_login(citizen_b.user)
    response = client.get(reverse("portal:data_journal"))
    assert response.status_code == HTTPStatus.OK
    assert submitted.reference not in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_the_journal_is_paginated(agent_1, client, citizen_a):
    from parcours.privacy.journal import record_access

    for _ in range(30):
        record_access(agent_1.user, citizen_a, JournalAction.READ)
    client.force_login(citizen_a.user)
    first = client.get(reverse("portal:data_journal"))
    assert len(first.context["entries"]) == 25
    second = client.get(reverse("portal:data_journal"), {"page": 2})
    assert len(second.context["entries"]) == 5


@pytest.mark.sqlite
def test_the_journal_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("portal:data_journal"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
