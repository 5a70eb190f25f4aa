class BaseSmsBackend:
    """The interface of an SMS backend: send the messages, return how many were sent.
    Raise an exception when the provider refuses: the task retries."""

    def send_messages(self, messages) -> int:
        raise NotImplementedError
