"""The demo's story and catalogue hold together, without touching the database."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from parcours.catalog import form_definition
from parcours.catalog.enums import FieldType, ImplicitDecision
from parcours.demo import story
from parcours.demo.answers import ANSWERS, AnswerContext, draft_answers
from parcours.demo.catalogue import PROCEDURES, procedure_specs
from parcours.demo.timeline import DemoRandom

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.code)
def test_every_form_definition_is_valid(procedure):
    form_definition.validate_definition(procedure.definition)


def test_the_catalogue_has_the_promised_procedures():
    by_code = {p.code: p for p in PROCEDURES}

    assert len(by_code) == len(PROCEDURES) >= 8
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in by_code)
    assert {"SCO", "STA", "AID", "SIG", "ACC", "ELE", "LOG", "REC"} <= set(by_code)
    assert by_code["SCO"].implicit_decision == ImplicitDecision.ACCEPTANCE
    assert by_code["AID"].implicit_decision == ImplicitDecision.REJECTION
    assert by_code["AID"].grants_a_right
    assert by_code["SIG"].is_geolocated
    assert by_code["SIG"].implicit_decision == ImplicitDecision.NONE
    assert by_code["ACC"].implicit_decision == ImplicitDecision.REJECTION
    assert by_code["REC"].implicit_decision == ImplicitDecision.REJECTION


def test_the_catalogue_uses_conditional_fields_choices_and_documents():
    fields = [f for p in PROCEDURES for f in p.fields]

    assert any("show_if" in f for f in fields)
    assert any(f["type"] == FieldType.MULTIPLE_CHOICE for f in fields)
    assert all(p.documents for p in PROCEDURES)
    assert all(d["code"] and d["label"] for p in PROCEDURES for d in p.documents)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.code)
def test_generated_answers_are_already_clean(procedure):
    rng = DemoRandom(7)
    definition = procedure.definition
    for n in range(200):
        context = AnswerContext(
            "Alice",
            "Durand",
            "06 39 98 12 34" if n % 2 else "",
            "Tours",
            datetime.date(2026, 5, 1),
            47.85,
            2.04,
            birth_date=datetime.date(1985, 3, 2),
            email="alice.durand@example.test" if n % 3 else "",
            street="" if n % 5 else "14 rue des Tilleuls",
            postcode="45510",
            city="Bellerive-sur-Loire",
        )
        answers = ANSWERS[procedure.code](rng, context)

        assert form_definition.clean_answers(definition, answers) == answers
        draft = draft_answers(rng, answers)
        assert set(draft) <= set(answers)


def test_extra_organisations_get_their_own_unique_codes_and_slugs():
    organisations = story.organisation_specs(40)
    procedures = procedure_specs(organisations)

    assert len({o.slug for o in organisations}) == 40
    assert len({p.code for p in procedures}) == len(procedures)
    assert len({p.slug for p in procedures}) == len(procedures)
    assert all(re.fullmatch(r"[A-Z]{3}", p.code) for p in procedures)


def test_fewer_than_the_story_organisations_is_refused():
    with pytest.raises(ValueError, match="organisations"):
        story.organisation_specs(2)


def test_scripted_cases_name_known_people_procedures_and_agents():
    codes = {p.code for p in PROCEDURES}
    citizens = {c.email for c in story.CITIZEN_LOGINS}
    agents = {a.email for a in story.AGENT_LOGINS}

    for case in story.SCRIPTED_CASES:
        assert case.procedure in codes
        assert case.citizen in citizens
        assert not case.referent or case.referent in agents
        definition = {p.code: p for p in PROCEDURES}[case.procedure].definition
        names = {f["name"] for f in definition["fields"]}
        assert {name for name, _value in case.answers} <= names


def test_an_invalid_definition_would_be_caught():
    with pytest.raises(ValidationError):
        form_definition.validate_definition({"fields": [{"name": "X", "type": "nope"}]})


def test_identifiers_fit_their_columns_for_many_organisations():
    organisations = story.organisation_specs(60)
    procedures = procedure_specs(organisations)

    assert max(len(o.slug) for o in organisations) <= 50
    assert max(len(p.slug) for p in procedures) <= 50
    assert max(len(u.email) for o in organisations for u in o.units) <= 254
