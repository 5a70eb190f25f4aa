"""Domain errors of the exchanges with citizens. Messages are written for the person who acts."""


class ContactError(Exception):
    """A rule on messages or call-back requests was not met. ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
