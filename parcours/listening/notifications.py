"""Emails of the listening app, built on the project's notification classes."""

from django.conf import settings
from django.urls import reverse

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
