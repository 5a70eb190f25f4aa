"""Text messages (SMS) through a pluggable backend, like Django's email backends.

``settings.SMS_BACKEND`` names a class with ``send_messages(messages) -> int``; the
project ships a console backend, a file backend (development) and an in-memory one
(tests). A real provider is one more class (docs/channels.md)::

    class SmsBackend(BaseSmsBackend):
        def send_messages(self, messages):
            for message in messages:
                provider_client.send(to=message.to, text=message.body, sender=message.sender)
            return len(messages)
"""

import dataclasses
import re

from django.conf import settings
from django.utils.module_loading import import_string

# Filled by the in-memory backend, as django.core.mail.outbox is.
outbox: list["SmsMessage"] = []

# A message longer than this is cut: three concatenated GSM-7 segments.
MAX_LENGTH = 459


@dataclasses.dataclass
class SmsMessage:
    to: str
    body: str
    sender: str = ""
    # The outbox's idempotency key: the same on every attempt, for providers that
    # accept a client reference and drop a message they have already received.
    reference: str = ""

    def __post_init__(self):
        self.sender = self.sender or settings.SMS_SENDER
        if len(self.body) > MAX_LENGTH:
            self.body = self.body[: MAX_LENGTH - 1] + "…"


def normalise_number(phone: str) -> str:
    """A French phone number in international form (+33…), or "" when it is not one a
    text message can reach (too short, letters). Other countries' numbers are kept
    when written with their + prefix."""
    phone = (phone or "").strip()
    if not phone or re.search(r"[^0-9 .()+-]", phone):
        return ""
    digits = re.sub(r"\D", "", phone)
    if phone.startswith("+"):
        return "+" + digits if 8 <= len(digits) <= 15 else ""
    if phone.startswith("00"):
        return "+" + digits[2:] if 10 <= len(digits) <= 17 else ""
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    return ""


def is_mobile(phone: str) -> bool:
    """Metropolitan French mobiles (06, 07); abroad, trusted as given."""
    number = normalise_number(phone)
    if not number:
        return False
    if number.startswith("+33"):
        return number[3] in "67"
    return True


def get_backend(path: str | None = None):
    return import_string(path or settings.SMS_BACKEND)()


def send_sms(to: str, body: str, *, reference: str = "") -> int:
    """Send one text message now. Returns 1 when sent, 0 when the number cannot
    receive one. Called by the outbox's workers (``OutgoingSms``), never inside a
    transaction that may roll back."""
    number = normalise_number(to)
    if not number:
        return 0
    return get_backend().send_messages([SmsMessage(to=number, body=body, reference=reference)])


@dataclasses.dataclass
class OutgoingSms:
    """A text message returned by an outbox handler (parcours.outbox): the worker calls
    ``deliver`` once the change that caused it has committed."""

    to: str
    body: str

    def deliver(self, *, idempotency_key: str) -> None:
        if send_sms(self.to, self.body, reference=idempotency_key) != 1:
            raise ValueError(f"The SMS backend did not send the text message {idempotency_key}")
