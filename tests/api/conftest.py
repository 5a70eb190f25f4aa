"""The API's cast: the back-office cast (tests/backoffice/conftest.py), each agent with
a token, and a client that sends JSON with a token."""

import json

import pytest
from django.core.cache import cache

from parcours.api.models import ApiToken, token_hash
from parcours.api.services import api_token_create
from tests.backoffice.conftest import (  # noqa: F401 - fixtures shared with the back-office
    manager_2,
    org_admin,
    submit,
    submitted,
    with_document,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Requests are counted in the cache, per token."""
    cache.clear()
    yield
    cache.clear()


def token_for(agent) -> str:
    _record, token = api_token_create(agent=agent, name="tests")
    return token


class Api:
    """The test client, speaking JSON to /api/v1/ with a bearer token (or none)."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers(headers))

    def post(self, path: str, body=None, headers: dict | None = None):
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers(headers),
        )


@pytest.fixture
def api(client):
    """``api(agent)``: the client with a new token of that agent; ``api(None)``: none."""
    return lambda agent=None, token=None: Api(
        client, token if token is not None else (token_for(agent) if agent else None)
    )


def helper_token(helper) -> str:
    """A helper cannot be given a token (the service refuses): write one by hand, as a
    careless administrator's database script might."""
    token = "pcs_helper-token-written-by-hand"
    ApiToken.objects.create(
        organisation_id=helper.organisation_id,
        agent=helper,
        name="by hand",
        prefix=token[:10],
        hashed=token_hash(token),
    )
    return token


def only_error(response) -> dict:
    """The single item of the error shape, checking the shape on the way."""
    body = response.json()
    assert list(body) == ["errors"]
    assert len(body["errors"]) == 1, body
    (item,) = body["errors"]
    assert set(item) == {"field", "code", "message"}
    assert item["message"]
    return item
