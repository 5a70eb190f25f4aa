"""The life of a demo case follows the life-cycle table and the legal clock."""

import datetime

import pytest

from parcours.cases.enums import CaseState, Transition
from parcours.cases.errors import IllegalTransition
from parcours.cases.lifecycle import RULES
from parcours.catalog.enums import DelayUnit, ImplicitDecision
from parcours.demo.timeline import (
    APPEAL,
    IMPLICIT_STATE,
    PARIS,
    DemoRandom,
    Rule,
    Step,
    choose_state,
    plan,
    replay,
)

pytestmark = pytest.mark.sqlite

NOW = datetime.datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)
TODAY = NOW.date()
RULES_UNDER_TEST = {
    "acceptance in one month": Rule(ImplicitDecision.ACCEPTANCE, 1, DelayUnit.MONTHS, False),
    "rejection, grant of a right": Rule(ImplicitDecision.REJECTION, 2, DelayUnit.MONTHS, True),
    "five days": Rule(ImplicitDecision.ACCEPTANCE, 5, DelayUnit.DAYS, False),
    "no implicit decision": Rule(ImplicitDecision.NONE, 15, DelayUnit.DAYS, False),
}


class Reasons:
    def request(self, rng):
        return "Il manque une pièce."

    def reject(self, rng):
        return "Les conditions ne sont pas remplies."

    def close(self, rng):
        return "Demande en double."

    def close_no_answer(self):
        return "Pas de réponse."

    def accept(self, rng):
        return ""

    def withdraw(self, rng):
        return ""

    def reopen(self, rng):
        return "Recours gracieux."


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PARIS)


def test_replay_refuses_a_transition_the_table_does_not_allow():
    rule = RULES_UNDER_TEST["acceptance in one month"]
    steps = [
        Step(Transition.SUBMIT, at("2026-11-02")),
        Step(Transition.RESUME_REVIEW, at("2026-11-03")),
    ]

    with pytest.raises(IllegalTransition):
        replay(rule, steps)


def test_replay_refuses_a_decision_after_the_implicit_one_was_born():
    rule = RULES_UNDER_TEST["acceptance in one month"]
    steps = [Step(Transition.SUBMIT, at("2026-09-01")), Step(Transition.ACCEPT, at("2026-10-05"))]

    with pytest.raises(ValueError, match="implicit"):
        replay(rule, steps)


def test_replay_suspends_and_resumes_the_clock_like_the_services():
    rule = RULES_UNDER_TEST["acceptance in one month"]
    steps = [
        Step(Transition.SUBMIT, at("2026-10-01")),
        Step(Transition.REQUEST_INFORMATION, at("2026-10-05"), "Il manque une pièce.", 15),
        Step(Transition.RESUME_REVIEW, at("2026-10-12")),
    ]

    case = replay(rule, steps)

    assert case.state == CaseState.IN_REVIEW
    assert case.receipt_due_on == datetime.date(2026, 11, 1)
    assert case.decision_due_on == datetime.date(2026, 11, 8)
    assert case.suspended_days == 7
    assert case.clock_suspended_on is None
    assert case.events[1].data == {"due_on": "2026-10-20", "clock_suspended": True}


@pytest.mark.parametrize("rule_name", RULES_UNDER_TEST)
@pytest.mark.parametrize(
    "state",
    [*(s for s in CaseState if s != CaseState.DRAFT), APPEAL],
)
def test_planned_steps_replay_into_the_state_asked_for(rule_name, state):
    rule = RULES_UNDER_TEST[rule_name]
    rng = DemoRandom(hash((rule_name, state)) & 0xFFFF)
    produced = 0
    for days_ago in range(0, 420, 7):
        submitted_at = NOW - datetime.timedelta(days=days_ago, hours=3)
        steps = plan(
            rng,
            rule,
            state=state,
            submitted_at=submitted_at,
            today=TODAY,
            now=NOW,
            reasons=Reasons(),
        )
        if steps is None:
            continue
        case = replay(rule, steps)
        produced += 1
        expected = CaseState.IN_REVIEW if state == APPEAL else state
        assert case.state == expected
        assert all(e.at <= NOW for e in case.events)
        for event in case.events:
            assert event.from_state in RULES[event.transition].sources
            assert not RULES[event.transition].reason_required or event.reason
    implicit_impossible = state in IMPLICIT_STATE.values() and (
        IMPLICIT_STATE.get(rule.implicit_decision) != state
    )
    assert produced == 0 if implicit_impossible else produced > 0


def test_young_cases_are_never_decided_by_silence():
    rng = DemoRandom(1)
    states = {
        choose_state(
            rng,
            age=10,
            usual_days=61,
            implicit_decision=ImplicitDecision.ACCEPTANCE,
            outcomes=(80, 10, 5, 5),
        )
        for _ in range(2000)
    }

    assert CaseState.IMPLICIT_ACCEPTANCE not in states
    assert {CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.ACCEPTED} <= states
