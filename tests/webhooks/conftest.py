"""The webhooks' cast: a real HTTP receiver on this machine (http.server in a thread),
an administrator of the organisation, and an endpoint aimed at the receiver."""

import http.server
import json
import threading
from collections import deque

import pytest

from parcours.organisations.enums import AgentRole
from parcours.webhooks.enums import WebhookEventType
from parcours.webhooks.services import webhook_endpoint_create
from tests.factories import AgentFactory


class Receiver:
    """Records every POST; answers with the statuses queued in ``answers`` (200 after)."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: deque[int] = deque()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.answers.popleft() if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/parcours"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.received]


@pytest.fixture
def allow_local(settings):
    """The receiver is on this machine, over http: allowed in tests only."""
    settings.PARCOURS_WEBHOOKS_ALLOW_HTTP = True
    settings.PARCOURS_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def administrator(unit_1, unit_2):
    admin = AgentFactory(unit=unit_1, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")
    admin.units.clear()
    return admin


@pytest.fixture
def endpoint_and_secret(allow_local, receiver, administrator):
    return webhook_endpoint_create(
        by=administrator,
        name="GRU de la ville",
        url=receiver.url,
        events=[WebhookEventType.CASE_SUBMITTED, WebhookEventType.CASE_DECIDED],
    )


@pytest.fixture
def endpoint(endpoint_and_secret):
    return endpoint_and_secret[0]


@pytest.fixture
def secret(endpoint_and_secret):
    return endpoint_and_secret[1]
