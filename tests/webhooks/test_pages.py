"""The webhooks pages of the back office: for the organisation's administrators only,
the secret shown once, a test event, a new secret, pause and delete."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.outbox.models import OutboxMessage
from parcours.webhooks.models import WebhookEndpoint
from tests.backoffice.conftest import verified
from tests.factories import AgentFactory, OrganisationFactory, UnitFactory

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

LIST = reverse("backoffice:webhooks")


def url(name, endpoint):
    return reverse(f"backoffice:{name}", args=[endpoint.pk])


def form(receiver, **changes):
    data = {"name": "GRU de la ville", "url": receiver.url, "events": ["case.submitted"]}
    data.update(changes)
    return data


def test_an_administrator_adds_an_endpoint_and_sees_its_secret_once(
    client, administrator, allow_local, receiver, procedure
):
    verified(client, administrator.user)

    response = client.post(
        LIST, form(receiver, events=["case.submitted", "case.decided"], procedures=[procedure.pk])
    )

    assert response.status_code == HTTPStatus.OK
    secret = response.context["new_secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_")
    assert secret == endpoint.secret
    assert secret in response.content.decode()
    assert (endpoint.name, endpoint.url, endpoint.events, endpoint.created_by) == (
        "GRU de la ville",
        receiver.url,
        ["case.submitted", "case.decided"],
        administrator,
    )
    assert list(endpoint.procedures.all()) == [procedure]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # Never again.
    for page in (LIST, url("webhook", endpoint)):
        content = client.get(page).content.decode()
        assert "GRU de la ville" in content
        assert secret not in content


@pytest.mark.parametrize(
    ("changes", "label", "message"),
    [
        ({"name": ""}, "Nom", "Donnez un nom à ce point de réception."),
        ({"name": "x" * 101}, "Nom", "Le nom ne doit pas dépasser 100 caractères."),
        (
            {"url": ""},
            "Adresse de réception",
            "Indiquez l&#x27;adresse https:// du système qui recevra les événements.",
        ),
        (
            {"url": "http://gru.example.fr/"},
            "Adresse de réception",
            "L&#x27;adresse doit commencer par https://",
        ),
        ({"events": []}, "Événements envoyés", "Choisissez au moins un événement à recevoir."),
    ],
)
def test_a_wrong_form_is_refused_politely_keeping_what_was_typed(
    client, administrator, receiver, changes, label, message
):
    verified(client, administrator.user)

    response = client.post(LIST, form(receiver, **changes))

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f"{label} : {message}" in page  # the summary at the top names the field
    assert page.count(message) == 2  # and the message is next to the field too
    assert "<title>Erreur" in page
    assert response.context["new_secret"] is None
    assert not WebhookEndpoint.objects.exists()
    data = form(receiver, **changes)
    if data["name"]:
        assert f'value="{data["name"]}"' in page
    if data["url"]:
        assert f'value="{data["url"]}"' in page


def test_a_procedure_of_another_organisation_cannot_be_chosen(
    client, administrator, allow_local, receiver
):
    from tests.factories import ProcedureFactory

    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    foreign = ProcedureFactory(handling_unit=elsewhere, code="AIL")
    verified(client, administrator.user)

    response = client.post(LIST, form(receiver, procedures=[foreign.pk]))

    assert "Démarches" in response.content.decode()
    assert response.context["form"].errors["procedures"]
    assert not WebhookEndpoint.objects.exists()


def test_the_detail_page_sends_a_test_and_shows_the_recent_deliveries(
    client, administrator, endpoint, receiver
):
    from parcours.outbox.services import deliver_due

    verified(client, administrator.user)

    response = client.post(url("webhook_ping", endpoint))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("webhook", endpoint)
    assert (
        OutboxMessage.objects.filter(idempotency_key__startswith=endpoint.key_prefix).count() == 1
    )
    deliver_due()
    assert len(receiver.received) == 1
    page = client.get(url("webhook", endpoint)).content.decode()
    assert "webhook.ping" in page
    assert "envoyé" in page


def test_a_new_secret_is_shown_once_and_signs_from_now(client, administrator, endpoint, secret):
    verified(client, administrator.user)

    response = client.post(url("webhook_rotate", endpoint))

    endpoint.refresh_from_db()
    assert endpoint.secret != secret
    assert response.context["new_secret"] == endpoint.secret
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret_rotated_at is not None
    assert endpoint.secret not in client.get(url("webhook", endpoint)).content.decode()


def test_an_administrator_pauses_resumes_and_deletes_an_endpoint(client, administrator, endpoint):
    verified(client, administrator.user)

    client.post(url("webhook_toggle", endpoint))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert client.post(url("webhook_ping", endpoint)).status_code == HTTPStatus.FOUND
    assert not OutboxMessage.objects.exists()  # no test to a paused endpoint

    client.post(url("webhook_toggle", endpoint))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    response = client.post(url("webhook_delete", endpoint))
    assert response["Location"] == LIST
    assert not WebhookEndpoint.objects.exists()


ACTIONS = ["webhook_ping", "webhook_rotate", "webhook_toggle", "webhook_delete"]


@pytest.mark.parametrize("who", ["agent_1", "manager", "helper", "citizen_a"])
def test_only_administrators_see_or_touch_webhooks(client, endpoint, secret, request, who):
    verified(client, request.getfixturevalue(who).user)

    assert client.get(LIST).status_code == HTTPStatus.FORBIDDEN
    assert client.post(LIST, {"name": "Pirate"}).status_code == HTTPStatus.FORBIDDEN
    assert client.get(url("webhook", endpoint)).status_code == HTTPStatus.FORBIDDEN
    for action in ACTIONS:
        assert client.post(url(action, endpoint)).status_code == HTTPStatus.FORBIDDEN
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.is_active) == (secret, True)
    assert not OutboxMessage.objects.exists()


def test_another_organisation_s_administrator_gets_not_found(client, endpoint, secret):
    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    other_admin = AgentFactory(unit=elsewhere, role="organisation_admin")
    verified(client, other_admin.user)

    assert "GRU de la ville" not in client.get(LIST).content.decode()
    assert client.get(url("webhook", endpoint)).status_code == HTTPStatus.NOT_FOUND
    for action in ACTIONS:
        assert client.post(url(action, endpoint)).status_code == HTTPStatus.NOT_FOUND
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.is_active) == (secret, True)


def test_a_visitor_is_sent_to_sign_in(client, endpoint):
    for response in (
        client.get(LIST),
        client.get(url("webhook", endpoint)),
        client.post(url("webhook_delete", endpoint)),
    ):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("backoffice:login"))
    assert WebhookEndpoint.objects.exists()


def test_the_navigation_offers_webhooks_to_administrators_only(client, administrator, agent_1):
    verified(client, administrator.user)
    assert LIST in client.get(reverse("backoffice:home")).content.decode()

    verified(client, agent_1.user)
    assert LIST not in client.get(reverse("backoffice:home")).content.decode()


def test_the_list_shows_failed_deliveries(client, administrator, endpoint):
    from parcours.outbox.enums import OutboxStatus
    from parcours.webhooks.services import webhook_ping

    webhook_ping(endpoint=endpoint)
    OutboxMessage.objects.update(status=OutboxStatus.DEAD)
    verified(client, administrator.user)

    response = client.get(LIST)

    assert response.context["endpoints"][0].failed == 1
    assert [e.name for e in response.context["endpoints"]] == ["GRU de la ville"]


def test_the_list_takes_the_same_queries_however_many_endpoints(
    client, administrator, endpoint, django_assert_num_queries
):
    from parcours.webhooks.services import webhook_ping

    verified(client, administrator.user)
    client.get(LIST)  # warm the session and the agent's caches
    with CaptureQueriesContext(connection) as captured:
        client.get(LIST)
    few = len(captured.captured_queries)
    for number in range(3):
        webhook_ping(endpoint=WebhookEndpoint.objects.create(
            organisation=endpoint.organisation, name=f"Système {number}",
            url="https://gru.example.fr/", secret="whsec_x", events=["case.submitted"],
        ))  # fmt: skip

    with django_assert_num_queries(few):
        client.get(LIST)


def test_in_english_an_endpoint_has_a_name_not_a_surname():
    from django.utils import translation

    from parcours.backoffice.views.webhooks import EndpointForm

    with translation.override("en"):
        assert str(EndpointForm.base_fields["name"].label) == "Name"
