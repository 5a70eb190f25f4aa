from django_tasks import task

from .models import Mandate, MandateAct
from .notifications import MandateActNotification, MandateCodeNotification


@task()
def send_mandate_code(mandate_id: int, code: str, minutes: int) -> bool:
    mandate = Mandate.objects.select_related("helper__user", "user").filter(pk=mandate_id).first()
    if mandate is None or mandate.confirmed_at is not None:
        return False
    return MandateCodeNotification(mandate, code=code, minutes=minutes).send()


@task()
def send_mandate_act(act_id: int) -> bool:
    act = (
        MandateAct.objects.select_related("mandate__helper__user", "mandate__user", "case")
        .filter(pk=act_id)
        .first()
    )
    if act is None:
        return False
    return MandateActNotification(act).send()
