"""The mandate's code and the notices of acts under it go through the outbox: recorded
in the transaction of the change, the code erased from the row once it has left."""

import datetime
import re

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from parcours.channels import sms
from parcours.mandates import services
from parcours.mandates.enums import ConsentMethod
from parcours.mandates.models import MandateAct
from parcours.mandates.outgoing import put_act
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import HIDDEN_VALUE, deliver_due
from tests.outbox.support import rolled_back

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    cache.clear()


def by_code(helper, procedure, phone="06 12 34 56 78"):
    return services.mandate_create(
        by=helper.user,
        given_name="Jeanne",
        family_name="Lambert",
        email="jeanne@example.org",
        phone=phone,
        procedures=[procedure],
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        consent_method=ConsentMethod.CODE,
    )


def keys() -> list[str]:
    return sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True))


def test_the_code_goes_by_email_and_sms_through_the_outbox_and_is_then_erased(helper, procedure):
    mandate = by_code(helper, procedure)
    expires = mandate.code_expires_at.isoformat()

    assert keys() == [
        f"mandate-code:{mandate.pk}:{expires}:email",
        f"mandate-code:{mandate.pk}:{expires}:sms",
    ]
    assert deliver_due() == 2

    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert code in sms.outbox[-1].body
    for row in OutboxMessage.objects.all():
        assert row.status == OutboxStatus.SENT
        assert row.arguments == {"mandate_id": mandate.pk, "minutes": services.CODE_MINUTES}
    assert services.mandate_confirm(mandate=mandate, code=code, by=helper.user).confirmed_at


def test_a_code_waiting_in_the_outbox_is_masked_in_the_admin(helper, procedure, rf, admin_user):
    by_code(helper, procedure, phone="")
    row = OutboxMessage.objects.get()
    admin = site._registry[OutboxMessage]

    shown = admin.shown_arguments(row)

    assert shown["code"] == HIDDEN_VALUE
    assert row.arguments["code"] != HIDDEN_VALUE
    assert "arguments" not in admin.get_fields(rf.get("/"), row)


def test_a_code_that_expired_before_it_could_leave_is_not_sent(helper, procedure, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    by_code(helper, procedure, phone="")
    time_machine.shift(datetime.timedelta(minutes=services.CODE_MINUTES + 1))

    assert deliver_due() == 1

    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SKIPPED
    assert "code" not in row.arguments
    assert mail.outbox == []


def test_a_mandate_whose_creation_rolls_back_sends_no_code(helper, procedure):
    rolled_back(lambda: by_code(helper, procedure))

    assert keys() == []


def test_each_act_is_told_once_by_email_and_sms(helper, procedure):
    mandate = by_code(helper, procedure)
    deliver_due()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    mail.outbox.clear()
    sms.outbox.clear()

    services.mandate_confirm(mandate=mandate, code=code, by=helper.user)
    act = MandateAct.objects.get(mandate=mandate)
    put_act(act)  # asked again: nothing more

    assert [key for key in keys() if key.startswith("mandate-act:")] == [
        f"mandate-act:{act.pk}:email",
        f"mandate-act:{act.pk}:sms",
    ]
    assert deliver_due() == 2
    assert deliver_due() == 0
    assert len(mail.outbox) == 1
    assert len(sms.outbox) == 1
