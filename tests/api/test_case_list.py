"""GET /api/v1/cases: the cases of my units, filtered, a page at a time."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.cases import services
from parcours.cases.models import Case
from tests.factories import ProcedureFactory

from .conftest import only_error, submit

pytestmark = pytest.mark.sqlite

TODAY = timezone.localdate


@pytest.fixture
def three(procedure, citizen_a, citizen_b):
    """Three cases of unit 1, submitted 10, 5 and 1 days ago."""
    return [
        submit(procedure, citizen_a, on=TODAY() - datetime.timedelta(days=10)),
        submit(procedure, citizen_b, on=TODAY() - datetime.timedelta(days=5), channel="phone"),
        submit(procedure, citizen_a, on=TODAY() - datetime.timedelta(days=1)),
    ]


@pytest.fixture
def of_unit_2(unit_2, citizen_b):
    road = ProcedureFactory(handling_unit=unit_2, code="VOI")
    return submit(road, citizen_b, on=TODAY() - datetime.timedelta(days=2))


def references(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [case["reference"] for case in response.json()["results"]]


def test_an_agent_lists_the_cases_of_their_unit_in_a_stable_order(api, agent_1, three, of_unit_2):
    response = api(agent_1).get("/cases")

    body = response.json()
    assert references(response) == [case.reference for case in three]
    assert body["count"] == 3
    assert body["next"] is None
    first = body["results"][0]
    assert first["unit"] == {"slug": "education", "name": "Service Éducation"}
    assert first["state"] == "submitted"
    assert first["updated_at"]


def test_another_units_cases_are_never_listed(api, agent_2, three, of_unit_2):
    assert references(api(agent_2).get("/cases")) == [of_unit_2.reference]


def test_another_unit_cannot_be_asked_for_by_its_slug(api, agent_2, three):
    response = api(agent_2).get("/cases", {"unit": "education"})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert only_error(response)["field"] == "unit"


def test_a_case_changed_last_comes_last(api, agent_1, three):
    services.case_start_review(case=three[0], by=agent_1.user)

    assert references(api(agent_1).get("/cases"))[-1] == three[0].reference


def test_drafts_are_never_listed(api, agent_1, draft):
    assert references(api(agent_1).get("/cases")) == []


def test_without_a_token_the_list_is_refused(api, three):
    response = api(None).get("/cases")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "submitted"}, [0, 1, 2]),
        ({"state": "in_review"}, []),
        ({"channel": "phone"}, [1]),
        ({"procedure": "SCO"}, [0, 1, 2]),
        ({"procedure": "VOI"}, []),
        ({"unit": "education"}, [0, 1, 2]),
        ({"submitted_from": -6}, [1, 2]),
        ({"submitted_to": -6}, [0]),
        ({"submitted_from": -5, "submitted_to": -5}, [1]),
    ],
)
def test_the_list_is_filtered(api, agent_1, three, params, expected):
    params = {
        name: (TODAY() + datetime.timedelta(days=value)).isoformat()
        if name.startswith("submitted_")
        else value
        for name, value in params.items()
    }

    assert references(api(agent_1).get("/cases", params)) == [three[i].reference for i in expected]


def test_updated_since_gives_what_changed(api, agent_1, three):
    Case.objects.filter(pk=three[1].pk).update(
        updated_at=timezone.now() + datetime.timedelta(hours=1)
    )
    since = (timezone.now() + datetime.timedelta(minutes=30)).isoformat()

    assert references(api(agent_1).get("/cases", {"updated_since": since})) == [three[1].reference]


def test_the_list_is_paginated_with_links(api, agent_1, three):
    client = api(agent_1)

    first = client.get("/cases", {"page_size": 2}).json()
    second = client.get("/cases", {"page_size": 2, "page": 2}).json()

    assert first["pages"] == 2
    assert first["next"] == "http://testserver/api/v1/cases?page=2&page_size=2"
    assert [c["reference"] for c in first["results"] + second["results"]] == [
        c.reference for c in three
    ]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 500}, "page_size"),
        ({"state": "draft"}, "state"),
        ({"updated_since": "hier"}, "updated_since"),
        ({"submitted_from": "31/12/2026"}, "submitted_from"),
        ({"submitted_from": "2026-05-02", "submitted_to": "2026-05-01"}, "submitted_to"),
    ],
)
def test_bad_filters_are_named_politely(api, agent_1, three, params, field):
    response = api(agent_1).get("/cases", params)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    item = only_error(response)
    assert item["field"] == field


def test_a_page_past_the_last_is_a_404_naming_the_page(api, agent_1, three):
    response = api(agent_1).get("/cases", {"page": 2})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["field"] == "page"


def test_the_list_costs_the_same_whatever_its_length(api, agent_1, three, procedure, citizen_b):
    client = api(agent_1)
    client.get("/cases")  # the token's first use writes its date
    with CaptureQueriesContext(connection) as short:
        assert len(references(client.get("/cases"))) == 3
    for days in (4, 3, 2):
        submit(procedure, citizen_b, on=TODAY() - datetime.timedelta(days=days))

    with CaptureQueriesContext(connection) as longer:
        assert len(references(client.get("/cases"))) == 6

    assert len(longer.captured_queries) == len(short.captured_queries)
