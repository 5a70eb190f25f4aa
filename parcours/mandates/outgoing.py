"""The outbox handlers of mandates (parcours.outbox): the one-time code and each act
done under a mandate, by email and, for a mobile number, by text message. Each reads the
rows it needs once the change has committed and returns what to send, or None."""

from django.utils import timezone

from parcours.outbox.services import outbox_handler, outbox_put

from .models import Mandate, MandateAct
from .notifications import MandateActNotification, MandateCodeNotification, can_text


def _code_notification(mandate_id: int, code: str, minutes: int):
    """The code's notification while the mandate waits for a code: not expired, the
    mandate neither confirmed nor revoked."""
    mandate = Mandate.objects.select_related("helper__user", "user").filter(pk=mandate_id).first()
    if (
        not code
        or mandate is None
        or mandate.confirmed_at is not None
        or mandate.revoked_at is not None
        or mandate.code_expires_at is None
        or mandate.code_expires_at <= timezone.now()
    ):
        return None
    return MandateCodeNotification(mandate, code=code, minutes=minutes)


@outbox_handler(secret=("code",))
def mandate_code_email(mandate_id: int, minutes: int, code: str = ""):
    notification = _code_notification(mandate_id, code, minutes)
    return notification.outgoing() if notification else None


@outbox_handler(secret=("code",))
def mandate_code_sms(mandate_id: int, minutes: int, code: str = ""):
    notification = _code_notification(mandate_id, code, minutes)
    return notification.outgoing_sms() if notification else None


def _act_notification(act_id: int):
    act = (
        MandateAct.objects.select_related("mandate__helper__user", "mandate__user", "case")
        .filter(pk=act_id)
        .first()
    )
    return MandateActNotification(act) if act else None


@outbox_handler
def mandate_act_email(act_id: int):
    notification = _act_notification(act_id)
    return notification.outgoing() if notification else None


@outbox_handler
def mandate_act_sms(act_id: int):
    notification = _act_notification(act_id)
    return notification.outgoing_sms() if notification else None


def put_code(mandate: Mandate, *, code: str, minutes: int) -> None:
    """In the transaction that stored the code's hash: the email, and the text message
    for a mobile number. The code is erased from the outbox rows once they are sent."""
    key = f"mandate-code:{mandate.pk}:{mandate.code_expires_at.isoformat()}"
    arguments = {"mandate_id": mandate.pk, "minutes": minutes, "code": code}
    outbox_put(handler=mandate_code_email, key=f"{key}:email", **arguments)
    if can_text(mandate.phone):
        outbox_put(handler=mandate_code_sms, key=f"{key}:sms", **arguments)


def put_act(act: MandateAct) -> None:
    """In the transaction of the act: the email, and the text message for a mobile."""
    outbox_put(handler=mandate_act_email, key=f"mandate-act:{act.pk}:email", act_id=act.pk)
    if can_text(act.mandate.phone):
        outbox_put(handler=mandate_act_sms, key=f"mandate-act:{act.pk}:sms", act_id=act.pk)
