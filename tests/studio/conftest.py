"""The studio's cast: the fixed cast, an organisation administrator of the first
organisation, and one of another organisation."""

import pytest

from parcours.organisations.enums import AgentRole
from tests.factories import AgentFactory, OrganisationFactory, UnitFactory


@pytest.fixture
def org_admin(unit_1):
    return AgentFactory(
        unit=unit_1,
        role=AgentRole.ORGANISATION_ADMIN,
        title="Directrice générale des services",
        user__email="admin@bellerive.example.org",
    )


@pytest.fixture
def other_org_admin(db):
    organisation = OrganisationFactory(name="Ville de Montrond", slug="montrond")
    unit = UnitFactory(organisation=organisation, name="Accueil", slug="accueil")
    return AgentFactory(unit=unit, role=AgentRole.ORGANISATION_ADMIN, title="Administrateur")
