"""The demo's procedures are shareable files (parcours/demo/procedures/*.json): each one
follows the published JSON schema, imports into the studio as a draft, and is complete
enough to be published there, as any administration that takes it would do."""

import json
from pathlib import Path

import jsonschema_rs
import pytest

from parcours.demo.catalogue import PROCEDURES, PROCEDURES_DIR
from parcours.studio import exchange, services
from parcours.studio.selectors import draft_version
from tests.factories import AgentFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.sqlite

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(PROCEDURES_DIR.glob("*.json"))


def test_every_demo_procedure_has_its_file_and_every_file_is_used():
    assert FILES
    assert {p.file for p in PROCEDURES} == {path.stem for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_file_follows_the_published_schema(path):
    schema = json.loads((ROOT / "parcours/studio/procedure.schema.json").read_text())
    data = json.loads(path.read_text())
    errors = [str(e) for e in jsonschema_rs.validator_for(schema).iter_errors(data)]
    assert errors == []
    assert data["slug"] == path.stem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_file_imports_into_the_studio_and_can_be_published(path, db):
    organisation = OrganisationFactory()
    data = json.loads(path.read_text())
    unit = UnitFactory(organisation=organisation, slug=data["routing"]["default_unit"])
    admin = AgentFactory(unit=unit)
    procedure = exchange.import_procedure(
        organisation=organisation,
        by=admin.user,
        raw=path.read_bytes(),
        code="ZZZ",
        handling_unit=unit,
    )
    draft = draft_version(procedure)
    assert draft.form_definition == data["form"]
    assert exchange.export_version(draft)["legal"] == data["legal"]
    services.version_publish(version=draft, by=admin.user)
    procedure.refresh_from_db()
    assert procedure.is_published
    assert procedure.title == data["public"]["title"]
    assert procedure.handling_unit == unit
