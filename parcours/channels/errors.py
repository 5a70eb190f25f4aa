class ChannelError(Exception):
    """A rule of the channels was not met. ``field`` names the input at fault; the
    message is written for the agent who acts, in French."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
