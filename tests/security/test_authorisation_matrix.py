"""Every URL pattern and every API operation, as every role, against the declared
table of tests/security/matrix.py: who gets in, and that everyone else is refused.

The URLs are read from the resolver and the operations from the API's OpenAPI schema,
so a new page or operation is covered as soon as it exists: without a row in the table,
the suite fails and says which row to add.
"""

import copy
import datetime
import json
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from parcours.api.api import api
from parcours.appointments.enums import AppointmentMode
from parcours.appointments.models import Appointment, AppointmentType
from parcours.cases import casework
from parcours.contacts.models import MessageTemplate
from parcours.organisations.enums import AgentRole
from tests.api.conftest import token_for
from tests.backoffice.conftest import verified
from tests.factories import AgentFactory, UserFactory
from tests.portal.test_authorisation import belongings

from .matrix import ROLES, RULES, Rule

ADMIN = "admin:"
ADMIN_RULE_ROLES = frozenset({"superuser"})


def url_patterns() -> dict[str, tuple[URLPattern, str]]:
    """Every pattern of the resolver by its key: ``namespace:name``, or for a pattern
    without a name, ``route:<its route>``."""
    found = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
                continue
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = f"route:{route}"
            found.setdefault(key, (pattern, route))

    walk(get_resolver().url_patterns, "", None)
    return found


def api_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the JSON API: ``api-v1:<operationId>`` → (method, path)."""
    schema = api.get_openapi_schema()
    operations = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations[f"api-v1:{operation['operationId']}"] = (method, path)
    return operations


PATTERNS = url_patterns()
OPERATIONS = api_operations()
# A path of the API serves several operations: the operations are what is declared.
API_PATTERN_NAMES = {f"api-v1:{name.split(':', 1)[1]}" for name in OPERATIONS}


def declared_key(key: str) -> str | None:
    """The row that covers a URL: its own, or for the admin site, the admin's rule."""
    if key in RULES:
        return key
    if key.startswith(ADMIN) or key.startswith("route:admin/"):
        return ADMIN
    return None


def every_key() -> list[str]:
    keys = set(OPERATIONS)
    for key in PATTERNS:
        if key.startswith("api-v1:") and key in API_PATTERN_NAMES:
            continue  # declared as an operation
        keys.add(key)
    return sorted(keys)


KEYS = every_key()


def test_every_url_and_api_operation_has_a_row_in_the_matrix():
    missing = [key for key in KEYS if declared_key(key) is None]
    advice = "\n".join(
        f'    "{key}": Rule(<roles that get in>{_kwargs_hint(key)}),' for key in missing
    )
    assert not missing, (
        "These URLs or API operations have no row in tests/security/matrix.py. Add to "
        "RULES, with the roles that may open them (EVERYONE, SIGNED_IN, CITIZEN_A, "
        "AGENTS, UNIT_1_AGENTS, MANAGERS, ADMINISTRATORS, SUPERUSER, HELPERS, MANDATED_HELPER, "
        "NOBODY, or a set of "
        "role names), how to build their arguments from the world, and method='post' "
        "for a view that only takes POST:\n" + advice
    )


def test_no_row_names_a_url_that_no_longer_exists():
    stale = sorted(set(RULES) - set(KEYS) - set(PATTERNS))
    assert not stale, f"Remove these rows of tests/security/matrix.py: {stale}"


def _kwargs_hint(key: str) -> str:
    if key in OPERATIONS:
        params = re.findall(r"{(\w+)}", OPERATIONS[key][1])
    else:
        params = list(PATTERNS[key][0].pattern.converters) or re.findall(
            r"\(\?P<(\w+)>", str(PATTERNS[key][0].pattern)
        )
    if not params:
        return ""
    inside = ", ".join(f'"{name}": w[...]' for name in params)
    return f", kwargs=lambda w: {{{inside}}}"


# --- The world: citizen A's things in unit 1, and a signed-in client per role --------


def helped_and_journeying(procedure, unit_1, citizen_a, agent_1, helper) -> dict:
    """Citizen A's mandate to the helper, with a case filed under it, and citizen A's
    journey coordinated by agent 1 (unit 1), with its first step's case sent."""
    from parcours.cases import services as case_services
    from parcours.journeys import services as journey_services
    from parcours.journeys.models import LifeEvent, LifeEventStep
    from parcours.mandates import services as mandate_services
    from tests.mandates.conftest import make_mandate

    mandate = make_mandate(helper, citizen_a, [procedure])
    mandated = mandate_services.mandate_start_case(
        mandate=mandate, procedure=procedure, by=helper.user
    )
    mandated = case_services.case_update_draft(
        case=mandated, by=helper.user, form_data={"subject": "Pour Alice"}
    )
    mandated = case_services.case_submit(case=mandated, by=helper.user)
    life_event = LifeEvent.objects.create(
        organisation=unit_1.organisation,
        slug="je-demenage",
        title="Je déménage",
        summary="Les démarches d'un déménagement.",
        referent_unit=unit_1,
        is_published=True,
    )
    step = LifeEventStep.objects.create(
        life_event=life_event, position=1, procedure=procedure, explanation="Pour commencer."
    )
    journey = journey_services.journey_start(life_event=life_event, user=citizen_a.user)
    journey_case = journey_services.journey_start_step(
        journey=journey, step=step, by=citizen_a.user
    )
    journey_case = case_services.case_update_draft(
        case=journey_case, by=citizen_a.user, form_data={"subject": "Déménagement"}
    )
    journey_case = case_services.case_submit(case=journey_case, by=citizen_a.user)
    journey_services.journey_take(journey=journey, agent=agent_1)
    return {
        "mandate": mandate,
        "mandated": mandated,
        "life_event": life_event,
        "journey": journey,
        "journey_step": step,
        "journey_case": journey_case,
    }


@pytest.fixture
def world(no_pdf, procedure, unit_1, unit_2, citizen_a, citizen_b, agent_1, agent_2, helper):
    mine = belongings(citizen_a, procedure, agent_1)
    appointment_type = AppointmentType.objects.create(
        unit=unit_1,
        procedure=procedure,
        mode=AppointmentMode.COUNTER,
        name="Déposer le dossier",
        duration_minutes=30,
        capacity=1,
    )
    starts_at = timezone.now() + datetime.timedelta(days=3)
    appointment = Appointment.objects.create(
        organisation=unit_1.organisation,
        appointment_type=appointment_type,
        unit=unit_1,
        procedure=procedure,
        case=mine["sent"],
        person=citizen_a,
        mode=AppointmentMode.COUNTER,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        seat=1,
        reason="Déposer le dossier.",
    )
    opinion = casework.opinion_request_create(
        case=mine["sent"], by=agent_1.user, to_unit=unit_2, question="Un avis ?"
    )
    template = MessageTemplate.objects.create(
        organisation=unit_1.organisation, title="Bonjour", body="Bonjour,"
    )
    return {
        **mine,
        **helped_and_journeying(procedure, unit_1, citizen_a, agent_1, helper),
        "citizen_a": citizen_a,
        "procedure": procedure,
        "appointment_type": appointment_type,
        "appointment": appointment,
        "opinion": opinion,
        "template": template,
    }


@pytest.fixture
def no_pdf(monkeypatch):
    from parcours.cases import services

    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)


def role_user(role, request):
    """The user of a role (None for anonymous), and whether they are an agent."""
    if role == "anonymous":
        return None, False
    if role in {"citizen_a", "citizen_b"}:
        return request.getfixturevalue(role).user, False
    if role == "helper_with_mandate":
        return request.getfixturevalue("helper").user, True
    if role == "helper":  # another helper of the same structure, without a mandate
        unit_1 = request.getfixturevalue("unit_1")
        return AgentFactory(unit=unit_1, role=AgentRole.HELPER, title="Aidant").user, True
    if role == "superuser":
        return UserFactory(is_staff=True, is_superuser=True), False
    unit_1 = request.getfixturevalue("unit_1")
    unit_2 = request.getfixturevalue("unit_2")
    agent = {
        "agent": lambda: request.getfixturevalue("agent_1"),
        "agent_other_unit": lambda: request.getfixturevalue("agent_2"),
        "manager": lambda: request.getfixturevalue("manager"),
        "administrator": lambda: _organisation_admin(unit_1, unit_2),
    }[role]()
    return agent.user, True


def _organisation_admin(unit_1, unit_2):
    admin = AgentFactory(unit=unit_1, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")
    admin.units.clear()
    return admin


REFUSAL_PAGES = ("login", "backoffice:login", "backoffice:verify", "admin:login")


def refused(response) -> bool:
    status = response.status_code
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND):
        return True
    if 300 <= status < 400:
        location = response["Location"].split("?")[0]
        if any(location.startswith(reverse(name)) for name in REFUSAL_PAGES):
            return True
        # Another unit's file: the reason form first (journaled), not the file.
        return location.endswith("/motif/")
    return False


def visit(client, key: str, rule: Rule, world: dict, headers: dict):
    kwargs = rule.kwargs(world) if rule.kwargs else {}
    if key in OPERATIONS:
        method, path = OPERATIONS[key]
        url = "/api/v1" + path.removeprefix("/api/v1").format(**kwargs)
        if method == "get":
            return client.get(url, headers=headers)
        return client.post(
            url, data=json.dumps(rule.body or {}), content_type="application/json", headers=headers
        )
    _pattern, route = PATTERNS[key]
    if key.startswith("route:"):
        url = "/" + re.sub(r"[\^$]|\(\?P<\w+>[^)]*\)", "", route)
    else:
        url = reverse(key, kwargs=kwargs or None)
    if rule.method == "post":
        return client.post(url, {})
    return client.get(url)


def admin_kwargs(pattern) -> dict:
    """The admin's arguments: a missing object (the admin says so politely), the first
    application of its list."""
    kwargs = {}
    regex = str(pattern.pattern)
    for name in pattern.pattern.converters or re.findall(r"\(\?P<(\w+)>", regex):
        if name == "app_label":
            choices = re.search(r"\(\?P<app_label>([^)]*)\)", regex).group(1)
            kwargs[name] = choices.split("|")[0]
        else:
            kwargs[name] = "0"
    return kwargs


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_in_where_the_matrix_says_and_nowhere_else(world, role, request):
    user, is_agent = role_user(role, request)
    client = Client(raise_request_exception=False)
    headers = {}
    if user is not None:
        if is_agent:
            verified(client, user)
            if role not in {"helper", "helper_with_mandate"}:  # the API gives helpers no token
                headers = {"Authorization": f"Bearer {token_for(user.agent)}"}
        else:
            client.force_login(user)
    wrong = []
    for key in KEYS:
        declared = declared_key(key)
        if declared is None:
            continue  # reported by the test above
        if declared == ADMIN:
            rule = RULES.get(key) or Rule(ADMIN_RULE_ROLES)
            pattern = PATTERNS[key][0]
            kwargs = admin_kwargs(pattern)
            rule = Rule(rule.allowed, kwargs=lambda w, kwargs=kwargs: kwargs)
        else:
            rule = RULES[key]
        cache.clear()  # rate limits and sign-in lockouts are other tests' concern
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            response = visit(client, key, rule, world, headers)
            transaction.set_rollback(True)
        client.cookies = cookies  # signing out is undone with the rest
        sent_file = getattr(response, "file_to_stream", None)
        if sent_file is not None:
            sent_file.close()  # files sent as they are read are closed
        status = response.status_code
        if rule.signs_out:
            if not (300 <= status < 400):
                wrong.append(f"{key}: a sign-out should redirect, got {status}")
            continue
        if declared == ADMIN and role == "superuser" and key not in RULES:
            # Inside the admin site, each model admin then says what may be done
            # (read-only journals answer 403 to "add"): the door is what is checked.
            if refused(response) and status != HTTPStatus.FORBIDDEN and status != 404:
                wrong.append(f"{key}: the superuser was sent away ({status})")
            elif status >= 500:
                wrong.append(f"{key}: answered {status}")
            continue
        if status == HTTPStatus.SERVICE_UNAVAILABLE and rule.may_be_unavailable:
            status = HTTPStatus.OK
            response.status_code = status
        if status >= 500 or status == HTTPStatus.METHOD_NOT_ALLOWED:
            wrong.append(f"{key}: answered {status} (a POST-only view needs method='post')")
            continue
        expected_in = role in rule.allowed
        if expected_in == refused(response):
            where = response.get("Location", "")
            wrong.append(
                f"{key}: expected {'in' if expected_in else 'refused'}, got {status} {where}"
            )
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)
