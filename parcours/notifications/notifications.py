"""Notifications are classes: who receives them, which templates, and whether to send."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from parcours.cases.enums import CITIZEN_LABELS, Transition
from parcours.cases.margins import piece_labels
from parcours.cases.models import CaseCorrection, CaseEvent, Document

# Messages the person receives whatever their preferences, when we have their address:
# the receipt (CRPA L112-3), requests for missing pieces (L114-5) and decisions with
# their appeal routes (L211-2, CJA R421-5): without them deadlines cannot run. And the
# confirmation of a withdrawal, a legal act of the person that the portal says it confirms.
ALWAYS_SENT = frozenset(
    {
        Transition.SUBMIT,
        Transition.WITHDRAW,
        Transition.REQUEST_INFORMATION,
        Transition.ACCEPT,
        Transition.REJECT,
        Transition.CLOSE_WITHOUT_ACTION,
        Transition.IMPLICIT_ACCEPTANCE,
        Transition.IMPLICIT_REJECTION,
    }
)

# The transitions that give a decision, and so a letter (or an attestation) to read.
DECISIONS = frozenset(
    {
        Transition.ACCEPT,
        Transition.REJECT,
        Transition.CLOSE_WITHOUT_ACTION,
        Transition.IMPLICIT_ACCEPTANCE,
        Transition.IMPLICIT_REJECTION,
    }
)


class EmailNotification:
    template_name: str  # templates notifications/email/<name>_{subject.txt,body.txt,body.html}

    def recipients(self) -> list[str]:
        raise NotImplementedError

    def language(self) -> str:
        return settings.LANGUAGE_CODE

    def context(self) -> dict:
        return {}

    def should_send(self) -> bool:
        return bool(self.recipients())

    def reply_to(self) -> list[str]:
        return []

    def build(self) -> EmailMultiAlternatives:
        base = f"notifications/email/{self.template_name}"
        with translation.override(self.language()):
            context = {"site_name": settings.PARCOURS_SITE_NAME, **self.context()}
            subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
            text = render_to_string(f"{base}_body.txt", context)
            html = render_to_string(f"{base}_body.html", context)
        message = EmailMultiAlternatives(
            subject, text, to=self.recipients(), reply_to=self.reply_to()
        )
        message.attach_alternative(html, "text/html")
        return message

    def outgoing(self) -> EmailMultiAlternatives | None:
        """The email to send, or None when it should not be sent (what the outbox sends)."""
        return self.build() if self.should_send() else None


class CaseNotification(EmailNotification):
    """About a case (``self.case``): its page on the portal, where agents of the handling
    unit see it too."""

    def case_url(self) -> str:
        return settings.PARCOURS_BASE_URL + reverse("portal:case", args=[self.case.reference])


class CitizenCaseNotification(CaseNotification):
    """To the person whose case it is (``self.person``), in their language."""

    def recipients(self) -> list[str]:
        return [self.person.email] if self.person.email else []

    def language(self) -> str:
        return self.person.preferred_language or settings.LANGUAGE_CODE

    def reply_to(self) -> list[str]:
        """The case's own reply address (docs/channels.md): an answer by email joins
        the case's thread."""
        from parcours.channels.addresses import reply_address

        address = reply_address(self.case)
        return [address] if address else []


class CaseEventNotification(CitizenCaseNotification):
    """Something happened on a case that the citizen should know about."""

    template_name = "case_event"

    def __init__(self, event: CaseEvent):
        self.event = event
        self.case = event.case
        self.person = event.case.person

    @property
    def is_always_sent(self) -> bool:
        return self.event.transition in ALWAYS_SENT

    def should_send(self) -> bool:
        if not self.event.visible_to_citizen:
            return False
        if not (self.is_always_sent or self.person.notify_by_email):
            return False
        return super().should_send()

    def context(self) -> dict:
        decision = self.case.decisions.first()
        decision_url = None
        if decision is not None and self.event.transition in DECISIONS:
            decision_url = settings.PARCOURS_BASE_URL + reverse(
                "portal:decision", args=[self.case.reference, decision.pk]
            )
        return {
            "case_url": self.case_url(),
            "event": self.event,
            "case": self.case,
            "person": self.person,
            "status": CITIZEN_LABELS[self.event.to_state] if self.event.to_state else "",
            "unit": self.case.unit,
            "referent": self.case.referent,
            "decision": decision,
            # The letter of the decision, with its reasons and how to contest it.
            "decision_url": decision_url,
            # Procedures the decision opens, with why (journeys' proactivity).
            "suggestions": list(
                self.case.suggestions_made.select_related("procedure__organisation")
            )
            if decision_url
            else [],
        }


class CaseCorrectedNotification(CitizenCaseNotification):
    """Confirms to the person what they corrected in their request, old and new answers.

    Sent whatever their preferences, like the confirmation of a withdrawal: it is the
    record of what they declared, and the portal says it confirms it.
    """

    template_name = "case_corrected"

    def __init__(self, correction: CaseCorrection):
        self.correction = correction
        self.case = correction.case
        self.person = correction.case.person

    def context(self) -> dict:
        return {
            "case_url": self.case_url(),
            "correction": self.correction,
            "changes": self.correction.changes_for_display(),
            "case": self.case,
            "person": self.person,
            "unit": self.case.unit,
            "referent": self.case.referent,
        }


class UnitCaseNotification(CaseNotification):
    """To the handling service's address and the case's referent, if any."""

    def recipients(self) -> list[str]:
        referent = self.case.referent
        addresses = [self.case.unit.email, referent.user.email if referent else ""]
        return list(dict.fromkeys(address for address in addresses if address))


class CaseCorrectedUnitNotification(UnitCaseNotification):
    """Tells the handling service, and the case's referent, that the person corrected
    their answers: the case may need a second look before the decision."""

    template_name = "case_corrected_unit"

    def __init__(self, correction: CaseCorrection):
        self.correction = correction
        self.case = correction.case

    def context(self) -> dict:
        return {
            "correction": self.correction,
            "changes": self.correction.changes_for_display(),
            "case": self.case,
            "person": self.case.person,
            "unit": self.case.unit,
            "referent": self.case.referent,
            # Agents of the handling unit see the case page too.
            "case_url": self.case_url(),
        }


class DocumentReceivedUnitNotification(UnitCaseNotification):
    """Tells the handling service, and the case's referent, that the person sent a
    document once their request was on its way (a piece that was missing, often)."""

    template_name = "document_received_unit"

    def __init__(self, document: Document):
        self.document = document
        self.case = document.case

    def context(self) -> dict:
        kind_code = self.document.kind_code
        return {
            "document": self.document,
            "piece": piece_labels(self.case).get(kind_code, "") if kind_code else "",
            "case": self.case,
            "person": self.case.person,
            "unit": self.case.unit,
            "referent": self.case.referent,
            "case_url": settings.PARCOURS_BASE_URL
            + reverse("backoffice:case", args=[self.case.reference]),
        }


class CaseUpdateNotification(CitizenCaseNotification):
    """The person's case changed hands: a new referent (handover), or another unit
    (rerouting, CRPA L114-2); or the person has more time to answer (deadline_extended). A handover honours the person's preferences; a rerouting
    is always told, since it changes who answers them."""

    template_name = "case_update"

    def __init__(self, event: CaseEvent, *, kind: str):
        self.event = event
        self.kind = kind
        self.case = event.case
        self.person = event.case.person

    def should_send(self) -> bool:
        # A rerouting or a new answer date is always told: it changes what the person
        # must do, and by when.
        if self.kind == "handover" and not self.person.notify_by_email:
            return False
        return super().should_send()

    def context(self) -> dict:
        return {
            "kind": self.kind,
            "event": self.event,
            "case": self.case,
            "person": self.person,
            "unit": self.case.unit,
            "referent": self.case.referent,
            "case_url": self.case_url(),
        }


class MessageToCitizenNotification(CitizenCaseNotification):
    """An agent wrote to the person about their case: the message, and where to answer."""

    template_name = "message_to_citizen"

    def __init__(self, message):
        self.message = message
        self.case = message.case
        self.person = message.case.person

    def should_send(self) -> bool:
        return self.person.notify_by_email and super().should_send()

    def context(self) -> dict:
        return {
            "message": self.message,
            "case": self.case,
            "person": self.person,
            "unit": self.case.unit,
            "referent": self.case.referent,
            "case_url": self.case_url(),
        }
