import pytest

from tests.factories import CaseFactory, ProcedureFactory

from .helpers import walk_to


@pytest.fixture
def rejecting_procedure(unit_1):
    """Silence means rejection (CRPA L231-4), e.g. a financial request."""
    return ProcedureFactory(
        handling_unit=unit_1, code="AID", title="Aide aux vacances", silence_rejects=True
    )


@pytest.fixture
def silent_procedure(unit_1):
    """No implicit decision at all, e.g. a report of a pothole."""
    return ProcedureFactory(
        handling_unit=unit_1, code="SIG", title="Signalement", no_implicit_decision=True
    )


@pytest.fixture
def right_procedure(unit_1):
    """The grant of a right: a missing piece does not stop the clock (CRPA L114-5-1)."""
    return ProcedureFactory(
        handling_unit=unit_1, code="RSA", title="Aide sociale", grant_of_right=True
    )


@pytest.fixture
def case_in_state(procedure, citizen_a, agent_1):
    """Build a case of citizen A in a given state by the shortest legal path."""

    def build(state, *, on=None):
        case = CaseFactory(procedure=on or procedure, person=citizen_a)
        return walk_to(state, case, citizen=citizen_a.user, agent=agent_1.user)

    return build
