import sys

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Prints each message: for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_messages(self, messages) -> int:
        for message in messages:
            self.stream.write(
                f"SMS from {message.sender} to {message.to}\n{message.body}\n{'-' * 40}\n"
            )
        self.stream.flush()
        return len(messages)
