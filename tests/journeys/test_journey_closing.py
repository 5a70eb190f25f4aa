"""Ending a journey: the person stops it with an optional reason, the referent closes
it (completed when every step is done, else with a reason); ended journeys are listed
apart and read-only, each end recorded; nobody else may end them."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.cases.errors import NotAllowed
from parcours.journeys import services
from parcours.journeys.enums import JourneyEventKind, JourneyOutcome
from parcours.journeys.models import Journey
from tests.backoffice.conftest import verified

from .test_journeys import caisse_agent, caisse_unit, moving  # noqa: F401 — fixtures

pytestmark = pytest.mark.sqlite


@pytest.fixture
def journey(moving, citizen_a):  # noqa: F811
    return services.journey_start(life_event=moving, user=citizen_a.user)


@pytest.fixture
def coordinated(journey, agent_1):
    return services.journey_take(journey=journey, agent=agent_1)


def _first_step_decided(journey, citizen_a, agent_1, *, tenant: str, accept: bool):
    step = journey.life_event.steps.order_by("position").first()
    case = services.journey_start_step(journey=journey, step=step, by=citizen_a.user)
    case = case_services.case_update_draft(
        case=case,
        by=citizen_a.user,
        form_data={"subject": "Déménagement", "new_address": "8 rue Neuve", "tenant": tenant},
    )
    case = case_services.case_submit(case=case, by=citizen_a.user)
    if accept:
        return case_services.case_accept(case=case, by=agent_1.user, reasons="")
    return case_services.case_reject(case=case, by=agent_1.user, reasons="Hors commune.")


def test_the_person_stops_their_journey_with_a_reason_and_it_is_listed_apart_read_only(
    client, journey, citizen_a
):
    client.force_login(citizen_a.user)
    page = client.get(reverse("journeys:journey", args=[journey.pk])).content.decode()
    assert reverse("journeys:abandon", args=[journey.pk]) in page
    form = client.get(reverse("journeys:abandon", args=[journey.pk]))
    assert form.status_code == HTTPStatus.OK
    response = client.post(
        reverse("journeys:abandon", args=[journey.pk]), {"reason": "Je ne déménage plus."}
    )
    assert response.url == reverse("journeys:journey", args=[journey.pk])

    journey.refresh_from_db()
    assert journey.is_closed
    assert (journey.outcome, journey.closing_reason) == (
        JourneyOutcome.ABANDONED,
        "Je ne déménage plus.",
    )
    event = journey.events.get(kind=JourneyEventKind.ABANDONED)
    assert (event.actor, event.reason) == (citizen_a.user, "Je ne déménage plus.")

    page = client.get(reverse("journeys:journey", args=[journey.pk])).content.decode()
    assert "Arrêté par la personne" in page
    assert "ne peut plus être modifié" in page
    assert reverse("journeys:abandon", args=[journey.pk]) not in page
    assert "Commencer" not in page
    listing = client.get(reverse("journeys:mine")).content.decode()
    assert listing.index("Parcours terminés") < listing.index("Je déménage")


def test_the_reason_is_optional_for_the_person(client, journey, citizen_a):
    client.force_login(citizen_a.user)
    client.post(reverse("journeys:abandon", args=[journey.pk]), {"reason": ""})
    journey.refresh_from_db()
    assert journey.outcome == JourneyOutcome.ABANDONED


def test_a_too_long_reason_is_refused_and_kept(client, journey, citizen_a):
    client.force_login(citizen_a.user)
    reason = "x" * 2001
    response = client.post(reverse("journeys:abandon", args=[journey.pk]), {"reason": reason})
    assert response.status_code == HTTPStatus.OK
    assert reason in response.content.decode()
    journey.refresh_from_db()
    assert not journey.is_closed


def test_an_ended_journey_starts_no_step_and_cannot_be_ended_again(journey, citizen_a):
    services.journey_abandon(journey=journey, by=citizen_a.user)
    step = journey.life_event.steps.order_by("position").first()
    with pytest.raises(services.JourneyError, match="terminé"):
        services.journey_start_step(journey=journey, step=step, by=citizen_a.user)
    with pytest.raises(services.JourneyError, match="terminé"):
        services.journey_abandon(journey=journey, by=citizen_a.user)
    # The life event may be started again: a new journey.
    again = services.journey_start(life_event=journey.life_event, user=citizen_a.user)
    assert again.pk != journey.pk


def test_another_person_cannot_stop_the_journey(client, journey, citizen_b):
    client.force_login(citizen_b.user)
    assert client.get(reverse("journeys:abandon", args=[journey.pk])).status_code == 404
    response = client.post(reverse("journeys:abandon", args=[journey.pk]), {"reason": "x"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(NotAllowed):
        services.journey_abandon(journey=journey, by=citizen_b.user)
    journey.refresh_from_db()
    assert not journey.is_closed


def test_the_referent_marks_the_journey_completed_once_every_step_is_done(
    client, coordinated, citizen_a, agent_1
):
    # Refused, and not a tenant: nothing else is needed.
    _first_step_decided(coordinated, citizen_a, agent_1, tenant="no", accept=False)
    verified(client, agent_1.user)
    page = client.get(reverse("journeys_backoffice:close", args=[coordinated.pk]))
    assert "Toutes les étapes sont faites" in page.content.decode()
    response = client.post(reverse("journeys_backoffice:close", args=[coordinated.pk]))
    assert response.url == reverse("journeys_backoffice:journey", args=[coordinated.pk])
    coordinated.refresh_from_db()
    assert coordinated.outcome == JourneyOutcome.COMPLETED
    assert coordinated.events.filter(kind=JourneyEventKind.COMPLETED, actor=agent_1.user).exists()
    listing = client.get(reverse("journeys_backoffice:list")).content.decode()
    assert "Parcours terminés" in listing
    page = client.get(reverse("journeys_backoffice:journey", args=[coordinated.pk]))
    assert "Je coordonne ce parcours" not in page.content.decode()
    assert reverse("journeys_backoffice:close", args=[coordinated.pk]) not in (
        page.content.decode()
    )


def test_the_referent_closes_a_journey_with_steps_left_only_with_a_reason(
    client, coordinated, agent_1
):
    verified(client, agent_1.user)
    url = reverse("journeys_backoffice:close", args=[coordinated.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == HTTPStatus.OK
    assert "dites pourquoi vous clôturez" in refused.content.decode()
    coordinated.refresh_from_db()
    assert not coordinated.is_closed
    client.post(url, {"reason": "La personne reste dans la commune."})
    coordinated.refresh_from_db()
    assert coordinated.outcome == JourneyOutcome.CLOSED
    assert coordinated.closing_reason == "La personne reste dans la commune."


def test_the_person_reads_why_the_referent_closed_their_journey(
    client, coordinated, agent_1, citizen_a
):
    services.journey_close(journey=coordinated, agent=agent_1, reason="Vous restez ici.")
    client.force_login(citizen_a.user)
    page = client.get(reverse("journeys:journey", args=[coordinated.pk])).content.decode()
    assert "Clos par l&#x27;interlocuteur unique" in page
    assert "Vous restez ici." in page


@pytest.mark.parametrize("who", ["manager", "agent_2", "caisse_agent"])
def test_only_the_referent_closes_the_journey(client, coordinated, who, request):
    agent = request.getfixturevalue(who)
    verified(client, agent.user)
    url = reverse("journeys_backoffice:close", args=[coordinated.pk])
    response = client.post(url, {"reason": "Je clos."})
    # The coordinating unit's manager sees the journey but is not its referent; the
    # others do not see it at all.
    expected = HTTPStatus.FORBIDDEN if who == "manager" else HTTPStatus.NOT_FOUND
    assert response.status_code == expected
    assert client.get(url).status_code == expected
    with pytest.raises(NotAllowed):
        services.journey_close(journey=coordinated, agent=agent, reason="Je clos.")
    assert not Journey.objects.get(pk=coordinated.pk).is_closed


def test_a_journey_without_a_referent_cannot_be_closed_by_an_agent(journey, agent_1):
    with pytest.raises(NotAllowed):
        services.journey_close(journey=journey, agent=agent_1, reason="x")


def test_every_change_of_the_journey_is_recorded(coordinated, citizen_a, agent_1):
    _first_step_decided(coordinated, citizen_a, agent_1, tenant="yes", accept=True)
    services.journey_abandon(journey=coordinated, by=citizen_a.user, reason="")
    assert list(coordinated.events.values_list("kind", flat=True)) == [
        JourneyEventKind.STARTED,
        JourneyEventKind.REFERENT_TAKEN,
        JourneyEventKind.STEP_STARTED,
        JourneyEventKind.ABANDONED,
    ]
