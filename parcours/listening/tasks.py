"""Background work of the listening app, run by the worker."""

from django_tasks import task

from .models import Experience


@task()
def feedback_invitations() -> dict:
    """Periodic: create the survey invitations for recent events, send those due."""
    from .services.feedback import collect_invitations, send_due_invitations

    return {"created": collect_invitations(), "sent": send_due_invitations()}


def _experience(experience_id: int) -> Experience | None:
    return (
        Experience.objects.select_related("organisation", "unit").filter(pk=experience_id).first()
    )


@task()
def send_experience_confirmation(experience_id: int) -> bool:
    from .notifications import ExperienceConfirmationNotification

    experience = _experience(experience_id)
    return experience is not None and ExperienceConfirmationNotification(experience).send()


@task()
def send_experience_reply(experience_id: int) -> bool:
    from .notifications import ExperienceReplyNotification

    experience = _experience(experience_id)
    return experience is not None and ExperienceReplyNotification(experience).send()


@task()
def escalate_overdue_complaints() -> int:
    """Periodic: escalate to the managers the complaints past their response date."""
    from .services.complaints import escalate_overdue

    return escalate_overdue()


def _complaint(complaint_id: int):
    from .models import Complaint

    return (
        Complaint.objects.select_related("person", "unit__organisation", "procedure")
        .filter(pk=complaint_id)
        .first()
    )


@task()
def send_complaint_notification(complaint_id: int, kind: str) -> bool:
    from .notifications import ComplaintNotification

    complaint = _complaint(complaint_id)
    return complaint is not None and ComplaintNotification(complaint, kind=kind).send()


@task()
def send_complaint_escalation(complaint_id: int) -> bool:
    from .notifications import ComplaintEscalationNotification

    complaint = _complaint(complaint_id)
    return complaint is not None and ComplaintEscalationNotification(complaint).send()


@task()
def send_idea_status_changed(change_id: int) -> int:
    """Tell the author and every supporter, each in one email."""
    from .models import IdeaStatusChange
    from .notifications import IdeaStatusNotification

    change = (
        IdeaStatusChange.objects.select_related("idea__organisation", "idea__procedure")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return 0
    sent = 0
    for user in change.idea.supports.select_related("user").order_by("pk"):
        sent += IdeaStatusNotification(change, user.user).send()
    return sent
