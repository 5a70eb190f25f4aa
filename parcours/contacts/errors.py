"""Domain errors of the exchanges with citizens. Messages are written for the person who acts."""


class ContactError(Exception):
    """A rule on messages or call-back requests was not met. ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DuplicateMessage(ContactError):
    """The person sent the very same message a moment ago (a double click): it is not
    sent twice. ``sent`` is the message already recorded."""

    def __init__(self, sent):
        super().__init__("The same message was sent a moment ago.")
        self.sent = sent
