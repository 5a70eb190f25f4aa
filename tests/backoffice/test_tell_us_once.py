"""The agent's case page says which answers were taken from what the administration
already held, and from where; and the history says a piece was reused with consent."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services
from tests.cases.tell_us_once import ANSWERS, earlier_request, procedure_asking_again

pytestmark = pytest.mark.sqlite


@pytest.fixture
def procedure(unit_1):
    return procedure_asking_again(unit_1)


def test_the_agent_reads_where_each_answer_taken_came_from(as_agent, agent_1, citizen_a, procedure):
    citizen_a.identity_certified = True
    citizen_a.birth_date = datetime.date(1986, 4, 12)
    citizen_a.save()
    earlier, given = earlier_request(person=citizen_a, procedure=procedure)
    draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"reason": "Oui"}
    )
    draft = services.case_update_draft(
        case=draft, by=citizen_a.user, form_data={"phone": "07 00 00 00 01"}
    )
    services.document_reuse(case=draft, source=given, by=citizen_a.user)
    case = services.case_submit(case=draft, by=citizen_a.user)

    response = as_agent(agent_1).get(reverse("backoffice:case", args=[case.reference]))

    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert page.count("Repris de l&#x27;identité certifiée par FranceConnect") == 3
    assert page.count("Repris du profil de l&#x27;usager") == 1  # the city, not the phone
    assert "07 00 00 00 01" in page
    assert f"pour le dossier n° {earlier.reference}, reprise avec l&#x27;accord" in page


def test_answers_typed_by_the_person_say_nothing_of_an_origin(
    as_agent, agent_1, citizen_a, procedure
):
    case, _document = earlier_request(
        person=citizen_a, procedure=procedure, answers={**ANSWERS, "city": "Orléans"}
    )

    page = as_agent(agent_1).get(reverse("backoffice:case", args=[case.reference])).text

    assert "Orléans" in page
    assert "Repris du profil" not in page.split("Orléans", 1)[1].split("</dd>", 1)[0]
