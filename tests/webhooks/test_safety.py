"""Webhooks go only to public https addresses (SSRF): checked when the URL is saved,
and again on the address actually connected to at each delivery."""

import socket

import pytest

from parcours.cases import services as case_services
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_one
from parcours.webhooks import safety
from parcours.webhooks.enums import WebhookEventType
from parcours.webhooks.models import WebhookEndpoint
from parcours.webhooks.services import WebhookError, webhook_endpoint_create

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


@pytest.fixture
def dns(monkeypatch):
    """``dns["host"] = "address"``: what the resolver answers, without the network."""
    answers = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror("Name or service not known")
        family = socket.AF_INET6 if ":" in answers[host] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(safety.socket, "getaddrinfo", getaddrinfo)
    return answers


def create(by, url):
    return webhook_endpoint_create(
        by=by, name="GRU", url=url, events=[WebhookEventType.CASE_SUBMITTED]
    )


def test_a_public_https_address_is_accepted(administrator, dns):
    dns["gru.example.fr"] = "203.0.114.10"

    endpoint, secret = create(administrator, "https://gru.example.fr/parcours")

    assert endpoint.url == "https://gru.example.fr/parcours"
    assert secret.startswith("whsec_")


@pytest.mark.parametrize(
    ("url", "address", "message"),
    [
        ("http://gru.example.fr/", "203.0.114.10", "doit commencer par https://"),
        ("ftp://gru.example.fr/", "203.0.114.10", "doit commencer par https://"),
        ("https://user:pw@gru.example.fr/", "203.0.114.10", "ni de mot de passe"),
        ("https:///chemin", "203.0.114.10", "nom de serveur"),
        ("https://inconnu.example.fr/", None, "est introuvable"),
        ("https://interne.example.fr/", "10.0.0.5", "réseau privé ou local"),
        ("https://interne.example.fr/", "192.168.1.20", "réseau privé ou local"),
        ("https://interne.example.fr/", "127.0.0.1", "réseau privé ou local"),
        ("https://interne.example.fr/", "169.254.169.254", "réseau privé ou local"),
        ("https://interne.example.fr/", "::1", "réseau privé ou local"),
        ("https://interne.example.fr/", "fd00::1", "réseau privé ou local"),
        ("https://interne.example.fr/", "::ffff:10.0.0.5", "réseau privé ou local"),
    ],
)
def test_an_unsafe_address_is_refused_naming_the_field(administrator, dns, url, address, message):
    if address:
        dns["gru.example.fr"] = dns["interne.example.fr"] = address

    with pytest.raises(WebhookError) as refused:
        create(administrator, url)

    assert refused.value.field == "url"
    assert message in refused.value.message
    assert not WebhookEndpoint.objects.exists()


def test_the_settings_allow_a_local_receiver_in_development(administrator, dns, settings):
    settings.PARCOURS_WEBHOOKS_ALLOW_HTTP = True
    settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE = True
    dns["localhost"] = "127.0.0.1"

    endpoint, _secret = create(administrator, "http://localhost:8001/hooks")

    assert endpoint.pk


def test_an_address_that_turns_private_after_saving_is_not_posted_to(
    administrator, dns, draft, citizen_a
):
    dns["gru.example.fr"] = "203.0.114.10"
    endpoint, _secret = create(administrator, "https://gru.example.fr/parcours")
    dns["gru.example.fr"] = "127.0.0.1"  # DNS rebinding
    case_services.case_submit(case=draft, by=citizen_a.user)
    row = OutboxMessage.objects.get(idempotency_key__startswith=endpoint.key_prefix)

    deliver_one(row.pk)

    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
    assert "réseau privé ou local" in row.last_error


def test_the_deploy_check_warns_when_the_protection_is_off(settings):
    from parcours.webhooks.checks import webhooks_protected

    settings.PARCOURS_WEBHOOKS_ALLOW_HTTP = False
    settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE = False
    assert webhooks_protected(None) == []

    settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE = True
    (warning,) = webhooks_protected(None)
    assert "PARCOURS_WEBHOOKS_ALLOW_PRIVATE" in warning.msg
