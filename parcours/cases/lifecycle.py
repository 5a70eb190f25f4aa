"""The case life cycle as a table: each transition, the states it leaves from, where it goes,
who may trigger it and whether a reason is mandatory.

Only ``parcours.cases.services`` applies transitions; nothing else sets ``Case.state``.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from .enums import CaseState, Transition
from .errors import IllegalTransition


class Actor(StrEnum):
    CITIZEN = "citizen"  # the person, or an agent or helper acting for them
    AGENT = "agent"  # an agent of the case's unit
    SYSTEM = "system"  # the legal clock


@dataclass(frozen=True)
class TransitionRule:
    name: Transition
    sources: frozenset[CaseState]
    target: CaseState
    actor: Actor
    reason_required: bool = False


S = CaseState
DECIDED = frozenset(
    {S.ACCEPTED, S.REJECTED, S.CLOSED_WITHOUT_ACTION, S.IMPLICIT_ACCEPTANCE, S.IMPLICIT_REJECTION}
)
UNDECIDED = frozenset({S.SUBMITTED, S.IN_REVIEW, S.AWAITING_CITIZEN})
UNDER_REVIEW = frozenset({S.SUBMITTED, S.IN_REVIEW})

RULES: dict[Transition, TransitionRule] = {
    rule.name: rule
    for rule in [
        TransitionRule(Transition.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, Actor.CITIZEN),
        TransitionRule(Transition.START_REVIEW, frozenset({S.SUBMITTED}), S.IN_REVIEW, Actor.AGENT),
        TransitionRule(
            Transition.REQUEST_INFORMATION,
            UNDER_REVIEW,
            S.AWAITING_CITIZEN,
            Actor.AGENT,
            reason_required=True,
        ),
        TransitionRule(
            Transition.RESUME_REVIEW, frozenset({S.AWAITING_CITIZEN}), S.IN_REVIEW, Actor.CITIZEN
        ),
        TransitionRule(Transition.ACCEPT, UNDER_REVIEW, S.ACCEPTED, Actor.AGENT),
        TransitionRule(
            Transition.REJECT, UNDER_REVIEW, S.REJECTED, Actor.AGENT, reason_required=True
        ),
        TransitionRule(
            Transition.CLOSE_WITHOUT_ACTION,
            UNDECIDED,
            S.CLOSED_WITHOUT_ACTION,
            Actor.AGENT,
            reason_required=True,
        ),
        # A draft is not a request yet: there is nothing to withdraw (and a withdrawn case
        # must carry a reference, see Case.Meta.constraints).
        TransitionRule(Transition.WITHDRAW, UNDECIDED, S.WITHDRAWN, Actor.CITIZEN),
        TransitionRule(
            Transition.IMPLICIT_ACCEPTANCE, UNDER_REVIEW, S.IMPLICIT_ACCEPTANCE, Actor.SYSTEM
        ),
        TransitionRule(
            Transition.IMPLICIT_REJECTION, UNDER_REVIEW, S.IMPLICIT_REJECTION, Actor.SYSTEM
        ),
        TransitionRule(Transition.REOPEN, DECIDED, S.IN_REVIEW, Actor.AGENT, reason_required=True),
    ]
}


def rule_for(transition: Transition, state: str) -> TransitionRule:
    """The rule of ``transition`` if it may leave ``state``; IllegalTransition otherwise."""
    rule = RULES[Transition(transition)]
    if state not in rule.sources:
        raise IllegalTransition(
            _("Impossible de passer à l'étape « %(transition)s » : le dossier est « %(state)s ».")
            % {"transition": rule.name.label, "state": CaseState(state).label}
        )
    return rule


def transitions_from(state: str) -> list[Transition]:
    """The transitions that may leave a state, in table order."""
    return [name for name, rule in RULES.items() if state in rule.sources]
