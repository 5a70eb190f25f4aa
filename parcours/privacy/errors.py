class AccessError(Exception):
    """An access outside one's units that cannot be granted, with a message for people."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class RightsError(AccessError):
    """A step of a request about one's data that cannot be taken, with a message for
    the agent (and the form field it concerns)."""
