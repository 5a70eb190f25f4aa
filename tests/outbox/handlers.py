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
