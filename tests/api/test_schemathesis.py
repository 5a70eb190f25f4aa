"""Schemathesis against /api/v1/openapi.json: generated requests to every operation,
valid and not, with an agent's token. No answer may be a server error, and every
answer must be one the schema declares (status, content type, body).

The app is called in-process through WSGI, inside the test's transaction, with a
bounded number of examples per operation, so that ``make test`` stays quick.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from parcours.cases import services as case_services
from parcours.wsgi import application

from .conftest import token_for

EXAMPLES = 25


@pytest.fixture
def in_process(db):
    """Django's test client keeps the test's connection open across requests; a WSGI
    call would close it when the request starts and ends, and lose the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth(in_process, agent_1, settings, citizen_a, procedure, unit_1):
    """A token of an agent of unit 1, whose queue holds a submitted case."""
    settings.PARCOURS_API_RATE_LIMIT = 10_000
    draft = case_services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "x"}
    )
    case_services.case_submit(case=draft, by=citizen_a.user)
    return {"Authorization": f"Bearer {token_for(agent_1)}"}


# Read at collection: the schema page reads nothing from the database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_always_answers_as_its_schema_says(case, auth):
    case.call_and_validate(
        headers=auth,
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
        ],
    )
