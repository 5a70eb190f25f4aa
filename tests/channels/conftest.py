import datetime
import socket

import pytest

from parcours.cases import services as case_services


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbound_settings(settings):
    settings.PARCOURS_INBOUND_DOMAINS = ["bellerive.example.org"]
    settings.PARCOURS_INBOUND_REPLY_DOMAIN = "reponses.bellerive.example.org"
    settings.PARCOURS_INBOUND_MAX_BYTES = 2 * 1024 * 1024
    settings.PARCOURS_UPLOAD_MAX_BYTES = 512 * 1024
    return settings


@pytest.fixture
def no_receipt_pdf(monkeypatch):
    # The receipt PDF has its own tests; these are about the channels.
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def submitted_case(draft, citizen_a, no_receipt_pdf):
    return case_services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def unit_address(unit_1):
    unit_1.email = "education@bellerive.example.org"
    unit_1.save()
    return unit_1.email


@pytest.fixture
def on_a_monday(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=True)
