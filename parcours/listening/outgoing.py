"""The outbox handlers of listening (parcours.outbox): complaints, experiences, ideas and
feedback invitations. Each reads the rows it needs once the change has committed and
returns what to send, or None when there is nothing to send (object gone, no address,
preferences)."""

from parcours.outbox.services import outbox_handler

from .models import Complaint, Experience, FeedbackInvitation, IdeaStatusChange
from .notifications import (
    ComplaintEscalationNotification,
    ComplaintNotification,
    ExperienceConfirmationNotification,
    ExperienceReplyNotification,
    FeedbackInvitationNotification,
    FeedbackInvitationSms,
    IdeaStatusNotification,
)


def _complaint(complaint_id: int) -> Complaint | None:
    return (
        Complaint.objects.select_related("person", "unit__organisation", "procedure")
        .filter(pk=complaint_id)
        .first()
    )


def _experience(experience_id: int) -> Experience | None:
    return (
        Experience.objects.select_related("organisation", "unit").filter(pk=experience_id).first()
    )


@outbox_handler
def complaint_email(complaint_id: int, kind: str):
    complaint = _complaint(complaint_id)
    return ComplaintNotification(complaint, kind=kind).outgoing() if complaint else None


@outbox_handler
def complaint_escalation_email(complaint_id: int):
    complaint = _complaint(complaint_id)
    return ComplaintEscalationNotification(complaint).outgoing() if complaint else None


@outbox_handler
def experience_confirmation_email(experience_id: int):
    experience = _experience(experience_id)
    return ExperienceConfirmationNotification(experience).outgoing() if experience else None


@outbox_handler
def experience_reply_email(experience_id: int):
    experience = _experience(experience_id)
    return ExperienceReplyNotification(experience).outgoing() if experience else None


@outbox_handler
def idea_status_email(change_id: int, user_id: int):
    """The service's answer to one supporter (or the author) of the idea."""
    from parcours.accounts.models import User

    change = (
        IdeaStatusChange.objects.select_related("idea__organisation", "idea__procedure")
        .filter(pk=change_id)
        .first()
    )
    user = User.objects.filter(pk=user_id).first()
    if change is None or user is None:
        return None
    return IdeaStatusNotification(change, user).outgoing()


@outbox_handler
def feedback_invitation_message(invitation_id: int, channel: str):
    """The invitation by the channel chosen when it was claimed: "sms" or "email"."""
    invitation = (
        FeedbackInvitation.objects.select_related(
            "person", "organisation", "unit__organisation", "procedure", "case"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return None
    if channel == "sms":
        return FeedbackInvitationSms(invitation).outgoing()
    return FeedbackInvitationNotification(invitation).outgoing()
