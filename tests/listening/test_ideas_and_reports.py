from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from parcours.listening.enums import AgentFeedbackStatus, AuthorKind, FrictionKind, IdeaStatus
from parcours.listening.errors import ListeningError
from parcours.listening.models import AgentFeedback, Idea
from parcours.listening.services import agent_feedback as reports
from parcours.listening.services import ideas as services
from tests.backoffice.conftest import sign_in_as

pytestmark = pytest.mark.sqlite


@pytest.fixture
def idea(organisation, citizen_a, procedure):
    return services.idea_propose(
        organisation=organisation,
        by=citizen_a.user,
        title="Un rappel par SMS",
        body="Recevoir un SMS quand le dossier avance.",
        procedure=procedure,
    )


def test_an_agent_proposes_an_idea_from_the_ideas_page(client, organisation, agent_1):
    client.force_login(agent_1.user)
    response = client.post(
        reverse("portal:ideas_of", args=[organisation.slug]),
        {"title": "Un formulaire plus court", "body": "La page 3 répète la page 1."},
    )
    idea = Idea.objects.get()
    assert response["Location"] == reverse("portal:idea", args=[organisation.slug, idea.pk])
    assert idea.author_kind == AuthorKind.AGENT
    assert idea.support_count == 1


def test_one_support_per_person(idea, citizen_b):
    assert services.idea_support(idea=idea, by=citizen_b.user)
    assert not services.idea_support(idea=idea, by=citizen_b.user)
    idea.refresh_from_db()
    assert idea.support_count == 2


def test_a_status_change_notifies_every_supporter(
    idea, citizen_b, manager, django_capture_on_commit_callbacks
):
    services.idea_support(idea=idea, by=citizen_b.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(
            idea=idea, by=manager, status=IdeaStatus.PLANNED, reason="Prévu au printemps."
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bruno@example.org"]
    assert all("Prévu au printemps." in m.body for m in mail.outbox)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED


def test_declined_needs_a_reason(idea, manager):
    with pytest.raises(ListeningError, match="pourquoi"):
        services.idea_set_status(idea=idea, by=manager, status=IdeaStatus.DECLINED, reason="  ")
    services.idea_set_status(
        idea=idea, by=manager, status=IdeaStatus.DECLINED, reason="La loi l'interdit."
    )


def test_only_managers_of_the_organisation_answer_ideas(idea, agent_1):
    with pytest.raises(ListeningError):
        services.idea_set_status(idea=idea, by=agent_1, status=IdeaStatus.STUDIED)


def test_the_you_said_we_did_page_lists_answered_ideas(client, idea, manager, organisation):
    services.idea_set_status(
        idea=idea, by=manager, status=IdeaStatus.DONE, reason="C'est fait depuis juin."
    )
    page = client.get(reverse("portal:you_said_we_did", args=[organisation.slug])).content.decode()
    assert "Un rappel par SMS" in page
    assert "fait depuis juin" in page


def test_an_insulting_idea_is_held(organisation, citizen_a):
    held = services.idea_propose(
        organisation=organisation, by=citizen_a.user, title="Idée", body="Virez ces abrutis."
    )
    assert not held.is_published


def test_an_agent_reports_friction_from_a_case_and_a_manager_answers(
    client, agent_1, manager, decided_case, request
):
    sign_in_as(client, "agent_1", request)
    url = reverse("backoffice:report_friction", args=[decided_case.reference])
    response = client.post(
        url,
        {
            "kind": FrictionKind.MISSING_DOCUMENT_TYPE,
            "description": "Pas de case pour le livret de famille.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    report = AgentFeedback.objects.get()
    with pytest.raises(ListeningError):
        reports.agent_feedback_answer(
            report=report, by=agent_1, status=AgentFeedbackStatus.ACCEPTED, reply="Oui"
        )
    reports.agent_feedback_answer(
        report=report, by=manager, status=AgentFeedbackStatus.ACCEPTED, reply="Ajouté."
    )
    report.refresh_from_db()
    assert report.status == AgentFeedbackStatus.ACCEPTED


def test_agents_of_another_unit_cannot_report_from_a_case_they_cannot_see(
    client, agent_2, decided_case, request
):
    sign_in_as(client, "agent_2", request)
    response = client.get(reverse("backoffice:report_friction", args=[decided_case.reference]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_procedure_owner_sees_the_list_and_others_do_not(
    client, decided_case, agent_1, request
):
    reports.agent_feedback_report(
        case=decided_case,
        by=agent_1,
        kind=FrictionKind.UNCLEAR_FORM,
        description="Question 4 ambiguë.",
    )
    url = reverse("backoffice:listening_procedure_reports", args=[decided_case.procedure.code])
    sign_in_as(client, "org_admin", request)
    assert "Question 4 ambiguë." in client.get(url).content.decode()
    sign_in_as(client, "agent_1", request)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    sign_in_as(client, "manager_2", request)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
