import pytest

from parcours.cases import services
from parcours.cases.enums import CaseState


@pytest.mark.sqlite
def test_a_submitted_case_gets_a_reference_a_deadline_and_a_receipt(draft, citizen_a):
    case = services.case_submit(case=draft, by=citizen_a.user)

    assert case.state == CaseState.SUBMITTED
    assert case.reference.endswith("-SCO-000001")
    assert case.decision_due_on is not None
    assert case.receipt.received_on == case.received_on
