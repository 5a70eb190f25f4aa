"""Equality of channels: a request filed at the counter, by phone, from an email or
online gets the same legal deadline, the same place in the queue (by its date, never by
its channel), the same receipt and the same notifications."""

import datetime

import pytest
from django.core import mail

from parcours.cases import queue
from parcours.cases import services as case_services
from parcours.cases.enums import CaseChannel, CaseState
from parcours.channels import inbound, services, sms
from parcours.channels.enums import InboundStatus
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.sqlite

MONDAY_2_MARCH_10 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


def file_online(*, person, procedure, agent, **_):
    draft = case_services.case_create_draft(person=person, procedure=procedure, by=person.user)
    case_services.case_update_draft(
        case=draft, by=person.user, form_data={"subject": "Inscription"}
    )
    return case_services.case_submit(case=draft, by=person.user)


def file_by_agent(channel):
    def file(*, person, procedure, agent, **_):
        draft = services.assisted_start(
            by=agent.user,
            person=person,
            procedure=procedure,
            channel=channel,
            accompanied=channel == CaseChannel.COUNTER,
        )
        case_services.case_update_draft(
            case=draft, by=agent.user, form_data={"subject": "Inscription"}
        )
        return case_services.case_submit(case=draft, by=agent.user)

    return file


def file_from_an_email(*, person, procedure, agent, settings, unit):
    """The person writes to the unit; an agent files the request from the email."""
    settings.PARCOURS_INBOUND_DOMAINS = ["bellerive.example.org"]
    unit.email = "education@bellerive.example.org"
    unit.save()
    content = (
        f"From: {person.email}\r\nTo: {unit.email}\r\nSubject: Inscription\r\n\r\n"
        "Je voudrais inscrire ma fille.\r\n"
    ).encode()
    received = inbound.receive(envelope_from=person.email, recipients=[unit.email], content=content)
    assert received.status == InboundStatus.ON_PERSON
    return file_by_agent(CaseChannel.EMAIL)(person=person, procedure=procedure, agent=agent)


CHANNELS = {
    CaseChannel.ONLINE: file_online,
    CaseChannel.COUNTER: file_by_agent(CaseChannel.COUNTER),
    CaseChannel.PHONE: file_by_agent(CaseChannel.PHONE),
    CaseChannel.EMAIL: file_from_an_email,
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_request_gets_the_same_deadline_queue_place_and_notifications_whatever_its_channel(
    channel,
    organisation,
    procedure,
    unit_1,
    agent_1,
    time_machine,
    settings,
    django_capture_on_commit_callbacks,
):
    # Two requests filed online around it: one the day before, one the day after.
    before, after = (
        PersonFactory(organisation=organisation, email=f"{name}@example.org")
        for name in ("avant", "apres")
    )
    person = PersonFactory(
        organisation=organisation,
        email="lea@example.org",
        phone="06 12 34 56 78",
        notify_by_sms=True,
    )
    time_machine.move_to(MONDAY_2_MARCH_10 - datetime.timedelta(days=1), tick=False)
    earlier = file_online(person=before, procedure=procedure, agent=agent_1)
    time_machine.move_to(MONDAY_2_MARCH_10, tick=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case = CHANNELS[channel](
            person=person, procedure=procedure, agent=agent_1, settings=settings, unit=unit_1
        )
    time_machine.move_to(MONDAY_2_MARCH_10 + datetime.timedelta(days=1), tick=False)
    later = file_online(person=after, procedure=procedure, agent=agent_1)

    # The same legal clock: received today, decided within the procedure's two months.
    assert case.channel == channel
    assert case.state == CaseState.SUBMITTED
    assert case.received_on == datetime.date(2026, 3, 2)
    assert case.decision_due_on == datetime.date(2026, 5, 2)
    assert case.implicit_decision == procedure.implicit_decision
    assert case.receipt.decision_due_on == case.decision_due_on
    # The same place in the queue: by deadline and date, between the two online ones.
    assert list(queue.queue_of(unit_1)) == [earlier, case, later]
    assert queue.next_in_queue(unit_1) == earlier
    # The same notifications: the receipt by email, the news by SMS as chosen.
    receipts = [m for m in mail.outbox if m.to == ["lea@example.org"] and case.reference in m.body]
    assert len(receipts) == 1
    assert case.reference in receipts[0].subject
    assert [m.to for m in sms.outbox] == ["+33612345678"]
    assert case.reference in sms.outbox[0].body


def test_the_same_subject_for_every_channel(
    organisation, procedure, agent_1, django_capture_on_commit_callbacks
):
    """The receipt email reads the same whoever filed the request."""
    subjects = {}
    for channel, file in CHANNELS.items():
        if channel == CaseChannel.EMAIL:
            continue
        person = PersonFactory(organisation=organisation)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            case = file(person=person, procedure=procedure, agent=agent_1)
        subjects[channel] = mail.outbox[0].subject.replace(case.reference, "<reference>")
    assert len(set(subjects.values())) == 1, subjects


def test_a_draft_filed_by_an_agent_is_not_in_the_queue_until_sent(
    procedure, agent_1, citizen_a, unit_1
):
    services.assisted_start(
        by=agent_1.user, person=citizen_a, procedure=procedure, channel=CaseChannel.PHONE
    )
    CaseFactory(procedure=procedure, person=citizen_a)

    assert list(queue.queue_of(unit_1)) == []
