"""Who may call the API: agents who work cases, with a live token; nobody else."""

from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parcours.api.models import ApiToken, token_hash
from parcours.api.services import api_token_revoke

from .conftest import helper_token, only_error

pytestmark = pytest.mark.sqlite

OPERATIONS = [
    ("get", "/queue", None),
    ("post", "/queue/claim", {}),
    ("get", "/cases/SCO-2026-000001", None),
    ("post", "/cases/SCO-2026-000001/messages", {"body": "Bonjour"}),
    ("post", "/cases/SCO-2026-000001/transitions", {"transition": "start_review"}),
]


def call(api, method, path, body):
    return api.get(path) if method == "get" else api.post(path, body)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_operation_without_a_token_answers_401_in_the_error_shape(
    api, db, method, path, body
):
    response = call(api(None), method, path, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Bearer"
    assert only_error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_operation_with_a_wrong_token_answers_401(api, db, method, path, body):
    response = call(api(token="pcs_not-a-token-we-made"), method, path, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "invalid_token"


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_operation_with_a_revoked_token_answers_401(api, agent_1, method, path, body):
    client = api(agent_1)
    api_token_revoke(token=ApiToken.objects.get(hashed=token_hash(client.token)))

    response = call(client, method, path, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "revoked_token"


def test_the_token_of_an_agent_who_left_answers_401(api, agent_1):
    client = api(agent_1)
    agent_1.is_active = False
    agent_1.save()

    response = client.get("/queue")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert only_error(response)["code"] == "inactive_account"


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_a_helpers_token_written_by_hand_answers_403(api, helper, method, path, body):
    response = call(api(token=helper_token(helper)), method, path, body)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert only_error(response)["code"] == "not_an_agent"


def test_a_token_records_when_it_was_last_used(api, agent_1):
    client = api(agent_1)

    client.get("/queue")

    record = ApiToken.objects.get(hashed=token_hash(client.token))
    assert record.last_used_at is not None
    assert timezone.now() - record.last_used_at < timezone.timedelta(minutes=1)


def test_past_the_rate_limit_a_token_gets_429_with_retry_after(api, agent_1, settings):
    settings.PARCOURS_API_RATE_LIMIT = 3
    client = api(agent_1)
    for _ in range(3):
        assert client.get("/queue").status_code == HTTPStatus.OK

    response = client.get("/queue")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(response["Retry-After"]) <= settings.PARCOURS_API_RATE_WINDOW
    assert only_error(response)["code"] == "rate_limited"


def test_the_rate_limit_is_counted_per_token(api, agent_1, settings):
    settings.PARCOURS_API_RATE_LIMIT = 1
    first, second = api(agent_1), api(agent_1)
    assert first.get("/queue").status_code == HTTPStatus.OK
    assert first.get("/queue").status_code == HTTPStatus.TOO_MANY_REQUESTS

    assert second.get("/queue").status_code == HTTPStatus.OK


# ---------------------------------------------------------------------------
# manage.py api_token


def test_the_command_prints_a_token_that_works_and_only_its_hash_is_stored(api, agent_1, capsys):
    call_command("api_token", agent_1.user.email, "--name", "import nocturne")
    token = capsys.readouterr().out.strip()

    assert token.startswith("pcs_")
    record = ApiToken.objects.get(agent=agent_1)
    assert record.name == "import nocturne"
    assert record.hashed == token_hash(token)
    assert token not in {record.hashed, record.prefix, record.name}
    assert token.startswith(record.prefix)
    assert api(token=token).get("/queue").status_code == HTTPStatus.OK


def test_each_run_of_the_command_makes_another_token(agent_1, capsys):
    call_command("api_token", agent_1.user.email)
    call_command("api_token", agent_1.user.email)

    first, second = capsys.readouterr().out.split()
    assert first != second
    assert ApiToken.objects.filter(agent=agent_1).count() == 2


@pytest.mark.parametrize("who", ["citizen_a", "helper"])
def test_the_command_refuses_a_citizen_or_a_helper(request, who):
    person = request.getfixturevalue(who)

    with pytest.raises(CommandError, match="aidants"):
        call_command("api_token", person.user.email)

    assert not ApiToken.objects.exists()


def test_the_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("api_token", "nobody@example.org")
