"""Roles scoped to units, on every back-office address: each role of the fixed cast is
tried on unit 1's queue, team and case, and only what the role allows opens.

Agents work their units' cases; managers also see the team and reassign; an
organisation administrator manages every unit; a helper and a citizen have no business
here; an agent who has not typed their code is asked for it first.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases.enums import EventKind
from parcours.cases.models import CaseEvent, Document
from parcours.organisations import permissions
from parcours.privacy.models import OutOfScopeAccess
from tests.factories import UnitFactory

from .conftest import verified

pytestmark = pytest.mark.sqlite

# (name, method): every address of the back-office that shows or changes unit 1's data.
ADDRESSES = [
    ("home", "get"),
    ("queue", "get"),
    ("claim_next", "post"),
    ("my_cases", "get"),
    ("team_home", "get"),
    ("team", "get"),
    ("case", "get"),
    ("case_take", "get"),
    ("case_take", "post"),
    ("case_reassign", "get"),
    ("case_reassign", "post"),
    ("document", "get"),
    ("document_preview", "get"),
    ("case_access", "get"),
    ("case_access", "post"),
    ("person", "get"),
    ("person_access", "get"),
    ("search", "get"),
    ("accesses", "get"),
]
SIGN_IN = "sign_in"  # redirected to the agents' sign-in
CODE = "code"  # redirected to the second-factor page
OK, FOUND = HTTPStatus.OK, HTTPStatus.FOUND
FORBIDDEN, NOT_FOUND = HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND

# What each role gets at each address, unit 1's data being the one tried.
EXPECTED = {
    "anonymous": dict.fromkeys(ADDRESSES, SIGN_IN),
    "citizen_a": dict.fromkeys(ADDRESSES, FORBIDDEN),
    "helper": dict.fromkeys(ADDRESSES, FORBIDDEN),
    "unverified_agent_1": dict.fromkeys(ADDRESSES, CODE),
    "agent_2": {
        **dict.fromkeys(ADDRESSES, NOT_FOUND),
        ("home", "get"): FOUND,  # to unit 2's queue, their own
        ("my_cases", "get"): OK,  # their own cases: none of unit 1's
        ("team_home", "get"): FORBIDDEN,
        ("team", "get"): FORBIDDEN,
        ("case_reassign", "get"): FORBIDDEN,
        ("case_reassign", "post"): FORBIDDEN,
        # Another unit of the organisation: the case opens only with a stated reason.
        ("case", "get"): FOUND,  # to the reason form
        ("case_access", "get"): OK,
        ("case_access", "post"): OK,  # the form again: this reason is not one of the list
        ("person", "get"): OK,  # who the person is, and only the existence of the case
        ("person_access", "get"): OK,
        ("search", "get"): OK,
        ("accesses", "get"): FORBIDDEN,
    },
    "manager_2": {
        **dict.fromkeys(ADDRESSES, NOT_FOUND),
        ("home", "get"): FOUND,
        ("my_cases", "get"): OK,
        ("team_home", "get"): FOUND,  # to unit 2's team
        ("case", "get"): FOUND,
        ("case_access", "get"): OK,
        ("case_access", "post"): OK,
        ("person", "get"): OK,
        ("person_access", "get"): OK,
        ("search", "get"): OK,
        ("accesses", "get"): OK,  # the accesses to unit 2's cases
    },
    "agent_1": {
        **dict.fromkeys(ADDRESSES, OK),
        ("home", "get"): FOUND,  # to unit 1's queue
        ("claim_next", "post"): FOUND,  # to the case claimed
        ("case_take", "post"): FOUND,
        ("team_home", "get"): FORBIDDEN,
        ("team", "get"): FORBIDDEN,
        ("case_reassign", "get"): FORBIDDEN,
        ("case_reassign", "post"): FORBIDDEN,
        ("case_access", "get"): FOUND,  # their unit's case: straight to it
        ("case_access", "post"): FOUND,
        ("accesses", "get"): FORBIDDEN,
    },
    "manager": {
        **dict.fromkeys(ADDRESSES, OK),
        ("case_access", "get"): FOUND,
        ("case_access", "post"): FOUND,
        ("home", "get"): FOUND,
        ("claim_next", "post"): FOUND,
        ("case_take", "post"): FOUND,
        ("team_home", "get"): FOUND,  # to unit 1's team
        ("case_reassign", "post"): FOUND,
    },
    # Manages every unit, works in none: sees and reassigns, takes nothing.
    "org_admin": {
        **dict.fromkeys(ADDRESSES, OK),
        ("queue", "get"): NOT_FOUND,
        ("claim_next", "post"): NOT_FOUND,
        ("case_take", "get"): NOT_FOUND,
        ("case_take", "post"): NOT_FOUND,
        ("case_reassign", "post"): FOUND,
        ("case_access", "get"): FOUND,
        ("case_access", "post"): FOUND,
    },
}
CASES = [(role, address) for role, expected in EXPECTED.items() for address in expected]


def url_of(name: str, case, document) -> str:
    unit = case.unit.slug
    return {
        "home": reverse("backoffice:home"),
        "queue": reverse("backoffice:queue", args=[unit]),
        "claim_next": reverse("backoffice:claim_next", args=[unit]),
        "my_cases": reverse("backoffice:my_cases"),
        "team_home": reverse("backoffice:team_home"),
        "team": reverse("backoffice:team", args=[unit]),
        "case": reverse("backoffice:case", args=[case.reference]),
        "case_take": reverse("backoffice:case_take", args=[case.reference]),
        "case_reassign": reverse("backoffice:case_reassign", args=[case.reference]),
        "document": reverse("backoffice:document", args=[case.reference, document.pk]),
        "document_preview": reverse(
            "backoffice:document_preview", args=[case.reference, document.pk]
        ),
        "case_access": reverse("backoffice:case_access", args=[case.reference]),
        "person": reverse("backoffice:person", args=[case.person_id]),
        "person_access": reverse("backoffice:person_access", args=[case.person_id]),
        "search": reverse("backoffice:search") + "?q=Durand",
        "accesses": reverse("backoffice:accesses"),
    }[name]


@pytest.mark.parametrize(("role", "address"), CASES)
def test_each_role_gets_only_what_it_may_on_every_backoffice_address(
    client, role, address, request, with_document, agent_1, manager
):
    name, method = address
    document = Document.objects.get(case=with_document)
    url = url_of(name, with_document, document)
    if role == "unverified_agent_1":
        client.force_login(agent_1.user)
    elif role != "anonymous":
        person = request.getfixturevalue(role)
        if role == "citizen_a":
            client.force_login(person.user)
        else:
            verified(client, person.user)
    data = {"to": agent_1.pk, "reason": "Renfort pendant les congés."}

    response = getattr(client, method)(url, data if method == "post" else None)

    expected = EXPECTED[role][address]
    if expected == SIGN_IN:
        assert response.status_code == FOUND
        assert response["Location"].startswith(reverse("backoffice:login"))
    elif expected == CODE:
        assert response.status_code == FOUND
        assert response["Location"].startswith(reverse("backoffice:verify"))
    else:
        assert response.status_code == expected
    if expected != FOUND or name not in {"claim_next", "case_take", "case_reassign"}:
        assert not CaseEvent.objects.filter(kind=EventKind.REFERENT_CHANGED).exists()
    assert not OutOfScopeAccess.objects.exists()


def test_a_denied_citizen_is_told_politely_where_to_go(client, citizen_a):
    client.force_login(citizen_a.user)

    response = client.get(reverse("backoffice:home"))

    assert response.status_code == FORBIDDEN
    assert "Votre compte n'est pas un compte agent." in response.text
    assert reverse("portal:cases") in response.text


def test_a_superuser_without_an_agent_record_is_no_agent(client, django_user_model):
    boss = django_user_model.objects.create_superuser(email="chef@example.org")
    verified(client, boss)

    assert client.get(reverse("backoffice:home")).status_code == FORBIDDEN


def test_back_office_pages_are_never_cached(as_agent, agent_1, submitted):
    response = as_agent(agent_1).get(reverse("backoffice:case", args=[submitted.reference]))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# The rules themselves -------------------------------------------------------------


def test_an_agent_works_in_their_active_units_only(agent_1, unit_1, organisation):
    closed = UnitFactory(organisation=organisation, is_active=False)
    agent_1.units.add(closed)

    assert list(permissions.handled_units(agent_1)) == [unit_1]
    assert not permissions.managed_units(agent_1).exists()


def test_a_manager_manages_the_units_they_belong_to(manager, unit_1, unit_2):
    assert list(permissions.managed_units(manager)) == [unit_1]
    assert permissions.may_manage(manager, unit_1)
    assert not permissions.may_manage(manager, unit_2)


def test_an_organisation_administrator_manages_every_unit_of_their_organisation(
    org_admin, unit_1, unit_2
):
    other = UnitFactory()  # another organisation's

    assert set(permissions.managed_units(org_admin)) == {unit_1, unit_2}
    assert not permissions.may_manage(org_admin, other)
    assert not permissions.handled_units(org_admin).exists()


@pytest.mark.parametrize("who", ["helper", "citizen_a"])
def test_a_helper_or_a_citizen_has_no_unit(who, request, unit_1):
    person = request.getfixturevalue(who)
    agent = getattr(person.user, "agent", None)

    assert not permissions.uses_backoffice(agent)
    assert not permissions.handled_units(agent).exists()
    assert not permissions.managed_units(agent).exists()


def test_the_holders_of_a_unit_are_its_active_agents_who_work_cases(
    unit_1, agent_1, manager, helper
):
    assert set(permissions.holders_of(unit_1)) == {agent_1, manager}
    agent_1.is_active = False
    agent_1.save()
    assert set(permissions.holders_of(unit_1)) == {manager}
