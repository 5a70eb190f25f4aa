"""The public endpoints, and those costly to answer, are limited per client in the
shared cache (PARCOURS_RATE_LIMITS, parcours.lib.rate_limit): past the limit, 429 with
Retry-After, a page in French that gives back what was typed, or the API's error shape."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.lib import rate_limit
from parcours.listening.models import Experience
from tests.backoffice.conftest import verified
from tests.listening.test_experiences import form as experience_form

pytestmark = pytest.mark.sqlite

TWO_PER_HOUR = (("POST",), 2, 3600)


@pytest.fixture(autouse=True)
def _two_tries(settings):
    settings.PARCOURS_RATE_LIMITS = {
        "backoffice:search": (("GET",), 2, 60),
        "portal:experience_new": TWO_PER_HOUR,
        "portal:appointment_book": TWO_PER_HOUR,
        "results:json": (("GET",), 2, 60),
        "api-v1:*": (("GET", "POST"), 2, 60),
    }


def test_an_agent_s_searches_are_limited_per_agent(client, agent_1, agent_2):
    url = reverse("backoffice:search") + "?q=Durand"
    verified(client, agent_1.user)
    for _attempt in range(2):
        assert client.get(url).status_code == HTTPStatus.OK

    refused = client.get(url)
    verified(client, agent_2.user)
    other_agent = client.get(url)

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Trop de demandes en peu de temps" in refused.text
    assert "Réessayez dans 1 minute." in refused.text
    assert other_agent.status_code == HTTPStatus.OK


def test_a_story_sent_too_often_is_refused_and_given_back(client, unit_1):
    url = reverse("portal:experience_new")
    for number in range(2):
        client.post(url, experience_form(unit_1, title=f"Visite {number}"))
    story = "Très bien reçue au guichet, troisième fois que je le raconte."

    refused = client.post(url, experience_form(unit_1, title="Visite 2", body=story))

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # A fixed window: what is left of it, however close to its end the test runs.
    window = rate_limit.rules()["portal:experience_new"].window
    assert window > 60
    assert 0 < int(refused["Retry-After"]) <= window
    assert "n'a pas été enregistré" in refused.text
    assert story in refused.text
    assert "Visite 2" in refused.text
    assert Experience.objects.filter(title="Visite 2").count() == 0


def test_reading_the_form_is_not_counted(client, unit_1):
    url = reverse("portal:experience_new")
    for _attempt in range(5):
        assert client.get(url).status_code == HTTPStatus.OK


def test_anonymous_booking_is_limited_per_address(client, db):
    url = reverse("portal:appointment_book", args=[999_999])
    answers = [client.post(url, {"slot": "x"}).status_code for _attempt in range(3)]
    from_elsewhere = client.post(url, {"slot": "x"}, REMOTE_ADDR="192.0.2.7")

    assert answers[2] == HTTPStatus.TOO_MANY_REQUESTS
    assert HTTPStatus.TOO_MANY_REQUESTS not in answers[:2]
    assert from_elsewhere.status_code != HTTPStatus.TOO_MANY_REQUESTS


def test_the_limit_ends_with_its_window(client, unit_1):
    url = reverse("portal:experience_new")
    for _attempt in range(3):
        client.post(url, experience_form(unit_1))

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        again = client.post(url, experience_form(unit_1))

    assert again.status_code != HTTPStatus.TOO_MANY_REQUESTS


def test_the_open_data_is_limited_per_address(client, organisation):
    url = reverse("results:json", args=[organisation.slug])
    for _attempt in range(2):
        assert client.get(url).status_code != HTTPStatus.TOO_MANY_REQUESTS

    assert client.get(url).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_the_api_answers_its_error_shape_and_counts_wrong_tokens(client, db):
    url = reverse("api-v1:queue_list")
    headers = {"HTTP_AUTHORIZATION": "Bearer pas-un-jeton"}
    answers = [client.get(url, **headers) for _attempt in range(3)]

    assert [a.status_code for a in answers[:2]] == [HTTPStatus.UNAUTHORIZED] * 2
    refused = answers[2]
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Content-Type"] == "application/json"
    assert int(refused["Retry-After"]) > 0
    (error,) = refused.json()["errors"]
    assert error["code"] == "rate_limited"
    assert error["field"] is None
    assert "Réessayez dans" in error["message"]


@pytest.mark.parametrize(
    ("view_name", "method", "expected"),
    [
        ("backoffice:search", "GET", "backoffice:search"),
        ("backoffice:search", "POST", None),
        ("api-v1:case_detail", "GET", "api-v1:*"),
        ("portal:home", "GET", None),
    ],
)
def test_a_rule_is_found_by_url_name_or_namespace(view_name, method, expected):
    rule = rate_limit.rule_for(view_name, method)

    assert (rule.name if rule else None) == expected
