"""Sending one webhook: the JSON body, its signature, and one HTTP POST to the address
checked again (parcours.webhooks.safety), with short timeouts. Called by the outbox's
workers after the change has committed; any failure (a non-2xx answer included) raises,
and the outbox tries again later with a growing delay (docs/webhooks.md)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings

from .safety import check_scheme, resolve

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
# What is read of the receiver's answer: enough for an error message, no more.
ANSWER_LIMIT = 2000


class WebhookFailed(Exception):
    pass


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Parcours-Signature`` header: HMAC-SHA256 of "<t>.<body>" with the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked, while TLS checks the certificate of
    the host name (SNI): a DNS answer that changes in between cannot redirect us."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), CONNECT_TIMEOUT)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once; the status code of a 2xx answer, else WebhookFailed. No redirection
    is followed (a 3xx is a failure): the receiver gives its final address."""
    scheme, host, port = check_scheme(url)
    address = resolve(host, port)[0]
    started = time.monotonic()
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, address=address, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address=address)
    try:
        connection.connect()
        connection.sock.settimeout(max(TOTAL_TIMEOUT - (time.monotonic() - started), 0.1))
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(ANSWER_LIMIT).decode("utf-8", "replace")
        if time.monotonic() - started > TOTAL_TIMEOUT:
            raise WebhookFailed(f"No answer within {TOTAL_TIMEOUT:.0f} s")
    except (OSError, http.client.HTTPException) as error:
        raise WebhookFailed(f"{error.__class__.__name__}: {error}") from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise WebhookFailed(f"HTTP {response.status}: {answer[:200]}")
    return response.status


@dataclasses.dataclass
class OutgoingWebhook:
    """A webhook returned by the outbox handler: signed and posted when delivered."""

    url: str
    secret: str
    payload: dict

    def headers(self, *, idempotency_key: str, timestamp: int, body: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"Parcours-Webhooks/1 (+{settings.PARCOURS_BASE_URL})",
            "Parcours-Webhook-Id": idempotency_key,
            "Parcours-Signature": signature(self.secret, timestamp, body),
        }

    def deliver(self, *, idempotency_key: str) -> None:
        body = encode(self.payload)
        timestamp = int(time.time())
        post(
            self.url,
            body,
            self.headers(idempotency_key=idempotency_key, timestamp=timestamp, body=body),
        )
