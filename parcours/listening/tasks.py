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
