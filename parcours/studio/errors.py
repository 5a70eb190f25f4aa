class StudioError(Exception):
    """A change to a procedure that cannot be made, with a message for the administrator.

    ``errors`` maps a form field (or ``"__all__"``) to messages, for forms to show
    next to what must be fixed.
    """

    def __init__(self, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
