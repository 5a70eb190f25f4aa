"""Complaints, ideas, experiences and feedback invitations tell people through the
outbox: recorded in the transaction of the change, once per key."""

import datetime

import pytest
from django.core import mail

from parcours.listening.enums import IdeaStatus
from parcours.listening.services import complaints, ideas
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_due
from tests.outbox.support import rolled_back

pytestmark = pytest.mark.sqlite

MONDAY = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)


def keys() -> list[str]:
    return sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True))


def file_complaint(citizen_a, unit_1, decided_case):
    return complaints.complaint_file(
        person=citizen_a,
        unit=unit_1,
        subject="Dossier perdu",
        description="On m'a demandé trois fois la même pièce.",
        cases=[decided_case],
        by=citizen_a.user,
        now=MONDAY,
    )


@pytest.fixture
def no_case_mail(decided_case):
    OutboxMessage.objects.all().delete()  # the case's own emails
    return decided_case


def test_a_complaint_is_acknowledged_and_escalated_once_each(
    citizen_a, unit_1, no_case_mail, manager
):
    complaint = file_complaint(citizen_a, unit_1, no_case_mail)
    complaints._notify(complaint, "acknowledged")  # asked again: still one row
    later = MONDAY + datetime.timedelta(days=90)
    assert complaints.escalate_overdue(now=later) == 1
    assert complaints.escalate_overdue(now=later) == 0

    assert keys() == [
        f"complaint:{complaint.pk}:acknowledged",
        f"complaint:{complaint.pk}:escalated",
    ]
    assert deliver_due() == 2
    assert {OutboxStatus.SENT} == set(OutboxMessage.objects.values_list("status", flat=True))
    assert citizen_a.email in [message.to[0] for message in mail.outbox]


def test_a_complaint_that_rolls_back_is_not_acknowledged(citizen_a, unit_1, no_case_mail):
    rolled_back(lambda: file_complaint(citizen_a, unit_1, no_case_mail))

    assert keys() == []


@pytest.fixture
def idea(organisation, citizen_a, procedure):
    return ideas.idea_propose(
        organisation=organisation,
        by=citizen_a.user,
        title="Un rappel par SMS",
        body="Recevoir un SMS quand le dossier avance.",
        procedure=procedure,
    )


def test_an_idea_answer_is_one_row_per_supporter(idea, citizen_b, manager):
    ideas.idea_support(idea=idea, by=citizen_b.user)
    change = ideas.idea_set_status(
        idea=idea, by=manager, status=IdeaStatus.PLANNED, reason="Prévu au printemps."
    )

    supporters = sorted(idea.supports.values_list("user_id", flat=True))
    assert len(supporters) == 2  # the author and Bruno
    assert keys() == sorted(f"idea-status:{change.pk}:{user_id}" for user_id in supporters)
    assert deliver_due() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.org",
        "bruno@example.org",
    ]


def test_an_idea_answer_that_rolls_back_tells_nobody(idea, citizen_b, manager):
    ideas.idea_support(idea=idea, by=citizen_b.user)
    rolled_back(lambda: ideas.idea_set_status(idea=idea, by=manager, status=IdeaStatus.STUDIED))

    assert keys() == []
