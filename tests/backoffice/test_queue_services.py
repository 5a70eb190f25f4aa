"""The fair queue as services: the next case is the nearest legal deadline, then the
oldest request, among those nobody holds; jumping the queue needs a reason; managers
reassign with a reason."""

import datetime

import pytest
from django.utils import timezone

from parcours.cases import queue
from parcours.cases.enums import CaseState, EventKind, HoldingChange
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import Case, CaseEvent
from tests.cases.helpers import walk_to
from tests.factories import AgentFactory, CaseFactory

from .conftest import submit

pytestmark = pytest.mark.sqlite

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def queue_cases(procedure, short_procedure, report_procedure, citizen_a, citizen_b):
    """Five open cases of unit 1, named by the order they must be taken in."""
    return {
        # Two months' delay, submitted 40 days ago: due in about 20 days.
        "second": submit(procedure, citizen_a, on=days_ago(40)),
        # One month's delay, submitted 15 days ago: due in about 15 days, the nearest.
        "first": submit(short_procedure, citizen_b, on=days_ago(15)),
        # Same deadline as "second" would be impossible to order by age: a younger one.
        "third": submit(procedure, citizen_b, on=days_ago(10)),
        # No legal deadline at all: after every case that has one, oldest first.
        "fourth": submit(report_procedure, citizen_a, on=days_ago(60)),
        "fifth": submit(report_procedure, citizen_b, on=days_ago(5)),
    }


def test_the_queue_lists_the_nearest_deadline_first_then_the_oldest(queue_cases, unit_1):
    order = list(queue.queue_of(unit_1).values_list("reference", flat=True))

    names = {case.reference: name for name, case in queue_cases.items()}
    assert [names[reference] for reference in order] == [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
    ]


def test_claiming_gives_the_cases_in_queue_order_and_records_who_and_how(
    queue_cases, unit_1, agent_1
):
    claimed = [queue.case_claim_next(unit=unit_1, by=agent_1.user) for _ in range(5)]

    assert [case.pk for case in claimed] == [
        queue_cases[name].pk for name in ["first", "second", "third", "fourth", "fifth"]
    ]
    event = CaseEvent.objects.get(case=claimed[0], kind=EventKind.REFERENT_CHANGED)
    assert event.kind == EventKind.REFERENT_CHANGED
    assert event.actor == agent_1.user
    assert event.data["via"] == HoldingChange.NEXT
    assert event.data["to_agent_id"] == agent_1.pk
    assert event.visible_to_citizen is False
    claimed[0].refresh_from_db()
    assert claimed[0].referent == agent_1


def test_claiming_skips_the_cases_someone_already_holds(queue_cases, unit_1, agent_1, manager):
    queue.case_take(case=queue_cases["first"], by=manager.user, reason="")

    case = queue.case_claim_next(unit=unit_1, by=agent_1.user)

    assert case.pk == queue_cases["second"].pk


def test_claiming_skips_closed_cases_and_drafts(procedure, citizen_a, agent_1, unit_1):
    open_case = submit(procedure, citizen_a, on=days_ago(20))
    for state in [CaseState.DRAFT, CaseState.WITHDRAWN, CaseState.ACCEPTED]:
        draft = CaseFactory(procedure=procedure, person=citizen_a)
        walk_to(state, draft, citizen=citizen_a.user, agent=agent_1.user)
    Case.objects.exclude(pk=open_case.pk).update(referent=None)

    assert queue.case_claim_next(unit=unit_1, by=agent_1.user).pk == open_case.pk
    assert queue.case_claim_next(unit=unit_1, by=agent_1.user) is None


def test_claiming_an_empty_queue_gives_nothing_and_records_nothing(unit_1, agent_1):
    assert queue.case_claim_next(unit=unit_1, by=agent_1.user) is None
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize("who", ["agent_2", "helper", "citizen_a", "org_admin"])
def test_only_the_unit_s_agents_claim_its_cases(queue_cases, unit_1, who, request):
    person = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        queue.case_claim_next(unit=unit_1, by=person.user)

    assert not CaseEvent.objects.filter(kind=EventKind.REFERENT_CHANGED).exists()


def test_an_inactive_agent_claims_nothing(queue_cases, unit_1, agent_1):
    agent_1.is_active = False
    agent_1.save()

    with pytest.raises(NotAllowed):
        queue.case_claim_next(unit=unit_1, by=agent_1.user)


def test_taking_the_next_case_needs_no_reason(queue_cases, agent_1):
    case = queue.case_take(case=queue_cases["first"], by=agent_1.user)

    assert case.referent == agent_1
    assert (
        CaseEvent.objects.get(case=case, kind=EventKind.REFERENT_CHANGED).data["via"]
        == HoldingChange.NEXT
    )


def test_taking_a_case_out_of_turn_needs_a_reason(queue_cases, agent_1):
    with pytest.raises(CaseError) as error:
        queue.case_take(case=queue_cases["third"], by=agent_1.user, reason="   ")

    assert error.value.field == "reason"
    assert "pas le prochain de la file" in error.value.message
    queue_cases["third"].refresh_from_db()
    assert queue_cases["third"].referent is None
    assert not CaseEvent.objects.filter(kind=EventKind.REFERENT_CHANGED).exists()


def test_a_case_taken_out_of_turn_keeps_its_reason_for_the_managers(queue_cases, agent_1, unit_1):
    queue.case_take(
        case=queue_cases["third"], by=agent_1.user, reason="  L'usagère est sans logement.  "
    )

    event = CaseEvent.objects.get(case=queue_cases["third"], kind=EventKind.REFERENT_CHANGED)
    assert event.data["via"] == HoldingChange.OUT_OF_ORDER
    assert event.reason == "L'usagère est sans logement."
    assert list(queue.holding_changes(unit_1)) == [event]


def test_a_case_someone_holds_cannot_be_taken_from_them(queue_cases, agent_1, manager):
    queue.case_take(case=queue_cases["first"], by=manager.user)

    with pytest.raises(CaseError, match="suit déjà ce dossier"):
        queue.case_take(case=queue_cases["first"], by=agent_1.user, reason="Je le veux.")

    queue_cases["first"].refresh_from_db()
    assert queue_cases["first"].referent == manager


def test_taking_a_case_one_already_holds_changes_nothing(queue_cases, agent_1):
    queue.case_take(case=queue_cases["first"], by=agent_1.user)

    queue.case_take(case=queue_cases["first"], by=agent_1.user)

    assert (
        CaseEvent.objects.filter(case=queue_cases["first"], kind=EventKind.REFERENT_CHANGED).count()
        == 1
    )


def test_a_closed_case_cannot_be_taken(procedure, citizen_a, agent_1):
    draft = CaseFactory(procedure=procedure, person=citizen_a)
    case = walk_to(CaseState.WITHDRAWN, draft, citizen=citizen_a.user, agent=agent_1.user)

    with pytest.raises(CaseError, match="clos"):
        queue.case_take(case=case, by=agent_1.user, reason="Pour voir.")


def test_an_agent_of_another_unit_cannot_take_a_case(queue_cases, agent_2):
    with pytest.raises(NotAllowed):
        queue.case_take(case=queue_cases["first"], by=agent_2.user, reason="Entraide.")


@pytest.mark.parametrize("by", ["manager", "org_admin"])
def test_a_manager_reassigns_a_case_with_a_recorded_reason(
    queue_cases, agent_1, unit_1, by, request
):
    boss = request.getfixturevalue(by)
    colleague = AgentFactory(unit=unit_1)
    queue.case_take(case=queue_cases["first"], by=agent_1.user)

    case = queue.case_reassign(
        case=queue_cases["first"], by=boss.user, to=colleague, reason="Congé de Claire."
    )

    assert case.referent == colleague
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert event.data == {
        "via": HoldingChange.REASSIGNED,
        "from_agent_id": agent_1.pk,
        "from_name": agent_1.display_name,
        "to_agent_id": colleague.pk,
        "to_name": colleague.display_name,
    }
    assert event.reason == "Congé de Claire."
    assert event.actor == boss.user


def test_reassigning_needs_a_reason(queue_cases, manager, agent_1):
    with pytest.raises(CaseError) as error:
        queue.case_reassign(case=queue_cases["first"], by=manager.user, to=agent_1, reason="")

    assert error.value.field == "reason"
    queue_cases["first"].refresh_from_db()
    assert queue_cases["first"].referent is None


@pytest.mark.parametrize("who", ["agent_1", "manager_2", "helper", "citizen_a"])
def test_nobody_but_the_unit_s_managers_reassigns(queue_cases, agent_1, who, request):
    person = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        queue.case_reassign(
            case=queue_cases["first"], by=person.user, to=agent_1, reason="Je décide."
        )

    queue_cases["first"].refresh_from_db()
    assert queue_cases["first"].referent is None


@pytest.mark.parametrize("target", ["agent_2", "helper", "org_admin"])
def test_a_case_is_only_reassigned_to_an_agent_of_its_unit(queue_cases, manager, target, request):
    with pytest.raises(CaseError) as error:
        queue.case_reassign(
            case=queue_cases["first"],
            by=manager.user,
            to=request.getfixturevalue(target),
            reason="Renfort.",
        )

    assert error.value.field == "to"


def test_the_workload_counts_open_and_overdue_cases_per_agent(
    queue_cases, unit_1, agent_1, manager
):
    for name in ["first", "second"]:
        queue.case_take(case=queue_cases[name], by=agent_1.user, reason="Urgent.")
    queue.case_take(case=queue_cases["third"], by=manager.user, reason="Urgent.")
    later = TODAY + datetime.timedelta(days=18)  # past "first"'s deadline only

    rows = {agent.pk: (agent.held, agent.overdue) for agent in queue.workload(unit_1, today=later)}

    assert rows == {agent_1.pk: (2, 1), manager.pk: (1, 0)}
    assert queue.queue_summary(unit_1, today=later) == {
        "open": 5,
        "unheld": 2,
        "overdue": 1,
        "unheld_overdue": 0,
    }
