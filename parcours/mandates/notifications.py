"""What the person is told about their mandates: the code to confirm one, its
creation, and each act done under it (by email, and by text message when an SMS
backend is configured and the person gave a mobile number)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from parcours.notifications.notifications import EmailNotification

from .enums import ActKind
from .models import Mandate, MandateAct


def can_text(phone: str) -> bool:
    """Is there an SMS backend, and can this number receive a text message?"""
    if not phone or not getattr(settings, "SMS_BACKEND", ""):
        return False
    try:
        from parcours.channels.sms import is_mobile
    except ImportError:  # pragma: no cover - the SMS backend ships with parcours.channels
        return False
    return is_mobile(phone)


class MandateNotification(EmailNotification):
    def __init__(self, mandate: Mandate):
        self.mandate = mandate

    def recipients(self) -> list[str]:
        return [self.mandate.email] if self.mandate.email else []

    def language(self) -> str:
        person = self.mandate.user.people.order_by("pk").first()
        return (person.preferred_language if person else "") or settings.LANGUAGE_CODE

    def mandates_url(self) -> str:
        return settings.PARCOURS_BASE_URL + reverse("mandates:mine")

    def context(self) -> dict:
        return {
            "mandate": self.mandate,
            "helper": self.mandate.helper,
            "mandates_url": self.mandates_url(),
        }

    def text(self) -> str:
        with translation.override(self.language()):
            context = {"site_name": settings.PARCOURS_SITE_NAME, **self.context()}
            return " ".join(
                render_to_string(f"notifications/sms/{self.template_name}.txt", context).split()
            )

    def outgoing_sms(self):
        """The text message to send, or None (what the outbox sends beside the email)."""
        if not can_text(self.mandate.phone):
            return None
        from parcours.channels.sms import OutgoingSms

        return OutgoingSms(to=self.mandate.phone, body=self.text())


class MandateCodeNotification(MandateNotification):
    template_name = "mandate_code"

    def __init__(self, mandate: Mandate, *, code: str, minutes: int):
        super().__init__(mandate)
        self.code, self.minutes = code, minutes

    def context(self) -> dict:
        return {**super().context(), "code": self.code, "minutes": self.minutes}


class MandateActNotification(MandateNotification):
    """The mandate was created, an act was done under it, or it was revoked."""

    def __init__(self, act: MandateAct):
        super().__init__(act.mandate)
        self.act = act
        self.template_name = "mandate_created" if act.kind == ActKind.CREATED else "mandate_act"

    def context(self) -> dict:
        case_url = ""
        if self.act.case_id and self.act.case.reference:
            case_url = settings.PARCOURS_BASE_URL + reverse(
                "portal:case", args=[self.act.case.reference]
            )
        return {**super().context(), "act": self.act, "case_url": case_url}
