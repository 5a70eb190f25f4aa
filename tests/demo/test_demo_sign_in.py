"""The demo's agents sign in to the back-office with the published password and
second-factor secret; ``totp_code`` prints their current code, outside production."""

from base64 import b32decode
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.demo import story
from parcours.demo.two_factor import DEMO_TOTP_SECRET, enrol_demo_agents
from parcours.organisations.enums import AgentRole
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.sqlite


def demo_code() -> str:
    """What an authenticator app given DEMO_TOTP_SECRET shows now."""
    return f"{TOTP(b32decode(DEMO_TOTP_SECRET)).token():06d}"


@pytest.fixture
def demo_agents(unit_1):
    claire = AgentFactory(
        unit=unit_1,
        user=UserFactory(email="claire.martin@bellerive.test", password=story.DEMO_PASSWORD),
    )
    lea = AgentFactory(
        unit=unit_1, role=AgentRole.HELPER, user=UserFactory(email="lea.girard@bellerive.test")
    )
    real = AgentFactory(unit=unit_1, user=UserFactory(email="vraie.agente@bellerive.fr"))
    return claire, lea, real


def test_every_demo_agent_who_works_cases_gets_the_demo_secret(demo_agents):
    claire, lea, real = demo_agents

    assert enrol_demo_agents() == 1
    assert enrol_demo_agents() == 1  # again: still one device each

    device = TOTPDevice.objects.get(user=claire.user)
    assert device.confirmed
    assert not TOTPDevice.objects.filter(user__in=[lea.user, real.user]).exists()


def test_a_demo_agent_signs_in_with_the_published_password_and_secret(client, demo_agents):
    enrol_demo_agents()
    client.post(
        reverse("backoffice:login"),
        {"email": "claire.martin@bellerive.test", "password": story.DEMO_PASSWORD},
    )

    response = client.post(reverse("backoffice:verify"), {"code": demo_code()})

    assert response["Location"] == reverse("backoffice:home")
    assert client.get(reverse("backoffice:my_cases")).status_code == HTTPStatus.OK


def test_totp_code_prints_the_current_code_of_a_demo_agent(demo_agents, settings):
    settings.DEBUG = True
    enrol_demo_agents()
    output = StringIO()

    call_command("totp_code", "claire.martin@bellerive.test", stdout=output)

    assert output.getvalue().strip() == demo_code()


def test_totp_code_is_refused_outside_debug(demo_agents, settings):
    settings.DEBUG = False
    enrol_demo_agents()

    with pytest.raises(CommandError, match="démonstration et au développement"):
        call_command("totp_code", "claire.martin@bellerive.test", stdout=StringIO())


def test_totp_code_explains_when_the_agent_has_no_app(demo_agents, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="Aucune application d'authentification"):
        call_command("totp_code", "claire.martin@bellerive.test", stdout=StringIO())


def test_print_demo_logins_tells_how_agents_get_their_code(db):
    output = StringIO()

    call_command("print_demo_logins", stdout=output)

    assert DEMO_TOTP_SECRET in output.getvalue()
    assert "manage.py totp_code" in output.getvalue()
    assert "/agents/" in output.getvalue()


def test_load_demo_enrols_the_demo_agents(db):
    call_command("load_demo", stdout=StringIO())

    enrolled = set(TOTPDevice.objects.values_list("user__email", flat=True))
    working = {a.email for a in story.AGENT_LOGINS if a.role != AgentRole.HELPER}
    assert working <= enrolled
    assert "lea.girard@bellerive.test" not in enrolled
