"""Commitments measured continuously: items flagged before they breach, then resolved;
the daily digest to the agent and the unit's managers."""

import datetime

import pytest
from django.core import mail

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.commitments.enums import AlertStatus
from parcours.commitments.models import CommitmentAlert
from parcours.commitments.services import send_digests, watch_commitments
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from parcours.outbox.services import deliver_due
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

RECEIVED = datetime.date(2026, 10, 1)


@pytest.fixture
def commitment(organisation, procedure):
    # 20 days: flagged 4 days before (20 %), from 17 October; breached from the 22nd.
    return Commitment.objects.create(
        organisation=organisation,
        procedure=procedure,
        kind=CommitmentKind.DECISION,
        target=20,
        target_unit=DelayUnit.DAYS,
        wording="Nous décidons sous 20 jours.",
    )


@pytest.fixture
def case(procedure, citizen_a, agent_1, commitment):
    case = CaseFactory(procedure=procedure, person=citizen_a)
    Case.objects.filter(pk=case.pk).update(
        reference="2026-SCO-000001",
        state=CaseState.IN_REVIEW,
        received_on=RECEIVED,
        referent=agent_1,
    )
    case.refresh_from_db()
    return case


def test_nothing_is_flagged_well_before_the_deadline(case):
    watch_commitments(today=datetime.date(2026, 10, 16))
    assert not CommitmentAlert.objects.exists()


def test_an_item_is_flagged_before_it_breaches(case, agent_1):
    counts = watch_commitments(today=datetime.date(2026, 10, 17))
    alert = CommitmentAlert.objects.get()
    assert (alert.status, alert.due_on, alert.agent) == (
        AlertStatus.AT_RISK,
        datetime.date(2026, 10, 21),
        agent_1,
    )
    assert counts["raised"] == 1


def test_then_breached_then_resolved(case):
    watch_commitments(today=datetime.date(2026, 10, 17))
    watch_commitments(today=datetime.date(2026, 10, 22))
    alert = CommitmentAlert.objects.get()
    assert alert.status == AlertStatus.BREACHED
    assert alert.breached_on == datetime.date(2026, 10, 22)
    Case.objects.filter(pk=case.pk).update(state=CaseState.ACCEPTED)
    assert watch_commitments(today=datetime.date(2026, 10, 23))["resolved"] == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_time_waiting_for_the_citizen_moves_the_date_on(case):
    Case.objects.filter(pk=case.pk).update(suspended_days=10)
    watch_commitments(today=datetime.date(2026, 10, 22))
    assert not CommitmentAlert.objects.exists()  # due on the 31st, flagged from the 27th


def test_running_twice_changes_nothing(case):
    watch_commitments(today=datetime.date(2026, 10, 17))
    again = watch_commitments(today=datetime.date(2026, 10, 17))
    assert again["raised"] == 0
    assert CommitmentAlert.objects.count() == 1


def test_an_unanswered_message_is_flagged(organisation, unit_1, citizen_a, time_machine):
    Commitment.objects.create(
        organisation=organisation,
        kind=CommitmentKind.FIRST_REPLY,
        target=5,
        target_unit=DelayUnit.WORKING_DAYS,
        wording="Nous répondons sous 5 jours ouvrés.",
    )
    time_machine.move_to(datetime.datetime(2026, 10, 5, 9, 0), tick=False)  # a Monday
    message = Message.objects.create(
        organisation=organisation,
        unit=unit_1,
        person=citizen_a,
        direction=MessageDirection.FROM_CITIZEN,
        body="Bonjour, où en est ma demande ?",
    )
    watch_commitments(today=datetime.date(2026, 10, 9))
    assert not CommitmentAlert.objects.exists()  # 5 working days: flagged 2 days before
    watch_commitments(today=datetime.date(2026, 10, 10))
    alert = CommitmentAlert.objects.get(message=message)
    assert alert.due_on == datetime.date(2026, 10, 12)


def test_the_digest_goes_to_the_agent_and_the_unit_s_manager(case, agent_1, manager, agent_2):
    watch_commitments(today=datetime.date(2026, 10, 17))
    assert send_digests() == 2
    send_digests()  # a second run the same day records nothing more
    assert deliver_due() == 2
    assert deliver_due() == 0
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([agent_1.user.email, manager.user.email])
    body = mail.outbox[0].body
    assert "2026-SCO-000001" in body
    assert agent_2.user.email not in recipients


def test_the_digest_says_what_is_late_without_counting_what_is_not(case, agent_1):
    # Flagged only once already late: the digest says so, and no "0 élément" sentence.
    watch_commitments(today=datetime.date(2026, 10, 23))
    send_digests()
    deliver_due()
    email = next(m for m in mail.outbox if m.to == [agent_1.user.email])
    html_body = email.alternatives[0][0]
    for text in (email.body, html_body):
        assert "1 élément a dépassé le délai que nous avons promis aux usagers." in text
        assert "0 élément" not in text
        assert "bientôt" not in text
    assert email.subject == "Nos engagements envers les usagers : 1 élément à traiter"


def test_the_digest_counts_both_what_is_close_and_what_is_late(case, agent_1, procedure, citizen_a):
    other = CaseFactory(procedure=procedure, person=citizen_a)
    Case.objects.filter(pk=other.pk).update(
        reference="2026-SCO-000002",
        state=CaseState.IN_REVIEW,
        received_on=RECEIVED + datetime.timedelta(days=6),
        referent=agent_1,
    )
    watch_commitments(today=datetime.date(2026, 10, 23))
    send_digests()
    deliver_due()
    body = next(m for m in mail.outbox if m.to == [agent_1.user.email]).body
    assert (
        "1 élément arrive bientôt au bout du délai que nous avons promis aux usagers.\n"
        "1 élément a dépassé ce délai."
    ) in body
    assert "2026-SCO-000001" in body
    assert "2026-SCO-000002" in body


def test_the_queue_and_the_case_page_show_the_flag(client, case, agent_1, unit_1):
    from django.urls import reverse

    from tests.backoffice.conftest import verified

    watch_commitments(today=datetime.date(2026, 10, 22))
    verified(client, agent_1.user)
    queue_page = client.get(reverse("backoffice:queue", args=[unit_1.slug])).content.decode()
    assert "Engagements en danger" in queue_page
    assert "2026-SCO-000001" in queue_page
    case_page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "Délai dépassé" in case_page
    assert "Nous décidons sous 20 jours." in case_page
