"""The agent sees on the case page what the person corrected (right to make a mistake):
each answer before and after, and the person's explanation."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services
from tests.cases.test_corrections import ANSWERS, CANTEEN_FORM
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.sqlite


@pytest.fixture
def corrected(unit_1, citizen_a):
    procedure = ProcedureFactory(handling_unit=unit_1, code="CAN", version=CANTEEN_FORM)
    draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data=ANSWERS
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    services.case_correct(
        case=case,
        by=citizen_a.user,
        form_data={**ANSWERS, "school": "curie"},
        explanation="Je m'étais trompée d'école.",
    )
    return case


def test_the_agent_reads_each_correction_in_the_case_history(as_agent, agent_1, corrected):
    response = as_agent(agent_1).get(reverse("backoffice:case", args=[corrected.reference]))

    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert "Demande corrigée par l&#x27;usager" in page
    assert "École souhaitée : « École Jean-Jaurès » remplacé par « École Marie-Curie »" in page
    assert "Je m&#x27;étais trompée d&#x27;école." in page


def test_an_agent_of_another_unit_does_not_see_the_correction(as_agent, agent_2, corrected):
    response = as_agent(agent_2).get(reverse("backoffice:case", args=[corrected.reference]))

    # Asked for a reason first (another unit's case), the correction unseen.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("backoffice:case_access", args=[corrected.reference])
