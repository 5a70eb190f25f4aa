"""The text message of a case event and the acknowledgement of an email received go
through the outbox: written in the transaction of the change, delivered once."""

import email.message
import email.policy

import pytest
from django.core import mail

from parcours.cases import services as case_services
from parcours.cases.models import CaseEvent
from parcours.channels import inbound as inbound_service
from parcours.channels import sms
from parcours.channels.outgoing import put_case_event_sms
from parcours.notifications.services import notify_case_event
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_due, deliver_one
from tests.outbox.support import rolled_back

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


@pytest.fixture
def wants_sms(citizen_a):
    citizen_a.notify_by_sms, citizen_a.phone = True, "06 12 34 56 78"
    citizen_a.save()
    return citizen_a


def sms_rows():
    return OutboxMessage.objects.filter(idempotency_key__endswith=":sms")


def test_the_sms_of_a_case_event_is_a_sibling_of_its_email_in_the_outbox(
    draft, wants_sms, no_receipt_pdf
):
    case = case_services.case_submit(case=draft, by=wants_sms.user)
    event = CaseEvent.objects.get(case=case, to_state=case.state)

    assert set(OutboxMessage.objects.values_list("idempotency_key", flat=True)) >= {
        f"case_event:{event.pk}",
        f"case_event:{event.pk}:sms",
    }


def test_the_sms_of_a_case_event_is_delivered_once(draft, wants_sms, no_receipt_pdf):
    case = case_services.case_submit(case=draft, by=wants_sms.user)
    (row,) = sms_rows()
    event = CaseEvent.objects.get(case=case, to_state=case.state)

    put_case_event_sms(event)  # asked again: still one row
    notify_case_event(event)
    deliver_due()
    assert deliver_due() == 0
    assert deliver_one(row.pk) is None

    (text,) = sms.outbox
    assert text.to == "+33612345678"
    assert case.reference in text.body
    assert text.reference == row.idempotency_key  # for providers that drop duplicates
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert sms_rows().count() == 1


def test_a_case_event_that_rolls_back_records_no_sms(draft, wants_sms, no_receipt_pdf):
    rolled_back(lambda: case_services.case_submit(case=draft, by=wants_sms.user))

    assert not OutboxMessage.objects.exists()
    deliver_due()
    assert sms.outbox == []


def test_no_sms_row_for_a_person_who_did_not_choose_sms(draft, citizen_a, no_receipt_pdf):
    case_services.case_submit(case=draft, by=citizen_a.user)

    assert not sms_rows().exists()
    assert OutboxMessage.objects.exists()  # the email is there


def test_the_sms_follows_the_preference_when_it_leaves(draft, wants_sms, no_receipt_pdf):
    case_services.case_submit(case=draft, by=wants_sms.user)
    wants_sms.notify_by_sms = False
    wants_sms.save()

    deliver_due()

    assert sms.outbox == []
    assert sms_rows().get().status == OutboxStatus.SKIPPED


def new_mail(*, sender, to):
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"], message["To"], message["Subject"] = sender, to, "Cantine"
    message["Message-ID"] = "<abc123@mail.example.org>"
    message.set_content("Bonjour")
    return message.as_bytes()


def receive(address, sender="zoe@example.net"):
    return inbound_service.receive(
        envelope_from=sender, recipients=[address], content=new_mail(sender=sender, to=address)
    )


def test_an_email_received_records_its_acknowledgement_in_the_same_transaction(
    inbound_settings, unit_address
):
    inbound = receive(unit_address)

    row = OutboxMessage.objects.get()
    assert row.idempotency_key == f"inbound:{inbound.pk}:acknowledgement"
    assert deliver_due() == 1
    assert [message.to for message in mail.outbox] == [["zoe@example.net"]]


def test_an_email_whose_filing_rolls_back_is_not_acknowledged(inbound_settings, unit_address):
    rolled_back(lambda: receive(unit_address))

    assert not OutboxMessage.objects.exists()
