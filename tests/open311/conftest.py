"""The Open311 cast: the town's street-report procedure (the demo's form), a key of
its administrator, and a client that speaks GeoReport v2."""

import pytest
from django.core.cache import cache

from parcours.catalog.enums import ImplicitDecision
from parcours.demo.catalogue import PROCEDURES
from parcours.open311.services import open311_key_create
from parcours.organisations.enums import AgentRole
from tests.factories import AgentFactory, ProcedureFactory

STREET_REPORT = next(spec for spec in PROCEDURES if spec.code == "SIG")
BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Requests are counted in the cache (rate limit)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def street_report(unit_2):
    return ProcedureFactory(
        handling_unit=unit_2,
        code="SIG",
        slug="signalement-voie-publique",
        title="Signalement sur la voie publique",
        summary="Un nid-de-poule, un lampadaire éteint : dites-le nous.",
        what_happens_next="Le service Voirie examine le signalement et planifie l'intervention.",
        life_situations=["neighbourhood"],
        is_geolocated=True,
        implicit_decision=ImplicitDecision.NONE,
        version=STREET_REPORT.definition,
    )


@pytest.fixture
def administrator(unit_1, unit_2):
    admin = AgentFactory(unit=unit_1, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")
    admin.units.clear()
    return admin


@pytest.fixture
def key(administrator):
    _record, raw = open311_key_create(by=administrator, name="Appli Ma rue")
    return raw


def report(key: str | None = None, **extra) -> dict:
    """The arguments of a valid report of the street-report service."""
    data = {
        "service_code": "SIG",
        "lat": "47.8591",
        "long": "2.0457",
        "address_string": "Devant le 12 rue des Tanneurs",
        "description": "Le lampadaire ne s'allume plus.",
        "attribute[category]": "lighting",
    }
    if key is not None:
        data["api_key"] = key
    data.update(extra)
    return {name: value for name, value in data.items() if value is not None}
