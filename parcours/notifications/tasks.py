from django_tasks import task

from parcours.cases.models import CaseEvent

from .notifications import CaseEventNotification


@task()
def send_case_event_notification(event_id: int) -> bool:
    event = (
        CaseEvent.objects.select_related(
            "case__person", "case__unit", "case__procedure", "case__referent__user"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return False
    return CaseEventNotification(event).send()
