"""A journey spanning two administrations: its steps and conditions, what is given once
and prefilled after, the referent who reads every case of it, the suggestions made
after a decision, and who may see what."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.journeys import selectors, services
from parcours.journeys.enums import StepCondition, StepStatus
from parcours.journeys.models import Journey, LifeEvent, LifeEventStep, Suggestion
from tests.backoffice.conftest import verified
from tests.factories import AgentFactory, OrganisationFactory, ProcedureFactory, UnitFactory

pytestmark = pytest.mark.sqlite

MOVING_FORM = {
    "fields": [
        {"name": "subject", "label": "Objet de la demande", "type": "text", "required": True},
        {
            "name": "new_address",
            "label": "Nouvelle adresse",
            "type": "text",
            "required": True,
        },
        {
            "name": "tenant",
            "label": "Vous êtes locataire",
            "type": "choice",
            "required": True,
            "choices": [{"value": "yes", "label": "Oui"}, {"value": "no", "label": "Non"}],
        },
    ]
}


@pytest.fixture
def caisse_unit(db):
    caisse = OrganisationFactory(name="Caisse des prestations", slug="caisse")
    return UnitFactory(organisation=caisse, name="Aides au logement", slug="logement")


@pytest.fixture
def caisse_agent(caisse_unit):
    return AgentFactory(unit=caisse_unit)


@pytest.fixture
def moving(unit_1, caisse_unit):
    """« Je déménage »: the town's change of address, then the benefits body's housing
    aid once it is accepted, and the parking card only for tenants."""
    address = ProcedureFactory(
        handling_unit=unit_1, code="ADR", title="Changement d'adresse", version=MOVING_FORM
    )
    aid = ProcedureFactory(
        handling_unit=caisse_unit, code="ALO", title="Aide au logement", version=MOVING_FORM
    )
    parking = ProcedureFactory(handling_unit=unit_1, code="STA", title="Carte de stationnement")
    event = LifeEvent.objects.create(
        organisation=unit_1.organisation,
        slug="je-demenage",
        title="Je déménage",
        summary="Toutes les démarches d'un déménagement.",
        referent_unit=unit_1,
        is_published=True,
    )
    first = LifeEventStep.objects.create(
        life_event=event, position=1, procedure=address, explanation="Pour recevoir votre courrier."
    )
    LifeEventStep.objects.create(
        life_event=event,
        position=2,
        procedure=aid,
        explanation="Votre nouveau loyer peut vous ouvrir droit à une aide au logement.",
        condition=StepCondition.AFTER_ACCEPTED,
        after_step=first,
    )
    LifeEventStep.objects.create(
        life_event=event,
        position=3,
        procedure=parking,
        explanation="Les résidents se garent à tarif réduit.",
        condition=StepCondition.ANSWER_EQUALS,
        after_step=first,
        answer_field="tenant",
        answer_value="yes",
    )
    return event


def _statuses(journey):
    return [view.status for view in selectors.journey_steps(journey)]


def test_a_journey_spans_two_administrations_with_its_conditions(
    client, moving, citizen_a, agent_1, caisse_agent, django_capture_on_commit_callbacks
):
    client.force_login(citizen_a.user)
    response = client.post(reverse("journeys:start", args=[moving.slug]))
    journey = Journey.objects.get()
    assert response.url == reverse("journeys:journey", args=[journey.pk])
    assert _statuses(journey) == [StepStatus.AVAILABLE, StepStatus.WAITING, StepStatus.WAITING]
    page = client.get(response.url).content.decode()
    assert "Possible après la décision sur « Changement d&#x27;adresse »" in page

    first_step, aid_step, _parking_step = moving.steps.order_by("position")
    # A step not open yet cannot be started.
    refused = client.post(reverse("journeys:start_step", args=[journey.pk, aid_step.pk]))
    assert refused.url == reverse("journeys:journey", args=[journey.pk])
    assert not Case.objects.filter(procedure=aid_step.procedure).exists()

    response = client.post(reverse("journeys:start_step", args=[journey.pk, first_step.pk]))
    case = Case.objects.get(procedure=first_step.procedure)
    assert response.url == reverse("portal:apply_step", args=[case.pk, 1])
    case = case_services.case_update_draft(
        case=case,
        by=citizen_a.user,
        form_data={"subject": "Déménagement", "new_address": "8 rue Neuve", "tenant": "yes"},
    )
    case_services.case_submit(case=case, by=citizen_a.user)
    # The answer opens the parking card; the aid waits for the decision.
    assert _statuses(journey) == [StepStatus.STARTED, StepStatus.WAITING, StepStatus.AVAILABLE]

    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_accept(case=case, by=agent_1.user, reasons="")
    assert _statuses(journey)[1] == StepStatus.AVAILABLE
    # Proactivity: suggested, with the reason, never started for the person.
    suggestion = Suggestion.objects.get(procedure=aid_step.procedure)
    assert suggestion.user == citizen_a.user
    assert suggestion.journey == journey
    assert "aide au logement" in suggestion.explanation
    assert not Case.objects.filter(procedure=aid_step.procedure).exists()
    decision_mail = [m for m in mail.outbox if citizen_a.email in m.to][-1]
    assert "Aide au logement" in decision_mail.body
    page = client.get(reverse("journeys:mine")).content.decode()
    assert "Des démarches auxquelles vous pourriez avoir droit" in page

    # The next administration's form comes prefilled with what the person gave.
    client.post(reverse("journeys:start_step", args=[journey.pk, aid_step.pk]))
    aid_case = Case.objects.get(procedure=aid_step.procedure)
    assert aid_case.organisation == caisse_agent.organisation
    assert aid_case.person.user == citizen_a.user
    assert aid_case.form_data["new_address"] == "8 rue Neuve"
    aid_case = case_services.case_submit(case=aid_case, by=citizen_a.user)

    # The referent (an agent of the town) reads the benefits body's case too, journaled.
    verified(client, agent_1.user)
    page = client.get(reverse("journeys_backoffice:journey", args=[journey.pk]))
    assert page.status_code == HTTPStatus.OK
    client.post(reverse("journeys_backoffice:take", args=[journey.pk]))
    journey.refresh_from_db()
    assert journey.referent == agent_1
    page = client.get(reverse("journeys_backoffice:case", args=[journey.pk, aid_case.reference]))
    assert page.status_code == HTTPStatus.OK
    assert "8 rue Neuve" in page.content.decode()
    journal = pytest.importorskip("parcours.privacy.models")
    if hasattr(journal, "AccessLogEntry"):
        entry = journal.AccessLogEntry.objects.filter(case_id=aid_case.pk).latest("pk")
        assert "Je déménage" in entry.reason


def test_another_person_never_sees_the_journey(client, moving, citizen_a, citizen_b):
    journey = services.journey_start(life_event=moving, user=citizen_a.user)
    step = moving.steps.order_by("position").first()
    client.force_login(citizen_b.user)
    assert client.get(reverse("journeys:journey", args=[journey.pk])).status_code == 404
    response = client.post(reverse("journeys:start_step", args=[journey.pk, step.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Case.objects.exists()


def test_agents_outside_the_coordinating_unit_do_not_see_the_journey(
    client, moving, citizen_a, agent_2, caisse_agent
):
    journey = services.journey_start(life_event=moving, user=citizen_a.user)
    for agent in (agent_2, caisse_agent):
        verified(client, agent.user)
        response = client.get(reverse("journeys_backoffice:journey", args=[journey.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND
        response = client.post(reverse("journeys_backoffice:take", args=[journey.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_only_the_referent_reads_the_journeys_cases(
    client, moving, citizen_a, agent_1, manager, django_capture_on_commit_callbacks
):
    journey = services.journey_start(life_event=moving, user=citizen_a.user)
    step = moving.steps.order_by("position").first()
    case = services.journey_start_step(journey=journey, step=step, by=citizen_a.user)
    case = case_services.case_update_draft(
        case=case,
        by=citizen_a.user,
        form_data={"subject": "x", "new_address": "y", "tenant": "no"},
    )
    case_services.case_submit(case=case, by=citizen_a.user)
    services.journey_take(journey=journey, agent=manager)
    verified(client, agent_1.user)
    response = client.get(reverse("journeys_backoffice:case", args=[journey.pk, case.reference]))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_helper_and_a_citizen_do_not_reach_the_journey_back_office(
    client, moving, citizen_a, helper
):
    journey = services.journey_start(life_event=moving, user=citizen_a.user)
    for user in (citizen_a.user, helper.user):
        client.force_login(user)
        response = client.get(reverse("journeys_backoffice:journey", args=[journey.pk]))
        assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_decided_case_outside_any_journey_gets_the_life_events_suggestions(
    moving, citizen_b, agent_1
):
    address = moving.steps.get(position=1).procedure
    from tests.factories import CaseFactory

    case = CaseFactory(
        procedure=address,
        person=citizen_b,
        form_data={"subject": "x", "new_address": "y", "tenant": "no"},
    )
    case_services.case_submit(case=case, by=citizen_b.user)
    case_services.case_accept(case=case, by=agent_1.user, reasons="")
    titles = set(Suggestion.objects.values_list("procedure__title", flat=True))
    # Accepted: the aid is suggested; not a tenant: no parking card.
    assert titles == {"Aide au logement"}


def test_a_rejection_suggests_nothing_that_needs_an_acceptance(moving, citizen_b, agent_1):
    from tests.factories import CaseFactory

    case = CaseFactory(
        procedure=moving.steps.get(position=1).procedure,
        person=citizen_b,
        form_data={"subject": "x", "new_address": "y", "tenant": "no"},
    )
    case_services.case_submit(case=case, by=citizen_b.user)
    case_services.case_reject(case=case, by=agent_1.user, reasons="Adresse hors commune.")
    assert not Suggestion.objects.exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.REJECTED


def test_the_life_events_page_lists_the_published_ones(client, moving):
    LifeEvent.objects.create(
        organisation=moving.organisation,
        slug="brouillon",
        title="Pas encore publié",
        summary="-",
        referent_unit=moving.referent_unit,
    )
    page = client.get(reverse("journeys:life_events")).content.decode()
    assert "Je déménage" in page
    assert "Pas encore publié" not in page
    assert client.get(reverse("journeys:life_event", args=["brouillon"])).status_code == 404
