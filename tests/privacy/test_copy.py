"""The copy of all their data for the person: the JSON download, the page to read or print
and its PDF hold the same things (profile with provenance, cases with answers and events,
documents, messages, appointments, mandates, journeys, access journal); nobody else's."""

import datetime
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.privacy.enums import JournalAction
from parcours.privacy.journal import record_access
from parcours.privacy.rights import person_data, readable_copy


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    from parcours.cases import services

    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)


@pytest.fixture
def read_by_agent(submitted, agent_1, citizen_a):
    """Agent 1 opened citizen A's case: an entry of the access journal."""
    return record_access(agent_1.user, citizen_a, JournalAction.READ, case=submitted)


def test_the_readable_copy_shows_a_cases_answer_and_a_journal_entry(
    client, citizen_a, submitted, read_by_agent
):
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:data_export_html"))
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert submitted.reference in text
    assert "Ma demande" in text  # the answer to the case's question
    assert "Claire Martin" in text  # the journal
    assert "a consulté votre dossier" in text
    assert "Déclarée par vous" in text  # the origin of each value
    assert "Changement d&#x27;état : Déposé, à instruire" in text  # the case's events


def test_citizen_b_never_gets_citizen_as_copy(
    client, citizen_a, citizen_b, submitted, read_by_agent
):
    client.force_login(citizen_b.user)
    for name in ("portal:data_export_html", "portal:data_export_json"):
        text = client.get(reverse(name)).content.decode()
        assert submitted.reference not in text
        assert "Ma demande" not in text
        assert "Claire Martin" not in text
    copy = json.dumps(readable_copy(citizen_b.user), default=str)
    assert "Durand" not in copy


def test_the_json_and_the_readable_copy_hold_the_same_sections(citizen_a, submitted, read_by_agent):
    data = person_data(citizen_a.user)
    readable = readable_copy(citizen_a.user)
    assert set(readable) == set(data)
    assert {"mandates", "journeys"} <= set(data)
    [record] = data["records"]
    assert {"profile", "cases", "appointments", "messages_without_case", "access_journal"} <= set(
        record
    )
    [case] = record["cases"]
    assert case["answers"]["subject"] == "Ma demande"
    assert case["events"], "the case's events are in the copy"
    assert record["access_journal"][0]["sentence"].startswith("Le ")
    [readable_case] = readable["records"][0]["cases"]
    assert {"question": "Objet de la demande", "answer": "Ma demande"} in readable_case[
        "answers_list"
    ]


def test_the_copy_is_also_a_pdf(client, citizen_a, submitted):
    client.force_login(citizen_a.user)
    response = client.get(reverse("portal:data_export_pdf"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')


def test_the_copy_needs_a_signed_in_person(client):
    for name in ("portal:data_export_html", "portal:data_export_pdf", "portal:data_export_json"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.FOUND
        assert reverse("login") in response["Location"]


def test_the_readable_copy_shows_answers_as_the_form_words_them(citizen_a, submitted):
    """Choices by their label and dates in words, as on the review page; a label filed
    under a date's key (a correction asked about the birth date) is shown as it is."""
    version = submitted.procedure_version
    definition = {
        **version.form_definition,
        "fields": [
            *version.form_definition["fields"],
            {
                "name": "school",
                "label": "École souhaitée",
                "type": "choice",
                "choices": [{"value": "curie", "label": "École Marie-Curie"}],
            },
            {"name": "arrival", "label": "Date d'arrivée", "type": "date"},
        ],
    }
    # A published version is frozen; this one is rewritten behind its back for the test.
    type(version).objects.filter(pk=version.pk).update(form_definition=definition)
    submitted.form_data = {**submitted.form_data, "school": "curie", "arrival": "2017-02-23"}
    submitted.save(update_fields=["form_data"])

    (case,) = readable_copy(citizen_a.user)["records"][0]["cases"]
    answers = {item["question"]: str(item["answer"]) for item in case["answers_list"]}
    assert answers["École souhaitée"] == "École Marie-Curie"
    assert answers["Date d'arrivée"] == "23 février 2017"
    assert case["answers"]["school"] == "curie"  # the JSON keeps the stored value


def test_a_label_under_a_dates_key_is_not_read_as_a_date():
    from parcours.privacy.rights import _parsed

    assert _parsed(datetime.date, "2017-02-23") == datetime.date(2017, 2, 23)
    assert _parsed(datetime.date, "Date de naissance") == "Date de naissance"
