"""Emails leave through Django's SMTP backend and reach a real SMTP server (aiosmtpd),
started on this machine for each test: what the citizen's mail server would receive."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from parcours.cases import services

pytestmark = pytest.mark.sqlite


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


def subject_of(message) -> str:
    """The decoded subject as a mail client shows it. Python's parser keeps the folding
    whitespace before the first encoded word, which mail clients drop."""
    return message["Subject"].strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    # The receipt PDF has its own tests; these are about the way out.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


def test_the_receipt_email_reaches_a_real_smtp_server_with_text_html_and_the_case_link(
    smtp_server, draft, citizen_a, settings, django_capture_on_commit_callbacks
):
    settings.PARCOURS_BASE_URL = "https://demarches.bellerive.example"

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(case=draft, by=citizen_a.user)

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["alice@example.org"]
    assert b"=?utf-8?q?Votre_dossier" in envelope.content  # encoded on the wire (RFC 2047)
    (message,) = smtp_server.messages
    assert message["To"] == "alice@example.org"
    assert subject_of(message) == (
        f"Votre dossier {case.reference} : Nous avons bien reçu votre demande"
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    url = f"https://demarches.bellerive.example/dossiers/{case.reference}/"
    assert "Bonjour Alice Durand," in text
    assert url in text
    assert f'href="{url}"' in html
    assert '<html lang="fr">' in html


def test_over_smtp_an_informational_email_follows_the_preference_but_a_decision_is_sent(
    smtp_server, draft, citizen_a, agent_1, django_capture_on_commit_callbacks
):
    case = services.case_submit(case=draft, by=citizen_a.user)
    citizen_a.notify_by_email = False
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_start_review(case=case, by=agent_1.user)
    assert smtp_server.envelopes == []

    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case=case, by=agent_1.user)
    (message,) = smtp_server.messages
    assert message["To"] == "alice@example.org"
    assert subject_of(message) == (f"Votre dossier {case.reference} : Votre demande est acceptée")
