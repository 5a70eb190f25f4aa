"""The queue, "Mes dossiers", taking a case and the team view, as agents use them."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import queue
from parcours.cases.enums import CaseChannel, CaseState, EventKind, HoldingChange
from parcours.cases.models import CaseEvent
from tests.factories import AgentFactory

from .conftest import submit

pytestmark = pytest.mark.sqlite

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def three_cases(procedure, short_procedure, citizen_a, citizen_b):
    """Unit 1's queue: "first" (nearest deadline), "second", "third" (a counter request)."""
    return {
        "second": submit(procedure, citizen_a, on=days_ago(40)),
        "first": submit(short_procedure, citizen_b, on=days_ago(15)),
        "third": submit(procedure, citizen_b, on=days_ago(10), channel=CaseChannel.COUNTER),
    }


def references(response) -> list[str]:
    return [case.reference for case in response.context["page"].object_list]


def queue_url(unit, **filters) -> str:
    url = reverse("backoffice:queue", args=[unit.slug])
    if filters:
        url += "?" + "&".join(f"{name}={value}" for name, value in filters.items())
    return url


def test_the_queue_lists_the_unit_s_open_cases_in_fair_order(
    as_agent, agent_1, unit_1, three_cases
):
    response = as_agent(agent_1).get(queue_url(unit_1))

    assert response.status_code == HTTPStatus.OK
    assert references(response) == [three_cases[n].reference for n in ["first", "second", "third"]]
    assert "Prendre le dossier suivant" in response.text
    assert "3 dossiers" in response.text


def test_the_queue_page_makes_the_same_number_of_queries_for_many_cases(
    as_agent, agent_1, unit_1, procedure, citizen_a, django_assert_num_queries
):
    client = as_agent(agent_1)
    submit(procedure, citizen_a, on=days_ago(2))
    client.get(queue_url(unit_1))  # warm the caches of the first request
    # Session, user, OTP device, agent, unit, procedures of the filter, count, page,
    # the unit's commitments in danger.
    with django_assert_num_queries(9):
        client.get(queue_url(unit_1))
    for n in range(30):
        case = submit(procedure, citizen_a, on=days_ago(3 + n))
        if n % 2:
            queue.case_take(case=case, by=agent_1.user, reason="Pour le test.")

    with django_assert_num_queries(9):
        response = client.get(queue_url(unit_1))

    assert len(response.context["page"].object_list) == 25


def test_the_queue_is_paginated_and_keeps_its_filters(
    as_agent, agent_1, unit_1, procedure, citizen_a
):
    for n in range(27):
        submit(procedure, citizen_a, on=days_ago(n + 1))

    response = as_agent(agent_1).get(queue_url(unit_1, suivi="libre", page=2))

    assert len(response.context["page"].object_list) == 2
    assert "Page 2 sur 2" in response.text
    assert 'href="?suivi=libre&amp;page=1"' in response.text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"etat": CaseState.SUBMITTED}, ["first", "second", "third"]),
        ({"etat": CaseState.IN_REVIEW}, []),
        ({"demarche": "STA"}, ["first"]),
        ({"canal": CaseChannel.COUNTER}, ["third"]),
        ({"suivi": "moi"}, ["second"]),
        ({"suivi": "libre"}, ["first", "third"]),
        ({"suivi": "libre", "canal": CaseChannel.ONLINE}, ["first"]),
    ],
)
def test_the_queue_filters(as_agent, agent_1, unit_1, three_cases, filters, expected):
    queue.case_take(case=three_cases["second"], by=agent_1.user, reason="Pour le test.")

    response = as_agent(agent_1).get(queue_url(unit_1, **filters))

    assert references(response) == [three_cases[name].reference for name in expected]


def test_the_overdue_filter_keeps_cases_past_their_legal_deadline(
    as_agent, agent_1, unit_1, procedure, citizen_a
):
    late = submit(procedure, citizen_a, on=days_ago(70))
    submit(procedure, citizen_a, on=days_ago(5))

    response = as_agent(agent_1).get(queue_url(unit_1, en_retard="on"))

    assert references(response) == [late.reference]
    assert "en retard" in response.text


def test_a_wrong_filter_is_reported_and_the_others_still_apply(
    as_agent, agent_1, unit_1, three_cases
):
    response = as_agent(agent_1).get(queue_url(unit_1, demarche="XYZ", canal="counter"))

    assert response.status_code == HTTPStatus.OK
    assert "Un filtre n'a pas pu être appliqué" in response.text
    assert response.context["form"]["demarche"].value() == "XYZ"
    assert references(response) == [three_cases["third"].reference]


def test_filters_do_not_change_which_case_is_next(as_agent, agent_1, unit_1, three_cases):
    client = as_agent(agent_1)
    client.get(queue_url(unit_1, canal="counter"))

    response = client.post(reverse("backoffice:claim_next", args=[unit_1.slug]))

    assert response["Location"] == reverse("backoffice:case", args=[three_cases["first"].reference])


def test_the_next_case_button_gives_the_agent_the_next_case(as_agent, agent_1, unit_1, three_cases):
    response = as_agent(agent_1).post(
        reverse("backoffice:claim_next", args=[unit_1.slug]), follow=True
    )

    first = three_cases["first"]
    assert response.redirect_chain[-1][0] == reverse("backoffice:case", args=[first.reference])
    assert f"Vous suivez désormais le dossier {first.reference}" in response.text
    first.refresh_from_db()
    assert first.referent == agent_1


def test_an_empty_queue_says_so_politely(as_agent, agent_1, unit_1):
    response = as_agent(agent_1).post(
        reverse("backoffice:claim_next", args=[unit_1.slug]), follow=True
    )

    assert response.redirect_chain[-1][0] == queue_url(unit_1)
    assert "Aucun dossier à prendre" in response.text
    assert "Aucun dossier ouvert dans ce service." in response.text


def test_the_next_case_button_is_a_form_not_a_link(as_agent, agent_1, unit_1):
    assert (
        as_agent(agent_1).get(reverse("backoffice:claim_next", args=[unit_1.slug])).status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


def test_the_home_of_an_agent_of_one_unit_is_its_queue(as_agent, agent_1, unit_1):
    response = as_agent(agent_1).get(reverse("backoffice:home"))

    assert response["Location"] == queue_url(unit_1)


def test_the_home_of_an_agent_of_several_units_lists_their_queues(
    as_agent, agent_1, unit_1, unit_2, three_cases
):
    agent_1.units.add(unit_2)

    response = as_agent(agent_1).get(reverse("backoffice:home"))

    assert response.status_code == HTTPStatus.OK
    assert queue_url(unit_1) in response.text
    assert queue_url(unit_2) in response.text
    assert dict(response.context["queues"])[unit_1]["unheld"] == 3


def test_my_cases_lists_the_open_cases_the_agent_holds(as_agent, agent_1, manager, three_cases):
    queue.case_take(case=three_cases["second"], by=agent_1.user, reason="Pour le test.")
    queue.case_take(case=three_cases["first"], by=manager.user)

    response = as_agent(agent_1).get(reverse("backoffice:my_cases"))

    assert references(response) == [three_cases["second"].reference]


# Taking a given case -----------------------------------------------------------------


def take_url(case) -> str:
    return reverse("backoffice:case_take", args=[case.reference])


def test_the_next_case_is_taken_without_a_reason(as_agent, agent_1, three_cases):
    client = as_agent(agent_1)
    page = client.get(take_url(three_cases["first"]))
    assert "C'est le prochain dossier de la file" in page.text
    assert 'name="reason"' not in page.text

    response = client.post(take_url(three_cases["first"]))

    assert response["Location"] == reverse("backoffice:case", args=[three_cases["first"].reference])
    three_cases["first"].refresh_from_db()
    assert three_cases["first"].referent == agent_1


def test_taking_a_case_out_of_turn_asks_for_a_reason_and_keeps_the_page(
    as_agent, agent_1, three_cases
):
    client = as_agent(agent_1)
    third = three_cases["third"]
    assert "pas le prochain de la file" in client.get(take_url(third)).text

    response = client.post(take_url(third), {"reason": ""})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["reason"]
    third.refresh_from_db()
    assert third.referent is None


def test_a_case_taken_out_of_turn_with_a_reason_is_recorded(as_agent, agent_1, three_cases):
    third = three_cases["third"]

    as_agent(agent_1).post(take_url(third), {"reason": "Usager reçu au guichet ce matin."})

    event = CaseEvent.objects.get(case=third, kind=EventKind.REFERENT_CHANGED)
    assert event.data["via"] == HoldingChange.OUT_OF_ORDER
    assert event.reason == "Usager reçu au guichet ce matin."


def test_a_reason_that_is_too_long_is_refused_and_kept(as_agent, agent_1, three_cases):
    long = "x" * (queue.HOLDING_REASON_MAX_LENGTH + 1)

    response = as_agent(agent_1).post(take_url(three_cases["third"]), {"reason": long})

    assert response.context["form"]["reason"].value() == long
    assert response.context["form"].errors["reason"]


def test_a_case_someone_holds_is_not_offered_to_take(as_agent, agent_1, manager, three_cases):
    queue.case_take(case=three_cases["first"], by=manager.user)

    page = as_agent(agent_1).get(take_url(three_cases["first"])).text

    assert "suit déjà ce dossier" in page
    assert "Prendre le dossier</button>" not in page


# The team view -------------------------------------------------------------------------


def test_the_team_page_shows_each_agent_s_workload(as_agent, manager, agent_1, unit_1, three_cases):
    queue.case_take(case=three_cases["first"], by=agent_1.user)
    queue.case_take(case=three_cases["third"], by=agent_1.user, reason="Famille en urgence.")

    response = as_agent(manager).get(reverse("backoffice:team", args=[unit_1.slug]))

    assert response.status_code == HTTPStatus.OK
    rows = {a.pk: a.held for a in response.context["workload"]}
    assert rows == {agent_1.pk: 2, manager.pk: 0}
    assert "Famille en urgence." in response.text
    assert response.context["summary"]["unheld"] == 1


def test_a_manager_of_one_unit_goes_straight_to_its_team(as_agent, manager, unit_1):
    response = as_agent(manager).get(reverse("backoffice:team_home"))

    assert response["Location"] == reverse("backoffice:team", args=[unit_1.slug])


def test_an_organisation_administrator_chooses_among_every_unit(
    as_agent, org_admin, unit_1, unit_2
):
    response = as_agent(org_admin).get(reverse("backoffice:team_home"))

    assert response.status_code == HTTPStatus.OK
    assert reverse("backoffice:team", args=[unit_2.slug]) in response.text


def reassign_url(case) -> str:
    return reverse("backoffice:case_reassign", args=[case.reference])


def test_a_manager_reassigns_a_case_with_a_reason(as_agent, manager, agent_1, unit_1, three_cases):
    colleague = AgentFactory(unit=unit_1, user__first_name="Paul", user__last_name="Nguyen")
    queue.case_take(case=three_cases["first"], by=agent_1.user)

    response = as_agent(manager).post(
        reassign_url(three_cases["first"]), {"to": colleague.pk, "reason": "Congé de Claire."}
    )

    assert response["Location"] == reverse("backoffice:team", args=[unit_1.slug])
    three_cases["first"].refresh_from_db()
    assert three_cases["first"].referent == colleague
    event = CaseEvent.objects.filter(case=three_cases["first"]).latest("pk")
    assert (event.data["via"], event.reason) == (HoldingChange.REASSIGNED, "Congé de Claire.")


def test_reassigning_without_a_reason_keeps_the_choice_and_explains(
    as_agent, manager, agent_1, three_cases
):
    response = as_agent(manager).post(
        reassign_url(three_cases["first"]), {"to": agent_1.pk, "reason": " "}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Dites pourquoi vous réattribuez ce dossier." in response.text
    assert response.context["form"]["to"].value() == str(agent_1.pk)
    three_cases["first"].refresh_from_db()
    assert three_cases["first"].referent is None


def test_reassigning_offers_only_the_unit_s_agents(
    as_agent, manager, agent_1, agent_2, helper, three_cases
):
    response = as_agent(manager).get(reassign_url(three_cases["first"]))

    offered = set(response.context["form"].fields["to"].queryset)
    assert offered == {agent_1, manager}


def test_a_case_cannot_be_reassigned_to_an_agent_of_another_unit(
    as_agent, manager, agent_2, three_cases
):
    response = as_agent(manager).post(
        reassign_url(three_cases["first"]), {"to": agent_2.pk, "reason": "Renfort."}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["to"]
    three_cases["first"].refresh_from_db()
    assert three_cases["first"].referent is None
