"""GET /api/v1/queue and POST /api/v1/queue/claim: the back-office's fair queue."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from parcours.cases import queue
from parcours.cases.models import Case

from .conftest import only_error, submit

pytestmark = pytest.mark.sqlite


@pytest.fixture
def three_cases(procedure, citizen_a, citizen_b):
    """Three cases of unit 1, submitted 10, 5 and 1 days ago."""
    today = timezone.localdate()
    return [
        submit(procedure, person, on=today - datetime.timedelta(days=days))
        for person, days in [(citizen_a, 10), (citizen_b, 5), (citizen_a, 1)]
    ]


def test_an_agent_lists_their_units_queue_in_the_queue_order(api, agent_1, three_cases):
    response = api(agent_1).get("/queue")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["unit"] == {"slug": "education", "name": "Service Éducation"}
    assert body["count"] == 3
    assert (body["page"], body["pages"], body["page_size"]) == (1, 1, 25)
    expected = list(queue.queue_of(agent_1.units.get()).values_list("reference", flat=True))
    assert [case["reference"] for case in body["results"]] == expected
    first = body["results"][0]
    assert first["procedure"]["code"] == "SCO"
    assert first["state"] == "submitted"
    assert first["referent"] is None


def test_the_queue_filters_as_the_back_office_does(api, agent_1, three_cases):
    queue.case_claim_next(unit=agent_1.units.get(), by=agent_1.user)
    client = api(agent_1)

    mine = client.get("/queue", {"holder": "me"}).json()
    free = client.get("/queue", {"holder": "nobody"}).json()

    assert [c["reference"] for c in mine["results"]] == [three_cases[0].reference]
    assert mine["results"][0]["referent"]["id"] == agent_1.pk
    assert [c["reference"] for c in free["results"]] == [c.reference for c in three_cases[1:]]
    assert client.get("/queue", {"state": "in_review"}).json()["count"] == 0
    assert client.get("/queue", {"procedure": "SCO"}).json()["count"] == 3


def test_an_agent_of_several_units_names_the_unit(api, agent_1, unit_2, three_cases):
    agent_1.units.add(unit_2)
    client = api(agent_1)

    response = client.get("/queue")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "unit"
    assert client.get("/queue", {"unit": "education"}).json()["count"] == 3


def test_an_agent_of_unit_2_gets_404_on_unit_1s_queue(api, agent_2, three_cases):
    response = api(agent_2).get("/queue", {"unit": "education"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response) | {"message": ""} == {
        "field": "unit",
        "code": "not_found",
        "message": "",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "accepted"}, "state"),
        ({"channel": "pigeon"}, "channel"),
        ({"holder": "someone"}, "holder"),
        ({"overdue": "maybe"}, "overdue"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"procedure": "NOPE"}, "procedure"),
    ],
)
def test_a_wrong_filter_is_a_422_naming_it(api, agent_1, three_cases, params, field):
    response = api(agent_1).get("/queue", params)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == field


def test_a_page_past_the_last_is_a_404_naming_the_page(api, agent_1, three_cases):
    response = api(agent_1).get("/queue", {"page": "2"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "page"


def test_claiming_gives_the_next_case_and_holds_it(api, agent_1, three_cases):
    response = api(agent_1).post("/queue/claim", {})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["reference"] == three_cases[0].reference
    assert response.json()["referent"] == {"id": agent_1.pk, "name": "Claire Martin"}
    assert Case.objects.get(pk=three_cases[0].pk).referent == agent_1


def test_claiming_works_without_a_body_for_an_agent_of_one_unit(api, agent_1, three_cases):
    response = api(agent_1).post("/queue/claim")

    assert response.status_code == HTTPStatus.OK


def test_claiming_an_empty_queue_answers_204_without_a_body(api, agent_1, submitted):
    client = api(agent_1)
    assert client.post("/queue/claim", {"unit": "education"}).status_code == HTTPStatus.OK

    response = client.post("/queue/claim", {"unit": "education"})

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""


def test_an_agent_of_unit_2_cannot_claim_from_unit_1(api, agent_2, three_cases):
    response = api(agent_2).post("/queue/claim", {"unit": "education"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "unit"
    assert not Case.objects.filter(referent__isnull=False).exists()


def test_claiming_with_an_unknown_field_is_a_422_naming_it(api, agent_1, three_cases):
    response = api(agent_1).post("/queue/claim", {"unit": "education", "vip": True})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "vip"


def test_the_queue_costs_the_same_queries_whatever_its_length(
    api, agent_1, procedure, citizen_a, three_cases, django_assert_num_queries
):
    client = api(agent_1)
    client.get("/queue")  # the token's first use is recorded once a minute
    # token and agent, the agent's units, the count, the page
    with django_assert_num_queries(4):
        assert client.get("/queue").json()["count"] == 3
    for days in range(5):
        submit(procedure, citizen_a, on=timezone.localdate() - datetime.timedelta(days=days))

    with django_assert_num_queries(4):
        assert client.get("/queue").json()["count"] == 8
