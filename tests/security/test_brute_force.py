"""Every password check is protected by django-axes: after AXES_FAILURE_LIMIT wrong
passwords for one address from one client, that pair is refused, even with the right
password, until the cool-off ends; a success clears the count."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "motdepasse-de-test"

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _three_tries(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@bellerive.example.org", is_staff=True, is_superuser=True)


def _citizen_form(user, password):
    return reverse("login"), {"username": user.email, "password": password}


def _agent_form(user, password):
    return reverse("backoffice:login"), {"email": user.email, "password": password}


def _admin_form(user, password):
    return reverse("admin:login"), {"username": user.email, "password": password}


SIGN_IN_FORMS = [
    pytest.param("citizen_a", _citizen_form, id="citizens"),
    pytest.param("agent_1", _agent_form, id="agents"),
    pytest.param("superuser", _admin_form, id="admin site"),
]


def _user(request, who):
    person = request.getfixturevalue(who)
    return getattr(person, "user", person)


def _try(client, form, user, password, **extra):
    url, data = form(user, password)
    return client.post(url, data, **extra)


@pytest.mark.parametrize(("who", "form"), SIGN_IN_FORMS)
def test_wrong_passwords_lock_the_sign_in_even_with_the_right_password(client, request, who, form):
    user = _user(request, who)
    for _attempt in range(2):
        refused = _try(client, form, user, "pas le bon")
        assert refused.status_code == HTTPStatus.OK

    locked = _try(client, form, user, "pas le bon")
    right = _try(client, form, user, PASSWORD)

    for response in (locked, right):
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert response["Retry-After"] == "900"
        assert "Trop de tentatives avec un mot de passe erroné" in response.text
        assert "Réessayez dans 15 minutes." in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("who", "form"), SIGN_IN_FORMS)
def test_the_lock_ends_after_the_cool_off(client, request, who, form):
    user = _user(request, who)
    for _attempt in range(3):
        _try(client, form, user, "pas le bon")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        right = _try(client, form, user, PASSWORD)

    assert right.status_code == HTTPStatus.FOUND


def test_the_lock_is_for_one_address_from_one_client(client, citizen_a, citizen_b):
    for _attempt in range(3):
        _try(client, _citizen_form, citizen_a.user, "pas le bon")

    other_address = _try(client, _citizen_form, citizen_b.user, PASSWORD)
    other_client = _try(client, _citizen_form, citizen_a.user, PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert other_address.status_code == HTTPStatus.FOUND
    assert other_client.status_code == HTTPStatus.FOUND


def test_the_address_is_compared_as_stored_whatever_its_case(client, citizen_a):
    for typed in ("ALICE@example.org", "alice@EXAMPLE.org ", "Alice@Example.org"):
        client.post(reverse("login"), {"username": typed, "password": "pas le bon"})

    right = _try(client, _citizen_form, citizen_a.user, PASSWORD)

    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_success_clears_the_failures(client, citizen_a):
    for _attempt in range(2):
        _try(client, _citizen_form, citizen_a.user, "pas le bon")
    assert _try(client, _citizen_form, citizen_a.user, PASSWORD).status_code == HTTPStatus.FOUND
    client.logout()

    for _attempt in range(2):
        refused = _try(client, _citizen_form, citizen_a.user, "pas le bon")

    assert refused.status_code == HTTPStatus.OK
    assert not AccessAttempt.objects.filter(failures_since_start__gte=3).exists()


def test_the_agents_page_says_how_many_tries_remain(client, agent_1):
    response = _try(client, _agent_form, agent_1.user, "pas le bon")

    assert "Il vous reste 2 essais avant un blocage temporaire." in response.text


def test_an_administrator_lifts_a_lock_with_the_command(client, citizen_a):
    for _attempt in range(3):
        _try(client, _citizen_form, citizen_a.user, "pas le bon")

    call_command("axes_reset_username", citizen_a.user.email)
    right = _try(client, _citizen_form, citizen_a.user, PASSWORD)

    assert right.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("who", "form", "offered"),
    [
        pytest.param("citizen_a", _citizen_form, True, id="citizens"),
        pytest.param("agent_1", _agent_form, False, id="agents"),
        pytest.param("superuser", _admin_form, False, id="admin site"),
    ],
)
def test_the_lock_page_offers_the_email_link_only_to_citizens(client, request, who, form, offered):
    user = _user(request, who)
    for _attempt in range(3):
        locked = _try(client, form, user, "pas le bon")

    assert (reverse("accounts:magic_link") in locked.text) is offered
    assert reverse("portal:contact") in locked.text
