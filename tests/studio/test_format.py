"""The documented file format: the example of docs/procedure-format.md imports as is,
and the JSON schema names the same values as the code."""

import json
import re
from pathlib import Path

import pytest

from parcours.catalog.enums import CommitmentKind, DelayUnit, FieldType, ImplicitDecision, Theme
from parcours.studio import exchange
from parcours.studio.content import MessageEvent
from parcours.studio.selectors import draft_version
from tests.factories import UnitFactory

ROOT = Path(__file__).resolve().parents[2]


def documented_example() -> str:
    text = (ROOT / "docs" / "procedure-format.md").read_text()
    section = text.split("## A complete file", 1)[1]
    return re.search(r"```json\n(.*?)```", section, re.S).group(1)


def test_the_documented_example_imports_into_a_draft(org_admin, unit_1):
    organisation = unit_1.organisation
    UnitFactory(organisation=organisation, slug="hameaux", name="Antenne des hameaux")
    procedure = exchange.import_procedure(
        organisation=organisation,
        by=org_admin.user,
        raw=documented_example(),
        code="CMP",
        handling_unit=unit_1,
    )
    draft = draft_version(procedure)
    assert [f["name"] for f in draft.form_definition["fields"]] == [
        "where",
        "hamlet",
        "photo",
        "people",
    ]
    assert exchange.export_version(draft)["routing"]["rules"] == [
        {"unit": "hameaux", "field": "where", "equals": "hameau"}
    ]
    assert not procedure.is_published


@pytest.mark.sqlite
def test_the_schema_names_the_values_the_code_accepts():
    schema = json.loads((ROOT / "parcours/studio/procedure.schema.json").read_text())
    props = schema["properties"]
    assert set(schema["$defs"]["field"]["properties"]["type"]["enum"]) == set(FieldType.values)
    assert set(props["legal"]["properties"]["implicit_decision"]["enum"]) == set(
        ImplicitDecision.values
    )
    assert set(props["legal"]["properties"]["decision_delay_unit"]["enum"]) == set(DelayUnit.values)
    assert set(props["public"]["properties"]["theme"]["enum"]) == {"", *Theme.values}
    assert set(props["commitments"]["items"]["properties"]["kind"]["enum"]) == set(
        CommitmentKind.values
    )
    assert set(props["messages"]["propertyNames"]["enum"]) == set(MessageEvent.values)
    assert set(props) == exchange.TOP_KEYS
