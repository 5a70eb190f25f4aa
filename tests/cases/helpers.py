"""Moving cases through the life cycle the way the application does: through the services."""

import datetime
from collections import deque

from django.utils import timezone

from parcours.cases import queue, services
from parcours.cases.enums import CaseState, Transition
from parcours.cases.lifecycle import RULES, Actor, transitions_from
from parcours.cases.models import Case, CaseEvent, Decision, Receipt, ReferenceCounter
from parcours.organisations.selectors import agent_for

REASONS = {
    Transition.REQUEST_INFORMATION: "Merci de joindre un justificatif de domicile.",
    Transition.REJECT: "Vous n'habitez pas la commune.",
    Transition.CLOSE_WITHOUT_ACTION: "Demande en double du dossier précédent.",
    Transition.REOPEN: "Recours gracieux reçu le 3 mars.",
}


def shortest_path(target: CaseState) -> list[Transition]:
    """The fewest transitions that lead from a draft to ``target``, read from the table."""
    paths: dict[str, list[Transition]] = {CaseState.DRAFT: []}
    queue = deque([CaseState.DRAFT])
    while queue:
        state = queue.popleft()
        for name in transitions_from(state):
            target_of = RULES[name].target
            if target_of not in paths:
                paths[target_of] = [*paths[state], name]
                queue.append(target_of)
    return paths[target]


def actor_for(transition: Transition, *, citizen, agent):
    """Who normally triggers a transition: the citizen, an agent of the unit, or the clock."""
    return {Actor.CITIZEN: citizen, Actor.AGENT: agent, Actor.SYSTEM: None}[RULES[transition].actor]


def perform(transition: Transition, case: Case, *, by, reason: str | None = None) -> Case:
    """Trigger ``transition`` through its service, with a reason when it needs one."""
    reason = REASONS.get(transition, "") if reason is None else reason
    today = timezone.localdate()
    match transition:
        case Transition.SUBMIT:
            return services.case_submit(case=case, by=by)
        case Transition.START_REVIEW:
            return services.case_start_review(case=case, by=by)
        case Transition.REQUEST_INFORMATION:
            return services.case_request_information(
                case=case, by=by, reason=reason, due_on=today + datetime.timedelta(days=30)
            )
        case Transition.RESUME_REVIEW:
            return services.case_resume_review(case=case, by=by, reason=reason)
        case Transition.ACCEPT:
            return services.case_accept(case=case, by=by, reasons=reason)
        case Transition.REJECT:
            return services.case_reject(case=case, by=by, reasons=reason)
        case Transition.CLOSE_WITHOUT_ACTION:
            return services.case_close_without_action(case=case, by=by, reason=reason)
        case Transition.WITHDRAW:
            return services.case_withdraw(case=case, by=by, reason=reason)
        case Transition.IMPLICIT_ACCEPTANCE | Transition.IMPLICIT_REJECTION:
            case.refresh_from_db()
            after_due = (case.decision_due_on or today) + datetime.timedelta(days=1)
            return services.case_apply_implicit_decision(case=case, today=after_due)
        case Transition.REOPEN:
            return services.case_reopen(case=case, by=by, reason=reason)
    raise AssertionError(f"No service for {transition}")


def walk_to(state: CaseState, case: Case, *, citizen, agent) -> Case:
    for transition in shortest_path(state):
        by = actor_for(transition, citizen=citizen, agent=agent)
        if RULES[transition].actor == Actor.AGENT:
            take_if_unheld(case, by=by)
        case = perform(transition, case, by=by)
    case.refresh_from_db()
    assert case.state == state
    return case


def take_if_unheld(case: Case, *, by) -> None:
    """Only the agent who holds a case acts on it: a test that walks a case which is
    not the next of its queue takes it first, with a reason, as an agent would."""
    case.refresh_from_db()
    if case.is_open and case.referent_id is None and agent_for(by) is not None:
        queue.case_take(case=case, by=by, reason="Dossier préparé pour le test.")


def snapshot(case: Case) -> dict:
    """Everything a failed service call must leave as it was."""
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "events": list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        "decisions": list(Decision.objects.filter(case=case).values_list("pk", flat=True)),
        "receipts": list(Receipt.objects.filter(case=case).values_list("pk", flat=True)),
        "counters": list(ReferenceCounter.objects.values_list("prefix", "year", "last_value")),
    }
