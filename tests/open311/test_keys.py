"""Open311 keys: made and revoked by the administration's administrators in the
back-office (the key shown once, only its hash kept), or by ``manage.py open311_key``."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from parcours.open311.models import Open311Key, token_hash
from parcours.open311.services import Open311KeyError, open311_key_create
from tests.backoffice.conftest import verified
from tests.factories import AgentFactory, OrganisationFactory, UnitFactory

from .conftest import BASE, report

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

KEYS = reverse("backoffice:open311_keys")


def test_an_administrator_makes_a_key_shown_once_and_stored_as_a_hash(client, administrator):
    verified(client, administrator.user)

    response = client.post(KEYS, {"name": "Appli Ma rue"})

    assert response.status_code == HTTPStatus.OK
    key = response.context["new_key"]
    assert key.startswith("o311_")
    assert key in response.content.decode()
    record = Open311Key.objects.get()
    assert (record.name, record.hashed, record.created_by) == (
        "Appli Ma rue",
        token_hash(key),
        administrator,
    )
    assert key not in str(Open311Key.objects.values().get())
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # Never again: the list shows its beginning only.
    page = client.get(KEYS).content.decode()
    assert "Appli Ma rue" in page
    assert record.prefix in page
    assert key not in page


def test_the_new_key_files_reports_at_once(client, administrator, street_report):
    verified(client, administrator.user)
    key = client.post(KEYS, {"name": "Appli Ma rue"}).context["new_key"]
    client.logout()

    response = client.post(f"{BASE}/requests.json", report(key))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Donnez un nom à la clé : l&#x27;application qui s&#x27;en servira."),
        ("x" * 101, "Le nom ne doit pas dépasser 100 caractères."),
    ],
)
def test_a_key_without_a_proper_name_is_refused_keeping_what_was_typed(
    client, administrator, name, message
):
    verified(client, administrator.user)

    response = client.post(KEYS, {"name": name})

    page = response.content.decode()
    assert message in page
    assert response.context["new_key"] is None
    assert not Open311Key.objects.exists()
    assert f'value="{name}"' in page or not name


def test_an_administrator_revokes_a_key(client, administrator, street_report):
    record, key = open311_key_create(by=administrator, name="Ancienne appli")
    verified(client, administrator.user)

    response = client.post(reverse("backoffice:open311_key_revoke", args=[record.pk]))

    assert response.status_code == HTTPStatus.FOUND
    record.refresh_from_db()
    assert record.is_revoked
    assert record.revoked_by == administrator
    client.logout()
    assert client.post(f"{BASE}/requests.json", report(key)).status_code == HTTPStatus.FORBIDDEN


def test_the_list_shows_only_the_administration_s_own_keys(client, administrator):
    open311_key_create(by=administrator, name="Appli de la ville")
    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    other_admin = AgentFactory(unit=elsewhere, role="organisation_admin")
    other, _key = open311_key_create(by=other_admin, name="Appli d'ailleurs")
    verified(client, administrator.user)

    page = client.get(KEYS).content.decode()

    assert "Appli de la ville" in page
    assert "Appli d&#x27;ailleurs" not in page
    response = client.post(reverse("backoffice:open311_key_revoke", args=[other.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert not other.is_revoked


@pytest.mark.parametrize("who", ["agent_1", "manager", "helper", "citizen_a"])
def test_only_administrators_see_or_touch_the_keys(client, administrator, request, who):
    record, _key = open311_key_create(by=administrator, name="Appli")
    person = request.getfixturevalue(who)
    verified(client, person.user)

    assert client.get(KEYS).status_code == HTTPStatus.FORBIDDEN
    assert client.post(KEYS, {"name": "Pirate"}).status_code == HTTPStatus.FORBIDDEN
    revoke = client.post(reverse("backoffice:open311_key_revoke", args=[record.pk]))
    assert revoke.status_code == HTTPStatus.FORBIDDEN
    assert Open311Key.objects.count() == 1
    record.refresh_from_db()
    assert not record.is_revoked


def test_a_visitor_is_sent_to_sign_in(client, administrator):
    response = client.get(KEYS)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("backoffice:login"))
    assert client.post(KEYS, {"name": "x"}).status_code == HTTPStatus.FOUND
    assert not Open311Key.objects.exists()


def test_the_navigation_offers_the_keys_to_administrators_only(client, administrator, agent_1):
    verified(client, administrator.user)
    assert KEYS in client.get(reverse("backoffice:home")).content.decode()

    verified(client, agent_1.user)
    assert KEYS not in client.get(reverse("backoffice:home")).content.decode()


def test_the_command_prints_a_new_key_for_an_administrator(administrator, street_report):
    out = StringIO()

    call_command("open311_key", administrator.user.email, "--name", "Script d'import", stdout=out)

    key = out.getvalue().strip()
    record = Open311Key.objects.get()
    assert record.hashed == token_hash(key)
    assert record.name == "Script d'import"


@pytest.mark.parametrize("who", ["agent_1", "manager", "helper", "citizen_a"])
def test_the_command_refuses_anyone_but_an_administrator(request, who):
    person = request.getfixturevalue(who)

    with pytest.raises(CommandError, match="administrateurs"):
        call_command("open311_key", person.user.email, "--name", "x", stdout=StringIO())
    assert not Open311Key.objects.exists()


def test_the_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("open311_key", "nobody@example.org", "--name", "x", stdout=StringIO())


def test_a_key_needs_an_active_administrator(administrator):
    administrator.user.is_active = False
    administrator.user.save()

    with pytest.raises(Open311KeyError):
        open311_key_create(by=administrator, name="x")
