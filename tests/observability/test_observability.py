"""Request ids in responses and logs, JSON logs, and the protected metrics endpoint."""

import json
import logging
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.observability.context import clean_request_id, request_id_context
from parcours.observability.logging import logging_config
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage

pytestmark = pytest.mark.sqlite


def test_each_response_carries_a_new_request_id(client, db):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]

    assert len(first) == 32
    assert first != second


def test_the_proxy_s_request_id_is_kept_and_logged(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="parcours.request"):
        response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] == "lb-7f3a.42"
    (record,) = [r for r in caplog.records if r.name == "parcours.request"]
    assert record.status == HTTPStatus.OK
    assert record.path == "/healthz"


@pytest.mark.parametrize("given", ["", "a b", "x" * 65, "<script>", "id\nforged-line"])
def test_a_malformed_request_id_is_replaced(given):
    cleaned = clean_request_id(given)
    assert cleaned != given
    assert len(cleaned) == 32


def test_a_json_log_line_has_the_request_id(capsys):
    logging.config.dictConfig(logging_config(level="INFO", fmt="json"))
    try:
        with request_id_context("req-123"):
            logging.getLogger("parcours.test").warning("Something %s", "happened")
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    record = json.loads(line)
    assert record["message"] == "Something happened"
    assert record["request_id"] == "req-123"
    assert record["level"] == "WARNING"
    assert record["logger"] == "parcours.test"


def test_an_outbox_row_keeps_the_id_of_the_request_that_caused_it(db):
    from parcours.outbox.services import outbox_put

    with request_id_context("req-abc"):
        row = outbox_put(handler="tests.outbox.handlers.nothing", key="k")

    assert row.request_id == "req-abc"


@pytest.fixture
def metrics_settings(settings):
    settings.PARCOURS_METRICS_TOKEN = "s3cret-token"
    settings.PARCOURS_METRICS_ALLOWED_IPS = ["10.0.0.0/24"]
    settings.PARCOURS_PROXY_COUNT = 0
    return settings


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": "s3cret-token"},
        {"REMOTE_ADDR": "10.0.1.5"},
        # Behind no proxy, a forged X-Forwarded-For is not believed.
        {"HTTP_X_FORWARDED_FOR": "10.0.0.7"},
    ],
    ids=["nothing", "wrong_token", "no_bearer", "other_network", "forged_forwarded_for"],
)
def test_metrics_are_refused_without_the_token_or_an_allowed_address(
    client, db, metrics_settings, headers
):
    response = client.get(reverse("metrics"), **headers)
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_metrics_are_refused_to_everyone_when_nothing_is_configured(client, db, settings):
    settings.PARCOURS_METRICS_TOKEN = ""
    settings.PARCOURS_METRICS_ALLOWED_IPS = []

    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_AUTHORIZATION": "Bearer s3cret-token"}, {"REMOTE_ADDR": "10.0.0.9"}],
    ids=["token", "allowed_address"],
)
def test_metrics_are_given_to_the_monitoring_system(client, db, metrics_settings, headers):
    OutboxMessage.objects.create(handler="x", idempotency_key="a", status=OutboxStatus.DEAD)
    client.get(reverse("healthz"))

    response = client.get(reverse("metrics"), **headers)

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert 'parcours_outbox_messages{status="dead"} 1.0' in body
    assert 'parcours_outbox_messages{status="pending"} 0.0' in body
    assert "parcours_workers_alive 0.0" in body
    assert "django_http_requests_total_by_method_total" in body


def test_behind_a_proxy_the_allowed_address_is_the_one_the_proxy_saw(client, db, metrics_settings):
    metrics_settings.PARCOURS_PROXY_COUNT = 1

    allowed = client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.8")
    refused = client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="10.0.0.8, 1.2.3.4")

    assert allowed.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.NOT_FOUND
