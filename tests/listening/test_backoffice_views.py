"""The Écoute pages of the back office: each shows and changes only what the agent's
role and units allow, and says why a form is refused."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.listening.enums import (
    AgentFeedbackStatus,
    ComplaintStatus,
    ExperienceStatus,
    ExperienceTone,
    FrictionKind,
    IdeaStatus,
)
from parcours.listening.models import AgentFeedback, Complaint, Experience, Idea
from parcours.listening.services import agent_feedback as reports
from parcours.listening.services import complaints, ideas
from parcours.listening.services import experiences as stories
from tests.backoffice.conftest import sign_in_as
from tests.factories import AgentFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def published(citizen_a, unit_1):
    return stories.experience_submit(
        unit=unit_1,
        channel="counter",
        tone=ExperienceTone.NEGATIVE,
        title="Attente",
        body="Deux heures.",
        user=citizen_a.user,
    )


@pytest.fixture
def held(citizen_a, unit_1):
    return stories.experience_submit(
        unit=unit_1,
        channel="counter",
        tone=ExperienceTone.NEGATIVE,
        title="Colère",
        body="Bande de crétins.",
        user=citizen_a.user,
    )


@pytest.fixture
def outsider_agent():
    """An agent of another administration."""
    other = OrganisationFactory(name="Autre ville", slug="autre-ville")
    return AgentFactory(unit=UnitFactory(organisation=other), user__email="autre@autre.example.org")


def test_the_home_lists_what_the_agent_may_act_on(client, published, held, request):
    sign_in_as(client, "agent_1", request)
    page = client.get(reverse("backoffice:listening")).content.decode()
    assert "Attente" in page
    assert "Colère" not in page  # moderation is for managers
    sign_in_as(client, "manager", request)
    assert "Colère" in client.get(reverse("backoffice:listening")).content.decode()


def test_an_agent_of_the_unit_replies_and_the_reply_is_public(client, published, request):
    sign_in_as(client, "agent_1", request)
    url = reverse("backoffice:listening_experience", args=[published.public_id])
    response = client.post(url, {"reply": ""})
    assert "Écrivez la réponse du service." in response.content.decode()
    response = client.post(url, {"reply": "Nous ouvrons un second guichet."})
    assert response.status_code == HTTPStatus.FOUND
    published.refresh_from_db()
    assert published.reply == "Nous ouvrons un second guichet."


@pytest.mark.parametrize("role", ["agent_2", "manager_2"])
def test_agents_of_another_unit_do_not_see_the_experience(client, published, role, request):
    sign_in_as(client, role, request)
    url = reverse("backoffice:listening_experience", args=[published.public_id])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_an_agent_of_another_administration_sees_nothing(client, published, outsider_agent):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.backoffice.test_backoffice_browser import sign_in_verified  # noqa: F401

    device = TOTPDevice.objects.create(user=outsider_agent.user, name="t", confirmed=True)
    client.force_login(outsider_agent.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = reverse("backoffice:listening_experience", args=[published.public_id])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert "Attente" not in client.get(reverse("backoffice:listening")).content.decode()


def test_a_manager_moderates_with_a_reason_to_refuse(client, held, request):
    sign_in_as(client, "manager", request)
    url = reverse("backoffice:listening_experience", args=[held.public_id])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert "pourquoi" in response.content.decode()
    held.refresh_from_db()
    assert held.status == ExperienceStatus.HELD
    client.post(url, {"decision": "publish", "public_body": "Un accueil peu attentif.", "note": ""})
    held.refresh_from_db()
    assert held.status == ExperienceStatus.PUBLISHED
    assert held.public_body == "Un accueil peu attentif."


def test_an_agent_cannot_moderate(client, held, request):
    sign_in_as(client, "agent_1", request)
    url = reverse("backoffice:listening_experience", args=[held.public_id])
    response = client.post(url, {"decision": "publish", "note": ""})
    assert response.status_code == HTTPStatus.OK
    held.refresh_from_db()
    assert held.status == ExperienceStatus.HELD


def test_a_complaint_is_recorded_from_a_case_and_answered(client, decided_case, request):
    sign_in_as(client, "agent_1", request)
    response = client.post(
        reverse("backoffice:complaint_record", args=[decided_case.reference]),
        {
            "channel": "phone",
            "subject": "Accueil",
            "description": "Appel : on lui a raccroché au nez.",
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("backoffice:complaint", args=[complaint.reference])
    assert complaint.recorded_by.user.email == "agent1@bellerive.example.org"
    assert list(complaint.cases.all()) == [decided_case]
    url = reverse("backoffice:complaint", args=[complaint.reference])
    client.post(url, {"take": "1"})
    response = client.post(url, {"response": "Nous nous excusons.", "root_cause": ""})
    assert "Choisissez la cause" in response.content.decode()
    assert "Nous nous excusons." in response.content.decode()  # kept
    client.post(url, {"response": "Nous nous excusons.", "root_cause": "reception"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED


def test_an_agent_of_another_unit_cannot_record_a_complaint_on_the_case(
    client, decided_case, request
):
    sign_in_as(client, "agent_2", request)
    url = reverse("backoffice:complaint_record", args=[decided_case.reference])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.post(url, {"channel": "phone", "subject": "x", "description": "y"}).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert Complaint.objects.count() == 0


def test_a_manager_answers_a_report_an_agent_only_reads_it(client, decided_case, agent_1, request):
    report = reports.agent_feedback_report(
        case=decided_case, by=agent_1, kind=FrictionKind.UNCLEAR_FORM, description="Question 4."
    )
    url = reverse("backoffice:listening_report", args=[report.pk])
    sign_in_as(client, "agent_1", request)
    assert client.get(url).status_code == HTTPStatus.OK
    assert (
        client.post(url, {"status": "accepted", "reply": "Oui"}).status_code == HTTPStatus.FORBIDDEN
    )
    sign_in_as(client, "manager", request)
    response = client.post(url, {"status": "accepted", "reply": ""})
    assert "Écrivez une réponse" in response.content.decode()
    client.post(url, {"status": "accepted", "reply": "Reformulée en janvier."})
    report.refresh_from_db()
    assert report.status == AgentFeedbackStatus.ACCEPTED
    sign_in_as(client, "agent_2", request)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_manager_answers_an_idea_declined_needs_a_reason(
    client, organisation, citizen_a, request
):
    idea = ideas.idea_propose(
        organisation=organisation, by=citizen_a.user, title="Idée", body="Texte."
    )
    url = reverse("backoffice:listening_idea", args=[idea.pk])
    sign_in_as(client, "agent_1", request)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    sign_in_as(client, "manager", request)
    response = client.post(url, {"status": "declined", "reason": ""})
    assert "Expliquez pourquoi" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PROPOSED
    client.post(url, {"status": "declined", "reason": "Hors de nos compétences."})
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DECLINED


def test_a_held_idea_is_published_by_a_manager(client, organisation, citizen_a, request):
    idea = ideas.idea_propose(
        organisation=organisation, by=citizen_a.user, title="Idée", body="Ces abrutis."
    )
    assert not Idea.objects.published().exists()
    sign_in_as(client, "manager", request)
    client.post(reverse("backoffice:listening_idea", args=[idea.pk]), {"publish": "1"})
    assert Idea.objects.published().get() == idea


@pytest.mark.parametrize("role", ["citizen_a", "helper"])
def test_citizens_and_helpers_are_refused_the_listening_pages(client, role, request):
    sign_in_as(client, role, request)
    assert client.get(reverse("backoffice:listening")).status_code == HTTPStatus.FORBIDDEN


def test_a_report_of_another_unit_procedure_is_not_for_its_managers(
    client, decided_case, agent_1, request
):
    reports.agent_feedback_report(
        case=decided_case, by=agent_1, kind=FrictionKind.OTHER, description="x"
    )
    sign_in_as(client, "manager_2", request)
    page = client.get(reverse("backoffice:listening")).content.decode()
    assert decided_case.procedure.title not in page
    assert AgentFeedback.objects.count() == 1
    assert Experience.objects.count() == 0
    assert complaints  # the module is used above through the views


def test_a_held_comment_is_published_by_a_manager(
    client, organisation, citizen_a, citizen_b, request
):
    idea = ideas.idea_propose(
        organisation=organisation, by=citizen_a.user, title="Idée", body="Texte."
    )
    comment = ideas.idea_comment(idea=idea, by=citizen_b.user, body="Quels guignols.")
    assert not comment.is_published
    sign_in_as(client, "manager", request)
    assert "Idée" in client.get(reverse("backoffice:listening")).content.decode()
    url = reverse("backoffice:listening_idea", args=[idea.pk])
    assert "Quels guignols." in client.get(url).content.decode()
    client.post(url, {"publish_comment": comment.pk})
    comment.refresh_from_db()
    assert comment.is_published


def test_the_public_experiences_page_reads_a_fixed_number_of_queries(
    client, citizen_a, unit_1, agent_1, django_assert_max_num_queries
):
    for number in range(6):
        story = stories.experience_submit(
            unit=unit_1,
            channel="online",
            tone=ExperienceTone.POSITIVE,
            title=f"Expérience {number}",
            body="Très bien.",
            user=citizen_a.user,
        )
        stories.experience_reply(experience=story, by=agent_1, reply="Merci.")
    url = reverse("portal:experiences_of", args=[unit_1.organisation.slug])
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == HTTPStatus.OK
