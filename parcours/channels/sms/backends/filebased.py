import datetime
import pathlib
import uuid

from django.conf import settings

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes each message to its own file under ``settings.SMS_FILE_PATH``."""

    def __init__(self, path=None):
        self.path = pathlib.Path(path or settings.SMS_FILE_PATH)

    def send_messages(self, messages) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        for message in messages:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            name = self.path / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
            name.write_text(
                f"From: {message.sender}\nTo: {message.to}\n\n{message.body}\n", encoding="utf-8"
            )
        return len(messages)
