class ListeningError(Exception):
    """A rule of the listening app was not met; ``message`` is for the person, in French
    (translated), and ``field`` names the form field concerned, if any."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
