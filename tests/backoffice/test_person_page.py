"""The whole picture of a person: identity with its provenance, contact details and
accessibility needs, and one timeline across channels, scoped to the agent's units."""

import datetime
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.appointments.enums import AppointmentMode
from parcours.appointments.models import Appointment, AppointmentType
from parcours.cases import services
from parcours.contacts.enums import HalfDay, MessageDirection
from parcours.contacts.models import CallbackRequest, Message
from parcours.people.enums import AccessibilityNeed, DisputeStatus, IdentityField
from parcours.people.models import DataSharingConsent, IdentityDispute
from parcours.people.timeline import PAGE_SIZE
from parcours.privacy import services as access_services
from parcours.privacy.enums import AccessReason
from tests.cases.test_documents_service import PDF
from tests.factories import AgentFactory, CaseFactory, PersonFactory, ProcedureFactory

from .conftest import submit

pytestmark = pytest.mark.sqlite


def person_url(person, page=None) -> str:
    url = reverse("backoffice:person", args=[person.pk])
    return f"{url}?page={page}" if page else url


@pytest.fixture
def roads_case(unit_2, citizen_a):
    """Citizen A's case in unit 2 (the roads), outside agent 1's unit."""
    procedure = ProcedureFactory(handling_unit=unit_2, code="VOI", title="Occupation du trottoir")
    draft = CaseFactory(
        procedure=procedure,
        person=citizen_a,
        form_data={"subject": "Échafaudage rue des Tilleuls", "details": "Secret de voirie."},
    )
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def history(procedure, citizen_a, unit_1, unit_2, roads_case):
    """A bit of everything in unit 1 for citizen A, and a message to unit 2."""
    draft = CaseFactory(procedure=procedure, person=citizen_a)
    services.document_add(
        case=draft, by=citizen_a.user, upload=SimpleUploadedFile("avis-impot.pdf", PDF)
    )
    school = services.case_submit(case=draft, by=citizen_a.user)
    organisation = unit_1.organisation
    Message.objects.create(
        organisation=organisation,
        case=school,
        person=citizen_a,
        unit=unit_1,
        direction=MessageDirection.FROM_CITIZEN,
        body="Ma fille commence en septembre.",
    )
    Message.objects.create(
        organisation=organisation,
        person=citizen_a,
        unit=unit_2,
        direction=MessageDirection.FROM_CITIZEN,
        body="Message privé pour la voirie.",
    )
    CallbackRequest.objects.create(
        organisation=organisation,
        person=citizen_a,
        unit=unit_1,
        phone="06 12 34 56 78",
        day=timezone.localdate() + datetime.timedelta(days=2),
        half_day=HalfDay.MORNING,
        topic="Question sur la cantine",
    )
    kind = AppointmentType.objects.create(
        organisation=organisation,
        unit=unit_1,
        mode=AppointmentMode.COUNTER,
        name="Déposer le dossier d'inscription",
        duration_minutes=30,
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    appointment = Appointment.objects.create(
        organisation=organisation,
        appointment_type=kind,
        unit=unit_1,
        person=citizen_a,
        mode=AppointmentMode.COUNTER,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        seat=1,
        reason="Inscrire ma fille en CP.",
    )
    IdentityDispute.objects.create(
        organisation=organisation,
        person=citizen_a,
        user=citizen_a.user,
        field=IdentityField.BIRTH_DATE,
        proposed_value="12/03/1985",
        explanation="Erreur à l'état civil.",
    )
    DataSharingConsent.objects.create(
        organisation=organisation,
        person=citizen_a,
        user=citizen_a.user,
        what="Avis d’impôt 2025",
        target_case=school,
    )
    return {"school": school, "appointment": appointment}


def test_the_person_page_shows_identity_contact_and_accessibility_needs(
    as_agent, agent_1, citizen_a
):
    citizen_a.identity_certified = True
    citizen_a.accessibility_needs = [AccessibilityNeed.SIGN_LANGUAGE]
    citizen_a.accessibility_note = "Venir avec un interprète."
    citizen_a.save()

    response = as_agent(agent_1).get(person_url(citizen_a))

    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert "Alice Durand" in page
    assert "identité certifiée" in page
    assert "par FranceConnect" in page
    assert "06 12 34 56 78" in page
    assert "alice@example.org" in page
    assert "Langue des signes française (LSF)" in page
    assert "Venir avec un interprète." in page


def test_a_declared_identity_says_who_declared_it(as_agent, agent_1, organisation):
    at_the_counter = PersonFactory(organisation=organisation, offline=True, family_name="Noël")

    page = as_agent(agent_1).get(person_url(at_the_counter)).text

    assert "identité déclarée" in page
    assert "la personne n'a pas de compte" in page


def test_the_timeline_shows_every_channel_of_the_agents_unit_with_links(
    as_agent, agent_1, citizen_a, history
):
    page = as_agent(agent_1).get(person_url(citizen_a)).text

    school = history["school"]
    for expected in [
        reverse("backoffice:case", args=[school.reference]),
        "Inscription scolaire",
        "Ma fille commence en septembre.",
        "Question sur la cantine",
        reverse("backoffice:appointment", args=[history["appointment"].pk]),
        "avis-impot.pdf",
        "« 12/03/1985 » proposé",
        "Avis d’impôt 2025",
    ]:
        assert expected in page, expected


def test_another_units_case_shows_only_that_it_exists(
    as_agent, agent_1, citizen_a, history, roads_case
):
    page = as_agent(agent_1).get(person_url(citizen_a)).text

    # The procedure, the state, the unit: yes; the content and the unit's messages: no.
    assert "Occupation du trottoir" in page
    assert "Service Voirie" in page
    assert "hors de vos services" in page
    assert "Échafaudage" not in page
    assert "Secret de voirie" not in page
    assert "Message privé pour la voirie." not in page


def test_the_timeline_is_newest_first_and_grouped_by_day(as_agent, agent_1, procedure, citizen_a):
    today = timezone.localdate()
    older = submit(procedure, citizen_a, on=today - datetime.timedelta(days=10))
    newer = submit(procedure, citizen_a, on=today - datetime.timedelta(days=2))

    page = as_agent(agent_1).get(person_url(citizen_a)).text

    assert page.index(newer.reference) < page.index(older.reference)
    assert page.count("<h3>") >= 2


def test_the_timeline_is_paginated(as_agent, agent_1, procedure, citizen_a):
    today = timezone.localdate()
    cases = [
        submit(procedure, citizen_a, on=today - datetime.timedelta(days=n))
        for n in range(1, PAGE_SIZE + 3)
    ]
    client = as_agent(agent_1)

    first = client.get(person_url(citizen_a)).text
    second = client.get(person_url(citizen_a, page=2)).text

    assert cases[0].reference in first
    assert cases[-1].reference not in first
    assert cases[-1].reference in second
    assert "Plus anciens" in first
    assert "Plus récents" in second


def test_the_person_page_costs_the_same_queries_for_a_short_or_a_long_history(
    as_agent, agent_1, procedure, citizen_a, history, django_assert_max_num_queries
):
    client = as_agent(agent_1)
    client.get(person_url(citizen_a))
    # One query per timeline source (cases, messages, call-backs and their attempts,
    # appointments, documents, disputes, consents, exchanges, merges), the session, the
    # agent's scope and the access journal's entry: never one per row.
    with django_assert_max_num_queries(30) as short:
        client.get(person_url(citizen_a))
    today = timezone.localdate()
    for n in range(1, 8):
        submit(procedure, citizen_a, on=today - datetime.timedelta(days=n))
    with django_assert_max_num_queries(30) as long:
        client.get(person_url(citizen_a))

    assert len(long) == len(short)


def test_the_whole_record_opened_with_a_reason_shows_every_unit(
    as_agent, agent_1, citizen_a, history, roads_case
):
    access_services.access_open(
        agent=agent_1,
        person=citizen_a,
        reason=AccessReason.PERSON_AT_COUNTER,
        explanation="Madame Durand est à l'accueil et demande où en sont ses demandes.",
    )

    page = as_agent(agent_1).get(person_url(citizen_a)).text

    assert "Message privé pour la voirie." in page
    assert "hors de vos services" not in page


def test_a_person_of_another_organisation_is_not_found(as_agent, agent_1):
    stranger = PersonFactory(family_name="Ailleurs")

    assert as_agent(agent_1).get(person_url(stranger)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ["citizen_a", "helper"])
def test_citizens_and_helpers_are_refused_the_person_page(client, citizen_a, role, request):
    client.force_login(request.getfixturevalue(role).user)

    assert client.get(person_url(citizen_a)).status_code == HTTPStatus.FORBIDDEN


def test_an_agent_without_their_code_is_asked_for_it(client, agent_1, citizen_a):
    client.force_login(agent_1.user)

    response = client.get(person_url(citizen_a))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("backoffice:verify"))


def test_the_dispute_status_is_shown(as_agent, agent_1, citizen_a, organisation):
    IdentityDispute.objects.create(
        organisation=organisation,
        person=citizen_a,
        field=IdentityField.GIVEN_NAME,
        proposed_value="Alix",
        status=DisputeStatus.RESOLVED,
    )
    other_org_agent = AgentFactory()

    page = as_agent(agent_1).get(person_url(citizen_a)).text

    assert "« Alix » proposé" in page
    assert "Traité" in page
    assert other_org_agent.organisation_id != organisation.pk
