from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Keeps the messages in ``parcours.channels.sms.outbox``: for tests."""

    def send_messages(self, messages) -> int:
        from parcours.channels import sms

        sms.outbox.extend(messages)
        return len(messages)
