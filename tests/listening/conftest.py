import pytest
from django.utils import timezone

from parcours.cases.enums import CaseState, EventKind, Transition
from parcours.cases.models import CaseEvent
from tests.factories import CaseFactory


@pytest.fixture
def decided_case(procedure, citizen_a):
    """A case of citizen A, accepted an hour ago."""
    case = CaseFactory(
        procedure=procedure,
        person=citizen_a,
        state=CaseState.ACCEPTED,
        reference="2026-SCO-000042",
        submitted_at=timezone.now(),
    )
    CaseEvent.objects.create(
        organisation=case.organisation,
        case=case,
        kind=EventKind.TRANSITION,
        transition=Transition.ACCEPT,
        from_state=CaseState.IN_REVIEW,
        to_state=CaseState.ACCEPTED,
    )
    return case


# The back office's cast (a manager of unit 2, an organisation administrator) and its
# empty cache between sign-ins.
from tests.backoffice.conftest import _empty_cache, manager_2, org_admin  # noqa: E402, F401
