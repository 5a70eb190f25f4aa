"""API tokens in the admin: made for an agent and shown once, revoked, never deleted."""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from parcours.api.models import ApiToken, token_hash
from tests.factories import UserFactory

from .conftest import token_for

pytestmark = pytest.mark.sqlite


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_an_administrator_makes_a_token_and_sees_it_once(client, superuser, agent_1):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:api_apitoken_add"), {"agent": agent_1.pk, "name": "tableau de bord"}
    )

    assert response.status_code == HTTPStatus.FOUND
    record = ApiToken.objects.get()
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "Copiez-le" in str(m)]
    token = message.rsplit(" ", 1)[-1]
    assert record.hashed == token_hash(token)
    change = reverse("admin:api_apitoken_change", args=[record.pk])
    assert token in client.get(change).content.decode()  # the message, this once
    page = client.get(change)
    assert token not in page.content.decode()
    assert record.prefix in page.content.decode()


def test_the_admin_refuses_a_token_for_a_helper(client, superuser, helper):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:api_apitoken_add"), {"agent": helper.pk, "name": "aidant"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "aidants" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_tokens_and_they_stop_working(client, superuser, agent_1, api):
    token = token_for(agent_1)
    client.force_login(superuser)

    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )

    assert ApiToken.objects.get().revoked_at is not None
    client.logout()
    assert api(token=token).get("/queue").status_code == HTTPStatus.UNAUTHORIZED
