"""Reports read the organisation, the service, its version, its units and the webhook
endpoints through the reference cache (parcours.lib.reference_cache): each test here
commits, as app servers do, so that the copies are really kept, then changes something
and checks the next report obeys the change. The key is never kept: a revocation counts
at once."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.cases.models import Case
from parcours.open311.models import Open311Key
from parcours.open311.services import open311_key_revoke
from parcours.outbox.models import OutboxMessage
from parcours.webhooks.models import WebhookEndpoint

from .conftest import BASE, report
from .test_georeport import errors_of

pytestmark = pytest.mark.django_db(transaction=True)


def post(client, data):
    return client.post(f"{BASE}/requests.json", data)


def test_a_report_reads_no_reference_data_once_they_are_kept(client, street_report, key, settings):
    # As in production: the receipt's PDF and the email are queued, not run in the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert post(client, report(key)).status_code == HTTPStatus.OK
    with CaptureQueriesContext(connection) as captured:
        assert post(client, report(key)).status_code == HTTPStatus.OK
    reads = [query["sql"] for query in captured if query["sql"].startswith("SELECT")]
    tables = " ".join(reads)
    assert "open311_open311key" in tables  # the key, every time
    for table in (
        "organisations_organisation",
        "catalog_procedure",
        "catalog_procedureversion",
        "studio_versioncontent",
        "organisations_unit",
        "webhooks_webhookendpoint",
        "cases_case",  # the new draft is not read again under lock
    ):
        assert table not in tables, table
    assert len(captured) <= 13
    assert Case.objects.filter(state="submitted").count() == 2


def test_a_service_closed_after_a_report_refuses_the_next(client, street_report, key):
    assert post(client, report(key)).status_code == HTTPStatus.OK
    street_report.is_published = False
    street_report.save()
    assert errors_of(post(client, report(key)), HTTPStatus.NOT_FOUND) == [
        "Aucune administration ne reçoit de signalements Open311 ici."
    ]


def test_a_key_revoked_after_a_report_is_refused_at_once(client, street_report, key, administrator):
    assert post(client, report(key)).status_code == HTTPStatus.OK
    open311_key_revoke(key=Open311Key.objects.get(), by=administrator)
    assert errors_of(post(client, report(key)), HTTPStatus.FORBIDDEN) == [
        "api_key : cette clé a été révoquée."
    ]


def test_a_webhook_endpoint_added_after_a_report_receives_the_next(
    client, street_report, key, organisation
):
    assert post(client, report(key)).status_code == HTTPStatus.OK
    WebhookEndpoint.objects.create(
        organisation=organisation,
        name="Tableau de bord voirie",
        url="https://voirie.example.test/parcours",
        secret="whsec_test",
        events=["case.submitted"],
    )
    assert post(client, report(key)).status_code == HTTPStatus.OK
    webhooks = OutboxMessage.objects.filter(handler__endswith="deliver_webhook")
    assert webhooks.count() == 1
