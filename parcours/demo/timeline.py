"""The life of a demo case: which transitions it went through, and when.

``plan`` picks believable dates for a path through the life cycle; ``replay`` then
walks those steps with the same rules as ``parcours.cases.services`` (the transition
table of ``lifecycle.RULES``, the legal clock of ``clock``), and returns every field,
event and decision the services would have written. So a demo case is consistent by
construction, and an impossible path fails loudly instead of producing odd data.
"""

import bisect
import datetime
import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from random import Random
from typing import Protocol
from zoneinfo import ZoneInfo

from parcours.cases import clock
from parcours.cases.enums import CaseState, DecisionOutcome, Transition
from parcours.cases.lifecycle import RULES, Actor, rule_for
from parcours.catalog.enums import DelayUnit, ImplicitDecision
from parcours.lib.working_days import next_working_day

PARIS = ZoneInfo("Europe/Paris")
DAY = datetime.timedelta(days=1)
S, T = CaseState, Transition

# A reopened case is a case in review again, after an appeal.
APPEAL = "appeal"


class DemoRandom(Random):
    """A seeded generator with cheaper ``randint`` and ``choice`` (the standard ones
    reject-sample with getrandbits; a million cases call them tens of millions of times)."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


# lifecycle.RULES indexed by (transition, state it leaves): the same table, looked up faster.
_RULE_FROM = {(name, source): rule for name, rule in RULES.items() for source in rule.sources}


@lru_cache(maxsize=65536)
def due_on(received_on: datetime.date, delay: int, unit: str, subdivision: str) -> datetime.date:
    return clock.decision_due_on(received_on, delay=delay, unit=unit, subdivision=subdivision)


@lru_cache(maxsize=65536)
def appeal_deadline(day: datetime.date, subdivision: str) -> datetime.date:
    return clock.appeal_deadline(day, subdivision)


@lru_cache(maxsize=65536)
def citizen_deadline(day: datetime.date, subdivision: str) -> datetime.date:
    return clock.citizen_deadline(day, subdivision)


@lru_cache(maxsize=4096)
def working_day(day: datetime.date) -> datetime.date:
    return next_working_day(day)


@lru_cache(maxsize=4096)
def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=PARIS)


@dataclass(frozen=True, slots=True)
class Rule:
    """What the life cycle needs to know about a procedure."""

    implicit_decision: str
    decision_delay: int
    decision_delay_unit: str
    grants_a_right: bool
    subdivision: str = ""

    def due_on(self, received_on: datetime.date) -> datetime.date | None:
        if self.implicit_decision == ImplicitDecision.NONE:
            return None
        return due_on(received_on, self.decision_delay, self.decision_delay_unit, self.subdivision)


@dataclass(slots=True)
class Step:
    transition: str
    at: datetime.datetime
    reason: str = ""
    citizen_days: int = 0  # request_information: days given to the citizen


@dataclass(slots=True)
class Event:
    transition: str
    from_state: str
    to_state: str
    at: datetime.datetime
    actor: Actor
    reason: str
    data: dict


@dataclass(slots=True)
class DecisionRecord:
    outcome: str
    is_implicit: bool
    reasons: str
    decided_on: datetime.date
    appeal_deadline: datetime.date
    at: datetime.datetime


@dataclass(slots=True)
class Replay:
    state: str = S.DRAFT
    submitted_at: datetime.datetime | None = None
    received_on: datetime.date | None = None
    implicit_decision: str = ""
    decision_due_on: datetime.date | None = None
    receipt_due_on: datetime.date | None = None
    clock_suspended_on: datetime.date | None = None
    suspended_days: int = 0
    citizen_due_on: datetime.date | None = None
    decided_at: datetime.datetime | None = None
    is_appeal: bool = False
    needs_referent: bool = False
    events: list[Event] = field(default_factory=list)
    decisions: list[DecisionRecord] = field(default_factory=list)


IMPLICIT_STATE = {
    ImplicitDecision.ACCEPTANCE: S.IMPLICIT_ACCEPTANCE,
    ImplicitDecision.REJECTION: S.IMPLICIT_REJECTION,
}
# The states that ``apply_due_implicit_decisions`` turns into implicit decisions.
CLOCK_RUNNING = frozenset({S.SUBMITTED, S.IN_REVIEW})

_OUTCOMES = {
    T.ACCEPT: DecisionOutcome.ACCEPTED,
    T.REJECT: DecisionOutcome.REJECTED,
    T.CLOSE_WITHOUT_ACTION: DecisionOutcome.CLOSED_WITHOUT_ACTION,
}


def replay(rule: Rule, steps: list[Step]) -> Replay:
    """Apply the steps as the services would; raise ValueError on anything they refuse."""
    case = Replay()
    previous = None
    for step in steps:
        transition = step.transition
        lifecycle_rule = _RULE_FROM.get((transition, case.state))
        if lifecycle_rule is None:
            rule_for(transition, case.state)  # raises IllegalTransition, with its message
        if lifecycle_rule.reason_required and not step.reason.strip():
            raise ValueError(f"{transition} needs a reason.")
        if previous is not None and step.at < previous:
            raise ValueError(f"{transition} happens before the previous step.")
        previous = step.at
        at = step.at
        day = (at if at.tzinfo is PARIS else at.astimezone(PARIS)).date()
        if (
            case.state in CLOCK_RUNNING
            and case.decision_due_on is not None
            and day > case.decision_due_on
            and transition not in (T.IMPLICIT_ACCEPTANCE, T.IMPLICIT_REJECTION)
        ):
            # The implicit decision task would have decided this case the night before.
            raise ValueError(f"{transition} after the implicit decision was born.")
        data: dict = {}
        if transition == T.SUBMIT:
            case.submitted_at = step.at
            case.received_on = day
            case.implicit_decision = rule.implicit_decision
            case.decision_due_on = case.receipt_due_on = rule.due_on(day)
        elif transition == T.REQUEST_INFORMATION:
            if step.citizen_days < 1:
                raise ValueError("The citizen's deadline must be after the request.")
            case.citizen_due_on = citizen_deadline(
                day + datetime.timedelta(days=step.citizen_days), rule.subdivision
            )
            suspends = not rule.grants_a_right and case.decision_due_on is not None
            if suspends:
                case.clock_suspended_on = day
            data = {"due_on": case.citizen_due_on.isoformat(), "clock_suspended": suspends}
        elif transition == T.RESUME_REVIEW:
            if case.clock_suspended_on is not None:
                case.decision_due_on, days = clock.resumed_due_on(
                    case.decision_due_on, suspended_on=case.clock_suspended_on, resumed_on=day
                )
                case.suspended_days += days
                case.clock_suspended_on = None
                data = {
                    "suspended_days": days,
                    "decision_due_on": case.decision_due_on.isoformat(),
                }
            case.citizen_due_on = None
        elif transition in _OUTCOMES:
            case.decisions.append(
                DecisionRecord(
                    outcome=_OUTCOMES[transition],
                    is_implicit=False,
                    reasons=step.reason.strip(),
                    decided_on=day,
                    appeal_deadline=appeal_deadline(day, rule.subdivision),
                    at=step.at,
                )
            )
            case.decided_at = step.at
            case.clock_suspended_on = None
            case.citizen_due_on = None
        elif transition == T.WITHDRAW:
            case.clock_suspended_on = None
            case.citizen_due_on = None
        elif transition in (T.IMPLICIT_ACCEPTANCE, T.IMPLICIT_REJECTION):
            expected = (
                T.IMPLICIT_ACCEPTANCE
                if case.implicit_decision == ImplicitDecision.ACCEPTANCE
                else T.IMPLICIT_REJECTION
                if case.implicit_decision == ImplicitDecision.REJECTION
                else None
            )
            if transition != expected:
                raise ValueError(f"{transition} does not match the procedure's rule.")
            if not clock.is_implicit_decision_due(case.decision_due_on, day):
                raise ValueError("The implicit decision is not due yet.")
            born_on = case.decision_due_on
            case.decisions.append(
                DecisionRecord(
                    outcome=DecisionOutcome.ACCEPTED
                    if transition == T.IMPLICIT_ACCEPTANCE
                    else DecisionOutcome.REJECTED,
                    is_implicit=True,
                    reasons="",
                    decided_on=born_on,
                    appeal_deadline=appeal_deadline(born_on, rule.subdivision),
                    at=step.at,
                )
            )
            case.decided_at = step.at
            data = {"born_on": born_on.isoformat()}
        elif transition == T.REOPEN:
            case.is_appeal = True
            case.decided_at = None
            case.implicit_decision = ImplicitDecision.REJECTION
            case.decision_due_on = clock.decision_due_on(
                day, delay=clock.APPEAL_DELAY_MONTHS, unit=DelayUnit.MONTHS
            )
            case.clock_suspended_on = None
            data = {"decision_due_on": case.decision_due_on.isoformat()}
        if lifecycle_rule.actor == Actor.AGENT:
            case.needs_referent = True
        case.events.append(
            Event(
                transition=transition,
                from_state=case.state,
                to_state=lifecycle_rule.target,
                at=step.at,
                actor=lifecycle_rule.actor,
                reason=step.reason.strip(),
                data=data,
            )
        )
        case.state = lifecycle_rule.target
    return case


# ---------------------------------------------------------------------------
# Choosing a state and planning the steps


def choose_state(
    rng: Random,
    *,
    age: int,
    usual_days: int,
    implicit_decision: str,
    outcomes: tuple[int, int, int, int],
) -> str:
    """A state that is believable for a case received ``age`` days ago.

    Young cases are mostly open; old ones mostly decided. Open cases past their due
    date are rare but present, so the implicit-decision task has work on the demo.
    """
    states, cumulative = _state_weights(age, usual_days, implicit_decision, outcomes)
    return states[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


@lru_cache(maxsize=16384)
def _state_weights(
    age: int, usual_days: int, implicit_decision: str, outcomes: tuple[int, int, int, int]
) -> tuple[tuple[str, ...], list[float]]:
    accepted, rejected, closed, withdrawn = outcomes
    total = accepted + rejected + closed + withdrawn
    has_implicit = implicit_decision != ImplicitDecision.NONE
    progress = age / max(usual_days, 1)
    weights: list[tuple[str, float]]
    if progress < 1:
        open_share = 0.9 - 0.7 * progress
        submitted = open_share * (0.45 * (1 - progress) + 0.05)
        awaiting = open_share * 0.22
        decided = 1 - open_share
        weights = [
            (S.SUBMITTED, submitted),
            (S.AWAITING_CITIZEN, awaiting),
            (S.IN_REVIEW, open_share - submitted - awaiting),
        ]
    else:
        implicit = 0.07 if has_implicit else 0.0
        overdue = 0.004 if has_implicit else 0.006
        awaiting = 0.02 if age <= usual_days + 45 else 0.002
        appeal = 0.025 if age <= usual_days + 60 else 0.0
        weights = [
            (S.SUBMITTED, overdue),
            (S.IN_REVIEW, overdue * 2),
            (S.AWAITING_CITIZEN, awaiting),
            (APPEAL, appeal),
        ]
        if implicit_decision in IMPLICIT_STATE:
            weights.append((IMPLICIT_STATE[implicit_decision], implicit))
        decided = 1 - sum(w for _, w in weights)
    weights += [
        (S.ACCEPTED, decided * accepted / total),
        (S.REJECTED, decided * rejected / total),
        (S.CLOSED_WITHOUT_ACTION, decided * closed / total),
        (S.WITHDRAWN, decided * withdrawn / total),
    ]
    weights = [(state, weight) for state, weight in weights if weight > 0]
    return tuple(state for state, _ in weights), list(itertools.accumulate(w for _, w in weights))


AGENT_STEPS = frozenset(
    {
        T.START_REVIEW,
        T.REQUEST_INFORMATION,
        T.ACCEPT,
        T.REJECT,
        T.CLOSE_WITHOUT_ACTION,
        T.REOPEN,
    }
)

# Paths to each state after submission, with their relative frequency.
PATHS: dict[str, list[tuple[tuple[str, ...], int]]] = {
    S.SUBMITTED: [((), 1)],
    S.IN_REVIEW: [
        ((T.START_REVIEW,), 6),
        ((T.START_REVIEW, T.REQUEST_INFORMATION, T.RESUME_REVIEW), 3),
        ((T.REQUEST_INFORMATION, T.RESUME_REVIEW), 1),
    ],
    S.AWAITING_CITIZEN: [
        ((T.START_REVIEW, T.REQUEST_INFORMATION), 4),
        ((T.REQUEST_INFORMATION,), 2),
        ((T.START_REVIEW, T.REQUEST_INFORMATION, T.RESUME_REVIEW, T.REQUEST_INFORMATION), 1),
    ],
    S.ACCEPTED: [
        ((T.START_REVIEW, T.ACCEPT), 6),
        ((T.START_REVIEW, T.REQUEST_INFORMATION, T.RESUME_REVIEW, T.ACCEPT), 3),
        ((T.ACCEPT,), 1),
    ],
    S.REJECTED: [
        ((T.START_REVIEW, T.REJECT), 5),
        ((T.START_REVIEW, T.REQUEST_INFORMATION, T.RESUME_REVIEW, T.REJECT), 3),
    ],
    S.CLOSED_WITHOUT_ACTION: [((T.START_REVIEW, T.CLOSE_WITHOUT_ACTION), 1)],
    S.WITHDRAWN: [
        ((T.START_REVIEW, T.WITHDRAW), 4),
        ((T.START_REVIEW, T.REQUEST_INFORMATION, T.WITHDRAW), 2),
    ],
}

# Typical number of days between a step and the one before it. A citizen answers a
# request before the date they were given (15 days at least).
GAPS = {
    T.START_REVIEW: (0, 6),
    T.REQUEST_INFORMATION: (0, 6),
    T.RESUME_REVIEW: (1, 12),
    T.ACCEPT: (1, 12),
    T.REJECT: (1, 12),
    T.CLOSE_WITHOUT_ACTION: (1, 10),
    T.WITHDRAW: (1, 15),
}


def _weighted(rng: Random, options: list[tuple[tuple[str, ...], int]]) -> tuple[str, ...]:
    pick = rng.random() * sum(w for _, w in options)
    for value, weight in options:
        pick -= weight
        if pick < 0:
            return value
    return options[-1][0]


def moment(
    rng: Random,
    day: datetime.date,
    *,
    after: datetime.datetime,
    now: datetime.datetime,
    office: bool,
) -> datetime.datetime:
    """A time on ``day``, after ``after`` and not after ``now``: office hours for agents."""
    midnight = local_midnight(day)
    start = midnight + datetime.timedelta(hours=8.5 if office else 7)
    end = midnight + datetime.timedelta(hours=17.5 if office else 22)
    low, high = max(start, after + datetime.timedelta(minutes=1)), min(end, now)
    if low >= high:
        low, high = after + datetime.timedelta(seconds=1), min(midnight + DAY, now)
        if low >= high:
            return max(after, min(after + datetime.timedelta(seconds=1), now))
    return (low + (high - low) * rng.random()).replace(microsecond=0)


def _days(
    rng: Random,
    transitions: tuple[str, ...],
    *,
    start: datetime.date,
    bound: datetime.date,
) -> list[datetime.date] | None:
    """Days for the steps, in order, none after ``bound``; agents avoid weekends."""
    if bound < start:
        return None
    gaps = []
    for transition in transitions:
        gaps.append(rng.randint(*GAPS[transition]))
    total, room = sum(gaps), (bound - start).days
    if total > room:
        gaps = [gap * room // total for gap in gaps]
    days, day = [], start
    for transition, gap in zip(transitions, gaps, strict=True):
        day = min(day + datetime.timedelta(days=gap), bound)
        if transition in AGENT_STEPS and day.weekday() >= 5:
            monday = day + datetime.timedelta(days=7 - day.weekday())
            friday = day - datetime.timedelta(days=day.weekday() - 4)
            if monday <= bound:
                day = monday
            elif not days or friday >= days[-1]:
                day = max(friday, start)
        days.append(day)
    return days


def _next_weekday(day: datetime.date, bound: datetime.date) -> datetime.date:
    """The next day, skipping a weekend when the bound allows it."""
    day += DAY
    if day.weekday() >= 5:
        monday = day + datetime.timedelta(days=7 - day.weekday())
        if monday <= bound:
            return monday
    return day


class Reasons(Protocol):
    """Where ``plan`` takes the plain-French reasons of each step."""

    def request(self, rng: Random) -> str: ...
    def reject(self, rng: Random) -> str: ...
    def close(self, rng: Random) -> str: ...
    def close_no_answer(self) -> str: ...
    def accept(self, rng: Random) -> str: ...
    def withdraw(self, rng: Random) -> str: ...
    def reopen(self, rng: Random) -> str: ...


def plan(
    rng: Random,
    rule: Rule,
    *,
    state: str,
    submitted_at: datetime.datetime,
    today: datetime.date,
    now: datetime.datetime,
    reasons: Reasons,
) -> list[Step] | None:
    """Steps from submission to ``state``; None when the dates cannot fit (pick another state)."""
    received_on = (
        submitted_at if submitted_at.tzinfo is PARIS else submitted_at.astimezone(PARIS)
    ).date()
    due = rule.due_on(received_on)
    bound = min(due, today) if due is not None else today
    steps = [Step(T.SUBMIT, submitted_at)]
    tail: list[Step] = []

    if state in (S.IMPLICIT_ACCEPTANCE, S.IMPLICIT_REJECTION):
        if IMPLICIT_STATE.get(rule.implicit_decision) != state:
            return None
        transitions = (T.START_REVIEW,)
        born = local_midnight(due + DAY) + datetime.timedelta(minutes=rng.randint(2, 90))
        if born > now:
            return None
        implicit = T.IMPLICIT_ACCEPTANCE if state == S.IMPLICIT_ACCEPTANCE else T.IMPLICIT_REJECTION
        tail = [Step(implicit, born)]
    elif state == APPEAL:
        transitions = (T.START_REVIEW, T.REJECT)
        bound = min(bound, today - datetime.timedelta(days=3))
    elif (
        state == S.CLOSED_WITHOUT_ACTION
        and rng.random() < 0.6
        and received_on <= min(bound, today - datetime.timedelta(days=45))
    ):
        # No answer to a request for information: closed once the citizen's date has passed.
        transitions = (T.START_REVIEW, T.REQUEST_INFORMATION)
        bound = min(bound, today - datetime.timedelta(days=45))
    else:
        transitions = _weighted(rng, PATHS[state])
    citizen_days = [rng.choice((15, 15, 21, 30)) for t in transitions if t == T.REQUEST_INFORMATION]
    days = _days(rng, transitions, start=received_on, bound=bound)
    if days is None:
        return None
    after, requests = submitted_at, iter(citizen_days)
    for transition, planned in zip(transitions, days, strict=True):
        office = transition in AGENT_STEPS
        day = max(planned, after.date())
        if office and after.date() == day and after.hour >= 17 and day < bound:
            day = _next_weekday(day, bound)  # the office is closed by now: tomorrow
        step = Step(transition, moment(rng, day, after=after, now=now, office=office))
        if transition == T.REQUEST_INFORMATION:
            step.citizen_days = next(requests)
            step.reason = reasons.request(rng)
        elif transition == T.REJECT:
            step.reason = reasons.reject(rng)
        elif transition == T.CLOSE_WITHOUT_ACTION:
            step.reason = reasons.close(rng)
        elif transition == T.ACCEPT:
            step.reason = reasons.accept(rng)
        elif transition == T.WITHDRAW:
            step.reason = reasons.withdraw(rng)
        steps.append(step)
        after = step.at

    if state == APPEAL:
        rejected_on = days[-1]
        latest = min(today, appeal_deadline(rejected_on, rule.subdivision))
        earliest = rejected_on + datetime.timedelta(days=3)
        if earliest > latest:
            return None
        day = working_day(
            latest - datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
        )
        if day > today:
            day = latest
        tail = [
            Step(
                T.REOPEN,
                moment(rng, day, after=after, now=now, office=True),
                reason=reasons.reopen(rng),
            )
        ]
    elif state == S.CLOSED_WITHOUT_ACTION and transitions[-1] == T.REQUEST_INFORMATION:
        answer_by = citizen_deadline(
            days[-1] + datetime.timedelta(days=citizen_days[-1]), rule.subdivision
        )
        day = working_day(answer_by + datetime.timedelta(days=rng.randint(1, 10)))
        if day > today:
            return None
        tail = [
            Step(
                T.CLOSE_WITHOUT_ACTION,
                moment(rng, day, after=after, now=now, office=True),
                reason=reasons.close_no_answer(),
            )
        ]
    return steps + tail
