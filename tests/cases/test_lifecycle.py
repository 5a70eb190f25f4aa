"""Every transition of the life cycle, from every state, and who may trigger it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from parcours.cases import services
from parcours.cases.enums import CaseState, EventKind, Transition
from parcours.cases.errors import CaseError, IllegalTransition, NotAllowed
from parcours.cases.lifecycle import RULES, Actor
from parcours.cases.models import CaseEvent
from tests.factories import AgentFactory, UserFactory

from .helpers import REASONS, actor_for, perform, shortest_path, snapshot, take_if_unheld

ALLOWED = [
    (name, state) for name, rule in RULES.items() for state in CaseState if state in rule.sources
]
FORBIDDEN = [
    (name, state)
    for name, rule in RULES.items()
    for state in CaseState
    if state not in rule.sources
]
WITH_REASON = [name for name, rule in RULES.items() if rule.reason_required]
AGENT_TRANSITIONS = [name for name, rule in RULES.items() if rule.actor == Actor.AGENT]
CITIZEN_TRANSITIONS = [name for name, rule in RULES.items() if rule.actor == Actor.CITIZEN]
SYSTEM_TRANSITIONS = [name for name, rule in RULES.items() if rule.actor == Actor.SYSTEM]


def nearest_source(transition: Transition) -> CaseState:
    """The source state closest to a draft; ties go to the first state declared."""
    sources = [state for state in CaseState if state in RULES[transition].sources]
    return min(sources, key=lambda state: len(shortest_path(state)))


def procedure_for(transition, state, request):
    """A case can only reach an implicit rejection under a procedure whose silence rejects."""
    if state == CaseState.IMPLICIT_ACCEPTANCE:
        return request.getfixturevalue("procedure")
    if Transition.IMPLICIT_REJECTION in (transition, state):
        return request.getfixturevalue("rejecting_procedure")
    return request.getfixturevalue("procedure")


@pytest.fixture
def unit_1_agent(agent_1):
    return agent_1.user


@pytest.mark.sqlite
@pytest.mark.parametrize("state", [state for state in CaseState if state != CaseState.DRAFT])
def test_every_state_can_be_reached_from_a_draft(state):
    path = shortest_path(state)

    assert path[0] == Transition.SUBMIT
    assert RULES[path[-1]].target == state


@pytest.mark.sqlite
@pytest.mark.parametrize(("transition", "state"), ALLOWED)
def test_an_allowed_transition_moves_the_case_and_records_who_from_to_and_why(
    transition, state, case_in_state, citizen_a, unit_1_agent, request
):
    case = case_in_state(state, on=procedure_for(transition, state, request))
    by = actor_for(transition, citizen=citizen_a.user, agent=unit_1_agent)
    take_if_unheld(case, by=by)  # only the agent who holds a case acts on it
    events_before = set(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))

    perform(transition, case, by=by)

    case.refresh_from_db()
    assert case.state == RULES[transition].target
    new_events = CaseEvent.objects.filter(case=case).exclude(pk__in=events_before)
    assert len(new_events) == 1
    event = new_events.get()
    assert event.kind == EventKind.TRANSITION
    assert event.transition == transition
    assert event.from_state == state
    assert event.to_state == RULES[transition].target
    assert event.actor == by
    assert event.reason == REASONS.get(transition, "")
    assert event.visible_to_citizen


@pytest.mark.sqlite
@pytest.mark.parametrize(("transition", "state"), FORBIDDEN)
def test_a_forbidden_transition_is_refused_and_changes_nothing(
    transition, state, case_in_state, citizen_a, unit_1_agent, request
):
    case = case_in_state(state, on=procedure_for(transition, state, request))
    before = snapshot(case)
    by = actor_for(transition, citizen=citizen_a.user, agent=unit_1_agent)

    with pytest.raises(IllegalTransition) as error:
        perform(transition, case, by=by)

    assert error.value.message.startswith("Impossible de passer à l'étape « ")
    assert error.value.message.endswith(f"le dossier est « {CaseState(state).label} ».")
    assert snapshot(case) == before


@pytest.mark.sqlite
def test_the_refusal_names_the_step_and_the_state_in_plain_french(draft, unit_1_agent):
    with pytest.raises(IllegalTransition) as error:
        services.case_accept(case=draft, by=unit_1_agent)

    assert error.value.message == (
        "Impossible de passer à l'étape « Acceptation » : le dossier est « Brouillon »."
    )


@pytest.mark.sqlite
def test_a_draft_cannot_be_withdrawn_because_it_was_never_sent(draft, citizen_a):
    with pytest.raises(IllegalTransition):
        services.case_withdraw(case=draft, by=citizen_a.user)

    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


# ---------------------------------------------------------------------------
# Reasons


@pytest.mark.sqlite
@pytest.mark.parametrize("reason", ["", "   \n\t"])
@pytest.mark.parametrize("transition", WITH_REASON)
def test_a_step_that_needs_a_reason_is_refused_without_one(
    transition, reason, case_in_state, unit_1_agent, citizen_a
):
    case = case_in_state(nearest_source(transition))
    before = snapshot(case)

    with pytest.raises(CaseError) as error:
        perform(
            transition,
            case,
            by=actor_for(transition, citizen=citizen_a.user, agent=unit_1_agent),
            reason=reason,
        )

    assert error.value.field == "reason"
    assert error.value.errors == {"reason": ["Un motif est obligatoire pour cette étape."]}
    assert snapshot(case) == before


@pytest.mark.sqlite
def test_a_reason_is_stored_without_surrounding_blanks(case_in_state, unit_1_agent):
    case = case_in_state(CaseState.IN_REVIEW)

    services.case_reject(case=case, by=unit_1_agent, reasons="  Hors délai.  \n")

    assert case.events.last().reason == "Hors délai."
    assert case.decisions.get().reasons == "Hors délai."


@pytest.mark.sqlite
def test_a_reason_longer_than_the_limit_is_refused(case_in_state, unit_1_agent):
    case = case_in_state(CaseState.IN_REVIEW)
    before = snapshot(case)

    with pytest.raises(CaseError) as error:
        services.case_reject(
            case=case, by=unit_1_agent, reasons="x" * (services.REASON_MAX_LENGTH + 1)
        )

    assert error.value.field == "reason"
    assert "10000" in error.value.message
    assert snapshot(case) == before


@pytest.mark.sqlite
def test_a_reason_that_is_not_text_is_refused(case_in_state, unit_1_agent):
    case = case_in_state(CaseState.IN_REVIEW)

    with pytest.raises(CaseError) as error:
        services.case_reject(case=case, by=unit_1_agent, reasons=None)

    assert error.value.field == "reason"


# ---------------------------------------------------------------------------
# Who may act


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", [Transition.ACCEPT, Transition.REJECT])
def test_a_citizen_cannot_decide_their_own_case(transition, case_in_state, citizen_a):
    case = case_in_state(CaseState.IN_REVIEW)
    before = snapshot(case)

    with pytest.raises(NotAllowed):
        perform(transition, case, by=citizen_a.user)

    assert snapshot(case) == before


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", AGENT_TRANSITIONS)
def test_an_agent_of_another_unit_cannot_act_on_the_case(transition, case_in_state, agent_2):
    case = case_in_state(nearest_source(transition))
    before = snapshot(case)

    with pytest.raises(NotAllowed) as error:
        perform(transition, case, by=agent_2.user)

    assert error.value.message == "Seul un agent du service instructeur peut franchir cette étape."
    assert snapshot(case) == before


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", AGENT_TRANSITIONS)
def test_a_helper_of_the_unit_cannot_review_or_decide(transition, case_in_state, helper):
    case = case_in_state(nearest_source(transition))
    before = snapshot(case)

    with pytest.raises(NotAllowed):
        perform(transition, case, by=helper.user)

    assert snapshot(case) == before


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", AGENT_TRANSITIONS)
def test_an_inactive_agent_of_the_unit_cannot_act(transition, case_in_state, agent_1):
    case = case_in_state(nearest_source(transition))
    agent_1.is_active = False
    agent_1.save()

    with pytest.raises(NotAllowed):
        perform(transition, case, by=agent_1.user)


@pytest.mark.sqlite
def test_the_unit_manager_may_decide(case_in_state, manager):
    case = case_in_state(CaseState.IN_REVIEW)

    case = services.case_accept(case=case, by=manager.user)

    assert case.state == CaseState.ACCEPTED
    assert case.decisions.get().signer_title == "Responsable"


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", CITIZEN_TRANSITIONS)
def test_citizen_b_cannot_act_on_citizen_a_case(transition, case_in_state, citizen_b):
    case = case_in_state(nearest_source(transition))
    before = snapshot(case)

    with pytest.raises(NotAllowed) as error:
        perform(transition, case, by=citizen_b.user)

    assert error.value.message == "Vous n'avez pas le droit d'agir sur ce dossier."
    assert snapshot(case) == before


@pytest.mark.sqlite
@pytest.mark.parametrize("agent", ["agent_1", "agent_2"])
def test_an_agent_of_the_organisation_may_submit_for_the_citizen_at_the_counter(
    agent, draft, request
):
    someone = request.getfixturevalue(agent).user

    case = services.case_submit(case=draft, by=someone)

    assert case.state == CaseState.SUBMITTED
    assert case.events.get().actor == someone


@pytest.mark.sqlite
def test_a_helper_submits_for_the_citizen_only_under_their_mandate(draft, helper, citizen_a):
    """A helper (aidant) acts for a person under a mandate of theirs, never as an agent
    of the organisation (docs/helpers.md)."""
    before = snapshot(draft)
    with pytest.raises(NotAllowed, match="mandat"):
        services.case_submit(case=draft, by=helper.user)
    assert snapshot(draft) == before

    from tests.mandates.conftest import make_mandate

    make_mandate(helper, citizen_a, [draft.procedure])
    case = services.case_submit(case=draft, by=helper.user)
    assert case.state == CaseState.SUBMITTED


@pytest.mark.sqlite
def test_an_agent_of_another_organisation_cannot_submit_for_the_citizen(draft):
    stranger = AgentFactory()
    before = snapshot(draft)

    with pytest.raises(NotAllowed):
        services.case_submit(case=draft, by=stranger.user)

    assert snapshot(draft) == before


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", AGENT_TRANSITIONS + CITIZEN_TRANSITIONS)
@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_a_human_step_needs_someone_signed_in(transition, nobody, case_in_state):
    case = case_in_state(nearest_source(transition))

    with pytest.raises(NotAllowed):
        perform(transition, case, by=nobody)


@pytest.mark.sqlite
@pytest.mark.parametrize("transition", SYSTEM_TRANSITIONS)
@pytest.mark.parametrize("who", ["citizen_a", "agent_1", "manager"])
def test_a_system_step_refuses_a_human_actor(transition, who, case_in_state, request):
    # The services give no way to pass an actor to an implicit decision; the guard they
    # share refuses one all the same.
    case = case_in_state(CaseState.SUBMITTED)

    with pytest.raises(NotAllowed) as error:
        services._check(case, transition, by=request.getfixturevalue(who).user)

    assert "délai légal" in error.value.message


@pytest.mark.sqlite
def test_a_superuser_may_act_as_the_unit(case_in_state):
    case = case_in_state(CaseState.IN_REVIEW)
    admin = UserFactory(is_superuser=True, first_name="Ada", last_name="Admin")

    case = services.case_reject(case=case, by=admin, reasons="Hors délai.")

    assert case.state == CaseState.REJECTED
    assert case.decisions.get().signer_name == "Ada Admin"


@pytest.mark.sqlite
def test_starting_the_review_makes_the_agent_the_referent(case_in_state, agent_1):
    case = case_in_state(CaseState.SUBMITTED)

    case = services.case_start_review(case=case, by=agent_1.user)

    assert case.referent == agent_1


@pytest.mark.sqlite
def test_an_explicit_decision_is_signed_and_states_the_appeal_deadline(case_in_state, agent_1):
    case = case_in_state(CaseState.IN_REVIEW)

    case = services.case_reject(
        case=case, by=agent_1.user, reasons="Hors délai.", today=case.received_on
    )

    decision = case.decisions.get()
    assert decision.is_implicit is False
    assert decision.signed_by == agent_1
    assert decision.signer_name == "Claire Martin"
    assert decision.signer_title == "Instructeur"
    assert decision.decided_on == case.received_on
    assert decision.appeal_deadline is not None
    assert case.decided_at is not None
