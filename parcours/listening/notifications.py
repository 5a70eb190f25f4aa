"""Emails of the listening app, built on the project's notification classes."""

from django.conf import settings
from django.urls import reverse

from parcours.channels.notifications import SmsNotification
from parcours.notifications.notifications import EmailNotification


def absolute(path: str) -> str:
    return settings.PARCOURS_BASE_URL + path


class PersonNotification(EmailNotification):
    """To one person (``self.person``), in their language."""

    def recipients(self) -> list[str]:
        return [self.person.email] if self.person.email else []

    def language(self) -> str:
        return self.person.preferred_language or settings.LANGUAGE_CODE


class FeedbackInvitationNotification(PersonNotification):
    """Three questions about an exchange or a decision, answered from the link."""

    template_name = "feedback_invitation"

    def __init__(self, invitation):
        self.invitation = invitation
        self.person = invitation.person

    def should_send(self) -> bool:
        # Not a legal message: the person's preference decides.
        return self.person.notify_by_email and super().should_send()

    def context(self) -> dict:
        from .services.feedback import FEEDBACK_VALID_DAYS, invitation_url

        return {
            "person": self.person,
            "invitation": self.invitation,
            "unit": self.invitation.unit,
            "case": self.invitation.case,
            "url": invitation_url(self.invitation),
            "valid_days": FEEDBACK_VALID_DAYS,
        }


class FeedbackInvitationSms(SmsNotification):
    """The same invitation by text message, for a person who chose SMS."""

    def __init__(self, invitation):
        super().__init__(invitation.person)
        self.invitation = invitation

    def wanted(self) -> bool:
        from parcours.people.enums import Channel

        return self.person.notify_by_sms and self.person.preferred_channel == Channel.SMS

    def text(self) -> str:
        from django.utils.translation import gettext as _

        from .services.feedback import invitation_url

        organisation = self.invitation.organisation.name
        return _("%(organisation)s : votre avis en 3 questions, 1 minute, anonyme : %(url)s") % {
            "organisation": organisation,
            "url": invitation_url(self.invitation),
        }


class ExperienceNotification(EmailNotification):
    """To the author of an experience (their address), in the language they wrote in."""

    def __init__(self, experience):
        self.experience = experience

    def recipients(self) -> list[str]:
        return [self.experience.author_email] if self.experience.author_email else []

    def language(self) -> str:
        return self.experience.author_language or settings.LANGUAGE_CODE

    def context(self) -> dict:
        return {
            "experience": self.experience,
            "organisation": self.experience.organisation,
            "page_url": absolute(
                reverse("portal:experiences_of", args=[self.experience.organisation.slug])
            )
            + f"#experience-{self.experience.public_id}",
        }


class ExperienceConfirmationNotification(ExperienceNotification):
    template_name = "experience_confirmation"

    def context(self) -> dict:
        from .services.experiences import CONFIRMATION_VALID_DAYS, confirmation_url

        return {
            **super().context(),
            "url": confirmation_url(self.experience),
            "valid_days": CONFIRMATION_VALID_DAYS,
        }


class ExperienceReplyNotification(ExperienceNotification):
    template_name = "experience_reply"


class ComplaintNotification(PersonNotification):
    """To the complainant: the acknowledgement (reference, date), then the answer.
    Always sent when we have an address: it is the record of their complaint."""

    def __init__(self, complaint, *, kind: str):
        self.complaint = complaint
        self.person = complaint.person
        self.template_name = f"complaint_{kind}"

    def context(self) -> dict:
        return {
            "complaint": self.complaint,
            "person": self.person,
            "unit": self.complaint.unit,
            "url": absolute(reverse("portal:complaint", args=[self.complaint.reference])),
        }


class ComplaintEscalationNotification(EmailNotification):
    """To the unit's managers and the organisation's administrators: a complaint is past
    its response date."""

    template_name = "complaint_escalated"

    def __init__(self, complaint):
        self.complaint = complaint

    def recipients(self) -> list[str]:
        from .services.complaints import managers_of

        return sorted(
            {agent.user.email for agent in managers_of(self.complaint) if agent.user.email}
        )

    def context(self) -> dict:
        return {
            "complaint": self.complaint,
            "unit": self.complaint.unit,
            "url": absolute(reverse("backoffice:complaint", args=[self.complaint.reference])),
        }


class IdeaStatusNotification(EmailNotification):
    """To a supporter (or the author) of an idea: the service's answer."""

    template_name = "idea_status"

    def __init__(self, change, user):
        self.change = change
        self.user = user

    def recipients(self) -> list[str]:
        return [self.user.email] if self.user.email else []

    def language(self) -> str:
        person = self.user.people.first()
        return (person.preferred_language if person else "") or settings.LANGUAGE_CODE

    def context(self) -> dict:
        idea = self.change.idea
        return {
            "change": self.change,
            "idea": idea,
            "url": absolute(reverse("portal:idea", args=[idea.organisation.slug, idea.pk])),
        }
