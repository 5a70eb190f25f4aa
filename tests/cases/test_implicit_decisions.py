"""Silence becomes a decision when the legal delay has passed (CRPA L231-1, L231-4)."""

import datetime

import pytest

from parcours.cases import clock, services
from parcours.cases.enums import CaseState, DecisionOutcome, Transition
from parcours.cases.errors import CaseError
from parcours.cases.models import Decision
from parcours.cases.tasks import apply_implicit_decisions
from parcours.catalog.enums import ImplicitDecision
from tests.factories import CaseFactory, date

from .helpers import snapshot, take_if_unheld

pytestmark = pytest.mark.sqlite

RECEIVED_ON = date("2026-03-02")
DUE_ON = date("2026-05-02")
DAY_AFTER = date("2026-05-03")


@pytest.fixture(autouse=True)
def received_on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def submit(citizen_a):
    def submit(procedure):
        return services.case_submit(
            case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
        )

    return submit


@pytest.mark.parametrize("today", [date("2026-04-15"), DUE_ON], ids=["before", "on_the_due_date"])
def test_no_implicit_decision_before_the_last_day_is_over(submit, procedure, today):
    case = submit(procedure)
    before = snapshot(case)

    with pytest.raises(CaseError) as error:
        services.case_apply_implicit_decision(case=case, today=today)

    assert error.value.message == "Le délai de décision court jusqu'au 02/05/2026 inclus."
    assert snapshot(case) == before


def test_no_implicit_decision_for_a_procedure_that_has_none(submit, silent_procedure):
    case = submit(silent_procedure)
    before = snapshot(case)

    with pytest.raises(CaseError) as error:
        services.case_apply_implicit_decision(case=case, today=date("2027-01-01"))

    assert error.value.message == "Cette démarche ne donne pas lieu à une décision implicite."
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("procedure_fixture", "state", "outcome", "transition"),
    [
        (
            "procedure",
            CaseState.IMPLICIT_ACCEPTANCE,
            DecisionOutcome.ACCEPTED,
            Transition.IMPLICIT_ACCEPTANCE,
        ),
        (
            "rejecting_procedure",
            CaseState.IMPLICIT_REJECTION,
            DecisionOutcome.REJECTED,
            Transition.IMPLICIT_REJECTION,
        ),
    ],
)
def test_the_day_after_the_due_date_silence_becomes_the_procedure_decision(
    submit, request, procedure_fixture, state, outcome, transition
):
    case = submit(request.getfixturevalue(procedure_fixture))

    case = services.case_apply_implicit_decision(case=case, today=DAY_AFTER)

    assert case.state == state
    assert case.decided_at is not None
    decision = case.decisions.get()
    assert decision.is_implicit
    assert decision.outcome == outcome
    assert decision.decided_on == DUE_ON
    assert decision.appeal_deadline == clock.appeal_deadline(DUE_ON) == date("2026-07-02")
    assert decision.signed_by is None
    event = case.events.last()
    assert event.transition == transition
    assert event.actor is None
    assert event.data == {"born_on": "2026-05-02"}


@pytest.fixture
def cases_of_every_kind(
    submit, procedure, rejecting_procedure, silent_procedure, agent_1, citizen_a
):
    """Cases due for a decision, and cases the clock must leave alone."""
    accepted_by_silence = submit(procedure)

    def taken(case):  # none of these is the next case of the queue
        take_if_unheld(case, by=agent_1.user)
        return case

    in_review = services.case_start_review(case=taken(submit(rejecting_procedure)), by=agent_1.user)
    awaiting = services.case_request_information(
        case=taken(submit(procedure)), by=agent_1.user, reason="Pièce", due_on=date("2026-03-20")
    )
    decided = services.case_accept(case=taken(submit(procedure)), by=agent_1.user)
    withdrawn = services.case_withdraw(case=submit(procedure), by=citizen_a.user)
    no_silence_rule = submit(silent_procedure)
    draft = CaseFactory(procedure=procedure)
    return {
        "accepted_by_silence": accepted_by_silence,
        "in_review": in_review,
        "awaiting": awaiting,
        "decided": decided,
        "withdrawn": withdrawn,
        "no_silence_rule": no_silence_rule,
        "draft": draft,
    }


def states(cases: dict) -> dict:
    for case in cases.values():
        case.refresh_from_db()
    return {name: case.state for name, case in cases.items()}


def test_due_decisions_are_applied_per_case_rule_and_other_cases_left_alone(cases_of_every_kind):
    applied = services.apply_due_implicit_decisions(today=DAY_AFTER)

    assert applied == 2
    assert states(cases_of_every_kind) == {
        "accepted_by_silence": CaseState.IMPLICIT_ACCEPTANCE,
        "in_review": CaseState.IMPLICIT_REJECTION,
        "awaiting": CaseState.AWAITING_CITIZEN,
        "decided": CaseState.ACCEPTED,
        "withdrawn": CaseState.WITHDRAWN,
        "no_silence_rule": CaseState.SUBMITTED,
        "draft": CaseState.DRAFT,
    }


def test_nothing_is_applied_on_the_due_date_itself(cases_of_every_kind):
    assert services.apply_due_implicit_decisions(today=DUE_ON) == 0
    assert Decision.objects.filter(is_implicit=True).count() == 0


def test_applying_due_decisions_twice_records_them_once(cases_of_every_kind):
    services.apply_due_implicit_decisions(today=DAY_AFTER)

    assert services.apply_due_implicit_decisions(today=DAY_AFTER) == 0
    assert Decision.objects.filter(is_implicit=True).count() == 2
    assert cases_of_every_kind["accepted_by_silence"].events.count() == 2


def test_the_periodic_task_applies_every_due_decision_in_batches(
    submit, procedure, time_machine, monkeypatch
):
    cases = [submit(procedure) for _ in range(3)]
    time_machine.move_to(datetime.datetime(2026, 5, 3, 8, 0, tzinfo=datetime.UTC), tick=False)
    batches = []
    real = services.apply_due_implicit_decisions

    def in_batches_of_two(**kwargs):
        batches.append(real(limit=2))
        return batches[-1]

    monkeypatch.setattr("parcours.cases.tasks.apply_due_implicit_decisions", in_batches_of_two)

    assert apply_implicit_decisions.call() == 3
    assert batches == [2, 1, 0]
    assert set(states(dict(enumerate(cases))).values()) == {CaseState.IMPLICIT_ACCEPTANCE}


def test_the_periodic_task_runs_from_the_queue(submit, procedure, time_machine):
    case = submit(procedure)
    time_machine.move_to(datetime.datetime(2026, 5, 2, 21, 0, tzinfo=datetime.UTC), tick=False)
    # 23:00 in Paris on the due date: still the administration's day.
    assert apply_implicit_decisions.enqueue().return_value == 0
    time_machine.move_to(datetime.datetime(2026, 5, 2, 22, 30, tzinfo=datetime.UTC), tick=False)

    result = apply_implicit_decisions.enqueue()

    assert result.return_value == 1
    case.refresh_from_db()
    assert case.state == CaseState.IMPLICIT_ACCEPTANCE


def test_a_case_answered_late_by_the_citizen_gets_its_decision_once_the_moved_date_passes(
    submit, procedure, agent_1, citizen_a
):
    case = services.case_request_information(
        case=submit(procedure),
        by=agent_1.user,
        reason="Pièce",
        due_on=date("2026-03-20"),
        today=date("2026-03-10"),
    )
    case = services.case_resume_review(case=case, by=citizen_a.user, today=date("2026-03-15"))
    assert case.decision_due_on == date("2026-05-07")

    assert services.apply_due_implicit_decisions(today=date("2026-05-07")) == 0
    assert services.apply_due_implicit_decisions(today=date("2026-05-08")) == 1


@pytest.mark.parametrize(
    ("procedure_fixture", "decide"),
    [
        ("procedure", lambda case, agent: services.case_accept(case=case, by=agent)),
        (
            "procedure",
            lambda case, agent: services.case_reject(case=case, by=agent, reasons="Hors délai."),
        ),
        (
            "procedure",
            lambda case, agent: services.case_apply_implicit_decision(case=case, today=DAY_AFTER),
        ),
        (
            "rejecting_procedure",
            lambda case, agent: services.case_apply_implicit_decision(case=case, today=DAY_AFTER),
        ),
    ],
    ids=["accepted", "rejected", "implicit_acceptance", "implicit_rejection"],
)
def test_reopening_on_appeal_gives_a_new_deadline_ending_in_implicit_rejection(
    submit, request, agent_1, procedure_fixture, decide
):
    case = decide(submit(request.getfixturevalue(procedure_fixture)), agent_1.user)

    case = services.case_reopen(
        case=case, by=agent_1.user, reason="Recours gracieux", today=date("2026-06-10")
    )

    assert case.state == CaseState.IN_REVIEW
    assert case.is_appeal
    assert case.decided_at is None
    assert case.implicit_decision == ImplicitDecision.REJECTION
    assert case.decision_due_on == date("2026-08-10")
    assert case.events.last().data == {"decision_due_on": "2026-08-10"}
    assert services.apply_due_implicit_decisions(today=date("2026-08-10")) == 0
    assert services.apply_due_implicit_decisions(today=date("2026-08-11")) == 1
    case.refresh_from_db()
    assert case.state == CaseState.IMPLICIT_REJECTION
    assert case.decisions.first().decided_on == date("2026-08-10")


def test_one_inconsistent_case_does_not_hold_back_the_others(
    submit, procedure, time_machine, monkeypatch, caplog
):
    first, second = submit(procedure), submit(procedure)
    time_machine.move_to(datetime.datetime(2026, 5, 3, 8, 0, tzinfo=datetime.UTC), tick=False)
    real = services.case_apply_implicit_decision

    def broken_for_the_first(*, case, today):
        if case.pk == first.pk:
            raise CaseError("incohérent")
        return real(case=case, today=today)

    monkeypatch.setattr(services, "case_apply_implicit_decision", broken_for_the_first)

    assert services.apply_due_implicit_decisions() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == CaseState.SUBMITTED
    assert second.state == CaseState.IMPLICIT_ACCEPTANCE
    assert f"case {first.pk}" in caplog.text
