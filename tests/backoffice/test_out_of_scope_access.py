"""Opening a file outside one's units: a stated reason, journaled, for the rest of the
working day, within one's organisation only, shown to the person and to the managers."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.privacy import services as access_services
from parcours.privacy.enums import AccessReason
from parcours.privacy.errors import AccessError
from parcours.privacy.models import OutOfScopeAccess
from tests.factories import AgentFactory, CaseFactory, PersonFactory, ProcedureFactory

from .conftest import verified

pytestmark = pytest.mark.sqlite

REASON = {
    "reason": AccessReason.PERSON_AT_COUNTER,
    "explanation": "Madame Durand est à l'accueil de la mairie et demande où en est sa demande.",
}


@pytest.fixture
def roads_case(unit_2, citizen_a):
    from parcours.cases import services

    procedure = ProcedureFactory(handling_unit=unit_2, code="VOI", title="Occupation du trottoir")
    draft = CaseFactory(
        procedure=procedure, person=citizen_a, form_data={"subject": "Échafaudage", "details": ""}
    )
    return services.case_submit(case=draft, by=citizen_a.user)


def case_url(case) -> str:
    return reverse("backoffice:case", args=[case.reference])


def access_url(case) -> str:
    return reverse("backoffice:case_access", args=[case.reference])


def test_opening_another_units_case_asks_for_a_reason_first(as_agent, agent_1, roads_case):
    client = as_agent(agent_1)

    response = client.get(case_url(roads_case))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == access_url(roads_case)
    form = client.get(access_url(roads_case))
    assert form.status_code == HTTPStatus.OK
    assert "Service Voirie" in form.text
    assert "Échafaudage" not in form.text
    assert not OutOfScopeAccess.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "", "explanation": "Elle est là."}, "Choisissez la raison"),
        ({"reason": "curiosity", "explanation": "Elle est là."}, "Choisissez la raison"),
        ({"reason": AccessReason.OTHER, "explanation": "   "}, "Précisez en quelques mots"),
    ],
    ids=["no reason", "unknown reason", "no explanation"],
)
def test_the_reason_and_its_explanation_are_required(as_agent, agent_1, roads_case, data, field):
    client = as_agent(agent_1)

    response = client.post(access_url(roads_case), data)

    assert response.status_code == HTTPStatus.OK
    assert field in response.text
    assert not OutOfScopeAccess.objects.exists()
    assert client.get(case_url(roads_case)).status_code == HTTPStatus.FOUND


def test_a_stated_reason_is_logged_and_opens_the_case_read_only(as_agent, agent_1, roads_case):
    client = as_agent(agent_1)

    response = client.post(access_url(roads_case), REASON)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == case_url(roads_case)
    access = OutOfScopeAccess.objects.get()
    assert access.agent == agent_1
    assert access.user == agent_1.user
    assert access.case == roads_case
    assert access.person == roads_case.person
    assert access.organisation_id == agent_1.organisation_id
    assert access.reason == AccessReason.PERSON_AT_COUNTER
    assert access.explanation == REASON["explanation"]
    assert access.agent_units == "Service Éducation"
    page = client.get(case_url(roads_case))
    assert page.status_code == HTTPStatus.OK
    assert "Échafaudage" in page.text
    assert "sans pouvoir agir dessus" in page.text
    # Reading is not working the case: taking it stays with its unit.
    take = reverse("backoffice:case_take", args=[roads_case.reference])
    assert client.post(take, {"reason": "Je le prends."}).status_code == HTTPStatus.NOT_FOUND


def test_the_access_ends_with_the_working_day(
    as_agent, agent_1, roads_case, settings, time_machine
):
    settings.PARCOURS_OUT_OF_SCOPE_ACCESS_UNTIL = "18:30"
    morning = timezone.make_aware(datetime.datetime(2026, 5, 5, 10, 0))
    time_machine.move_to(morning, tick=False)
    client = as_agent(agent_1)
    client.post(access_url(roads_case), REASON)
    access = OutOfScopeAccess.objects.get()
    assert timezone.localtime(access.expires_at).time() == datetime.time(18, 30)

    time_machine.move_to(morning.replace(hour=18, minute=29), tick=False)
    assert as_agent(agent_1).get(case_url(roads_case)).status_code == HTTPStatus.OK
    time_machine.move_to(morning.replace(hour=18, minute=31), tick=False)
    assert as_agent(agent_1).get(case_url(roads_case)).status_code == HTTPStatus.FOUND


def test_a_late_access_still_lasts_a_minimum(settings):
    settings.PARCOURS_OUT_OF_SCOPE_ACCESS_UNTIL = "18:00"
    settings.PARCOURS_OUT_OF_SCOPE_ACCESS_MIN_MINUTES = 60
    evening = timezone.make_aware(datetime.datetime(2026, 5, 5, 20, 0))

    assert access_services.access_expiry(evening) == evening + datetime.timedelta(hours=1)


def test_the_access_is_for_this_case_only(as_agent, agent_1, roads_case, citizen_b, unit_2):
    from parcours.cases import services

    other = services.case_submit(
        case=CaseFactory(procedure=roads_case.procedure, person=citizen_b), by=citizen_b.user
    )
    client = as_agent(agent_1)
    client.post(access_url(roads_case), REASON)

    assert client.get(case_url(other)).status_code == HTTPStatus.FOUND


def test_a_granted_document_is_served_and_others_are_not(as_agent, agent_1, roads_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.cases import services
    from parcours.cases.models import Document
    from tests.cases.test_documents_service import PDF

    services.document_add(
        case=roads_case, by=roads_case.person.user, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    document = Document.objects.get(case=roads_case)
    url = reverse("backoffice:document", args=[roads_case.reference, document.pk])
    client = as_agent(agent_1)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND

    client.post(access_url(roads_case), REASON)

    assert client.get(url).status_code == HTTPStatus.OK


def test_never_across_organisations(client, roads_case):
    elsewhere = AgentFactory(title="Instructrice d'une autre ville")
    verified(client, elsewhere.user)

    assert client.get(case_url(roads_case)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(access_url(roads_case)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(access_url(roads_case), REASON).status_code == HTTPStatus.NOT_FOUND
    person_access = reverse("backoffice:person_access", args=[roads_case.person_id])
    assert client.post(person_access, REASON).status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(AccessError):
        access_services.access_open(agent=elsewhere, person=roads_case.person, **REASON)
    with pytest.raises(AccessError):
        access_services.access_open(
            agent=elsewhere, person=roads_case.person, case=roads_case, **REASON
        )
    assert not OutOfScopeAccess.objects.exists()


def test_a_case_of_ones_own_unit_needs_no_reason(as_agent, agent_2, roads_case):
    response = as_agent(agent_2).get(access_url(roads_case))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == case_url(roads_case)
    with pytest.raises(AccessError):
        access_services.access_open(
            agent=agent_2, person=roads_case.person, case=roads_case, **REASON
        )


@pytest.mark.parametrize("role", ["citizen_a", "helper"])
def test_citizens_and_helpers_cannot_state_a_reason(client, roads_case, role, request):
    client.force_login(request.getfixturevalue(role).user)

    response = client.post(access_url(roads_case), REASON)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not OutOfScopeAccess.objects.exists()


def test_an_agent_without_their_code_cannot_state_a_reason(client, agent_1, roads_case):
    client.force_login(agent_1.user)

    response = client.post(access_url(roads_case), REASON)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("backoffice:verify"))
    assert not OutOfScopeAccess.objects.exists()


def test_the_person_sees_who_opened_their_case_and_why(client, as_agent, agent_1, roads_case):
    as_agent(agent_1).post(access_url(roads_case), REASON)
    client.force_login(roads_case.person.user)

    page = client.get(reverse("portal:case", args=[roads_case.reference])).text
    listing = client.get(reverse("portal:cases")).text

    for shown in (page, listing):
        assert "Qui a consulté votre dossier hors du service qui le traite" in shown
        assert "Claire Martin" in shown
        assert "La personne est devant moi ou au téléphone" in shown
        assert "est à l&#x27;accueil de la mairie" in shown


def test_a_person_with_no_such_access_is_told_so(client, roads_case):
    client.force_login(roads_case.person.user)

    page = client.get(reverse("portal:case", args=[roads_case.reference])).text

    assert "Qui a consulté votre dossier hors du service qui le traite" in page
    assert "n'a consulté ce dossier" in page


def test_another_person_does_not_see_these_accesses(
    client, as_agent, agent_1, roads_case, citizen_b
):
    as_agent(agent_1).post(access_url(roads_case), REASON)
    client.force_login(citizen_b.user)

    assert "Claire Martin" not in client.get(reverse("portal:cases")).text


def test_the_whole_record_needs_a_reason_too(client, as_agent, agent_1, citizen_a):
    url = reverse("backoffice:person_access", args=[citizen_a.pk])
    agent_client = as_agent(agent_1)

    assert agent_client.post(url, {"reason": "", "explanation": ""}).status_code == HTTPStatus.OK
    assert not OutOfScopeAccess.objects.exists()
    response = agent_client.post(url, REASON)

    assert response.status_code == HTTPStatus.FOUND
    access = OutOfScopeAccess.objects.get()
    assert access.case is None
    assert access.person == citizen_a
    client.force_login(citizen_a.user)
    assert "a ouvert l'ensemble de vos dossiers" in client.get(reverse("portal:cases")).text


def test_managers_see_the_accesses_to_their_units_cases(
    client, as_agent, agent_1, roads_case, manager_2, manager
):
    as_agent(agent_1).post(access_url(roads_case), REASON)

    theirs = verified(client, manager_2.user).get(reverse("backoffice:accesses"))
    assert theirs.status_code == HTTPStatus.OK
    assert roads_case.reference in theirs.text
    assert "Claire Martin" in theirs.text
    # Unit 1's manager does not manage the roads: nothing of theirs was opened.
    other = verified(client, manager.user).get(reverse("backoffice:accesses"))
    assert roads_case.reference not in other.text


def test_agents_do_not_see_the_list_of_accesses(as_agent, agent_1):
    assert as_agent(agent_1).get(reverse("backoffice:accesses")).status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_the_journal_is_append_only(as_agent, agent_1, roads_case):
    as_agent(agent_1).post(access_url(roads_case), REASON)
    access = OutOfScopeAccess.objects.get()
    access.explanation = "Autre chose"

    with pytest.raises(ValueError, match="append-only"):
        access.save()


def test_a_draft_is_never_opened_with_a_reason(agent_1, unit_2, citizen_a):
    procedure = ProcedureFactory(handling_unit=unit_2, code="DRA")
    draft = CaseFactory(procedure=procedure, person=citizen_a)

    with pytest.raises(AccessError):
        access_services.access_open(agent=agent_1, person=citizen_a, case=draft, **REASON)


def test_a_case_must_be_the_persons(agent_1, roads_case, organisation):
    someone = PersonFactory(organisation=organisation)

    with pytest.raises(AccessError):
        access_services.access_open(agent=agent_1, person=someone, case=roads_case, **REASON)
