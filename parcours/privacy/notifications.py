"""What the person is told about their requests about their data: each step (received,
taken in charge, deadline extended, answered or refused), by email through the outbox.

The address is the one the person had when the step was taken: an erasure may blank
the record, and its answer must still reach them."""

from django.conf import settings
from django.urls import reverse

from parcours.notifications.notifications import EmailNotification
from parcours.outbox.services import outbox_handler, outbox_put

from .models import RightsRequestEvent


class RightsEventNotification(EmailNotification):
    """Sent whatever the person's preferences: it is the administration's answer to a
    request they made, with its legal time limit."""

    template_name = "rights_request_event"

    def __init__(self, event: RightsRequestEvent, *, email: str):
        self.event = event
        self.request = event.request
        self.email = email

    def recipients(self) -> list[str]:
        return [self.email] if self.email else []

    def language(self) -> str:
        return self.request.person.preferred_language or settings.LANGUAGE_CODE

    def context(self) -> dict:
        return {
            "event": self.event,
            "request": self.request,
            "organisation": self.request.organisation,
            "url": settings.PARCOURS_BASE_URL + reverse("portal:my_data"),
        }


def notify_rights_event(event: RightsRequestEvent, *, email: str) -> None:
    outbox_put(
        handler=rights_event_email,
        key=f"rights_request_event:{event.pk}",
        event_id=event.pk,
        email=email,
    )


@outbox_handler
def rights_event_email(event_id: int, email: str):
    event = (
        RightsRequestEvent.objects.select_related("request__person", "request__organisation")
        .filter(pk=event_id)
        .first()
    )
    return RightsEventNotification(event, email=email).outgoing() if event else None
