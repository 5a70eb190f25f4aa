"""The fixed cast: two citizens, two agents of two units, a manager, a helper, a superuser.

Every view test that shows someone's data also tries someone else's.
"""

import pytest
from django.core.cache import cache
from django.db import connection

from parcours.lib import reference_cache
from parcours.organisations.enums import AgentRole

from .browser_support import launched_browser
from .factories import (
    AgentFactory,
    CaseFactory,
    OrganisationFactory,
    PersonFactory,
    ProcedureFactory,
    UnitFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the connections that threads of the
    live server or of concurrency tests may still hold, so the drop never fails."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def browser():
    """Debian's chromium through Playwright, for the browser tests (see browser_support)."""
    with launched_browser() as browser:
        yield browser


@pytest.fixture(autouse=True)
def _french_and_tmp_storage(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and lockouts count in the cache, reference data are kept in the
    process (parcours.lib.reference_cache): each test starts with none."""
    cache.clear()
    reference_cache.reset()
    yield
    cache.clear()
    reference_cache.reset()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Ville de Bellerive", slug="bellerive")


@pytest.fixture
def unit_1(organisation):
    return UnitFactory(organisation=organisation, name="Service Éducation", slug="education")


@pytest.fixture
def unit_2(organisation):
    return UnitFactory(organisation=organisation, name="Service Voirie", slug="voirie")


@pytest.fixture
def agent_1(unit_1):
    return AgentFactory(
        unit=unit_1,
        user__email="agent1@bellerive.example.org",
        user__first_name="Claire",
        user__last_name="Martin",
    )


@pytest.fixture
def agent_2(unit_2):
    return AgentFactory(unit=unit_2, user__email="agent2@bellerive.example.org")


@pytest.fixture
def manager(unit_1):
    return AgentFactory(unit=unit_1, role=AgentRole.UNIT_MANAGER, title="Responsable")


@pytest.fixture
def helper(unit_1):
    return AgentFactory(unit=unit_1, role=AgentRole.HELPER, title="Aidant numérique")


@pytest.fixture
def citizen_a(organisation):
    return PersonFactory(
        organisation=organisation,
        user__email="alice@example.org",
        given_name="Alice",
        family_name="Durand",
    )


@pytest.fixture
def citizen_b(organisation):
    return PersonFactory(
        organisation=organisation,
        user__email="bruno@example.org",
        given_name="Bruno",
        family_name="Petit",
    )


@pytest.fixture
def procedure(unit_1):
    return ProcedureFactory(handling_unit=unit_1, code="SCO", title="Inscription scolaire")


@pytest.fixture
def draft(procedure, citizen_a):
    return CaseFactory(procedure=procedure, person=citizen_a)
