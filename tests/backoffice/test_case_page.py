"""The agent's case page: the person, the answers with their labels, the documents,
the history, the deadlines and who holds the case. Read-only for now."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import queue, services
from parcours.cases.models import Document
from tests.cases.test_documents_service import PDF
from tests.factories import CaseFactory, ProcedureFactory

from .conftest import submit

pytestmark = pytest.mark.sqlite

FORM = {
    "fields": [
        {"name": "child", "label": "Prénom de l'enfant", "type": "text", "required": True},
        {
            "name": "school",
            "label": "École souhaitée",
            "type": "choice",
            "choices": [{"value": "jaures", "label": "École Jean-Jaurès"}],
        },
        {"name": "canteen", "label": "Cantine", "type": "boolean"},
    ]
}


def case_url(case) -> str:
    return reverse("backoffice:case", args=[case.reference])


@pytest.fixture
def school_case(unit_1, citizen_a):
    procedure = ProcedureFactory(handling_unit=unit_1, code="ECO", version=FORM)
    draft = CaseFactory(
        procedure=procedure,
        person=citizen_a,
        form_data={"child": "Léo", "school": "jaures", "canteen": True},
        situation="Nous arrivons dans la commune en septembre.",
    )
    return services.case_submit(case=draft, by=citizen_a.user)


def test_the_case_page_shows_the_person_the_answers_and_the_deadlines(
    as_agent, agent_1, school_case
):
    response = as_agent(agent_1).get(case_url(school_case))

    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert "Alice Durand" in page
    assert "alice@example.org" in page
    assert "Prénom de l&#x27;enfant" in page
    assert "École Jean-Jaurès" in page  # the label of the choice, not its value
    assert "jaures" not in page
    assert "Nous arrivons dans la commune en septembre." in page
    assert school_case.decision_due_on.strftime("%Y") in page
    assert "Personne ne suit ce dossier pour le moment." in page
    assert reverse("backoffice:case_take", args=[school_case.reference]) in page


def test_the_case_page_has_its_actions_panel(as_agent, manager, school_case):
    page = as_agent(manager).get(case_url(school_case)).text

    assert 'id="actions-title"' in page
    assert reverse("backoffice:case_reassign", args=[school_case.reference]) in page


def test_the_case_page_names_who_holds_it(as_agent, agent_1, manager, school_case):
    queue.case_take(case=school_case, by=manager.user)

    page = as_agent(agent_1).get(case_url(school_case)).text

    assert manager.display_name in page
    assert reverse("backoffice:case_take", args=[school_case.reference]) not in page


def test_the_history_shows_internal_events_and_their_reasons(
    as_agent, agent_1, procedure, citizen_a, school_case
):
    earlier = submit(procedure, citizen_a, on=timezone.localdate() - datetime.timedelta(days=50))
    assert queue.next_in_queue(agent_1.units.get()) == earlier
    queue.case_take(case=school_case, by=agent_1.user, reason="La rentrée approche.")

    page = as_agent(agent_1).get(case_url(school_case)).text

    assert "Dépôt" in page
    assert "Pris hors de l&#x27;ordre de la file" in page
    assert "La rentrée approche." in page
    assert "interne, non visible par l'usager" in page


def test_a_suspended_clock_is_shown(as_agent, agent_1, school_case):
    case = services.case_start_review(case=school_case, by=agent_1.user)
    case = services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Merci d'envoyer le livret de famille.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )

    page = as_agent(agent_1).get(case_url(case)).text

    assert "en attendant l'usager" in page
    assert "Réponse de l'usager attendue le" in page


def test_documents_are_listed_and_download_as_attachments(as_agent, agent_1, with_document):
    client = as_agent(agent_1)
    document = Document.objects.get(case=with_document)
    url = reverse("backoffice:document", args=[with_document.reference, document.pk])
    assert url in client.get(case_url(with_document)).text

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="avis-impot.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_of_another_case_is_not_served_under_this_one(
    as_agent, agent_1, with_document, school_case
):
    document = Document.objects.get(case=with_document)

    response = as_agent(agent_1).get(
        reverse("backoffice:document", args=[school_case.reference, document.pk])
    )

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_draft_is_not_shown_to_agents(as_agent, agent_1, draft):
    draft.reference = "2026-SCO-999999"  # drafts have none; even if one had
    draft.save()

    assert as_agent(agent_1).get(case_url(draft)).status_code == HTTPStatus.NOT_FOUND


def test_a_case_of_another_organisation_with_the_same_reference_is_not_shown(
    as_agent, agent_1, school_case
):
    other_procedure = ProcedureFactory(code="OTH")
    other = CaseFactory(procedure=other_procedure)
    other = services.case_submit(case=other, by=other.person.user)
    type(other).objects.filter(pk=other.pk).update(reference=school_case.reference)

    response = as_agent(agent_1).get(case_url(school_case))

    assert response.context["case"].pk == school_case.pk
