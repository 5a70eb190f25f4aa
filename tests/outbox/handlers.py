"""Outbox handlers used only by the tests."""

from django.core.mail import EmailMessage

from parcours.outbox.services import outbox_handler

CALLS = []


@outbox_handler
def greeting(number: int, fail: bool = False):
    CALLS.append(number)
    if fail:
        raise ConnectionError("the relay is down")
    return EmailMessage(f"Bonjour {number}", "Texte.", to=[f"person{number}@example.org"])


@outbox_handler
def nothing():
    return None


def not_marked(number: int):
    return EmailMessage("Jamais", "Jamais.", to=["nobody@example.org"])


@outbox_handler(secret=("code",))
def code_email(number: int, code: str = "", fail: bool = False):
    """Sends a one-time code; without it (erased), there is nothing left to send."""
    if not code:
        return None
    if fail:
        raise ConnectionError("the relay is down")
    return EmailMessage("Votre code", f"Code : {code}", to=[f"person{number}@example.org"])
