"""The table behind the agents' navigation (parcours/backoffice/navigation.py): which
page marks which link as current, and what each role is offered."""

from types import SimpleNamespace

import pytest
from django.urls import resolve, reverse

from parcours.backoffice.navigation import GROUPS, navigation_for
from parcours.organisations.enums import AgentRole

pytestmark = pytest.mark.sqlite


def request_for(path: str, *, manager=False, role=AgentRole.AGENT):
    return SimpleNamespace(
        resolver_match=resolve(path),
        agent_is_manager=manager,
        agent=SimpleNamespace(role=role),
    )


def current_labels(request) -> list[str]:
    return [
        str(link["label"])
        for group in navigation_for(request)
        for link in group["links"]
        if link["current"]
    ]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        (reverse("backoffice:home"), "Ma file"),
        (reverse("backoffice:appointments_week", args=["etat-civil"]), "Rendez-vous"),
        (reverse("backoffice:webhook", args=[3]), "Webhooks"),
        (reverse("backoffice:webhook_rotate", args=[3]), "Webhooks"),
        (reverse("backoffice:studio"), "Atelier des démarches"),
        (reverse("journeys_backoffice:journey", args=[5]), "Parcours"),
        (reverse("stats:equality"), "Statistiques"),
        (reverse("channels:callback", args=[4]), "Demandes de rappel"),
    ],
)
def test_each_page_marks_one_link_its_own(path, label):
    request = request_for(path, manager=True, role=AgentRole.ORGANISATION_ADMIN)
    assert current_labels(request) == [label]


def test_a_case_page_marks_no_link():
    assert current_labels(request_for(reverse("backoffice:case", args=["2026-SIG-000001"]))) == []


def test_an_agent_is_offered_neither_the_managers_nor_the_administrators_links():
    groups = navigation_for(request_for(reverse("backoffice:home")))
    labels = [str(link["label"]) for group in groups for link in group["links"]]

    assert [group["id"] for group in groups] == ["cases", "contacts", "people"]
    assert "Fiches en double" not in labels
    assert "Consultations hors service" not in labels


def test_a_manager_is_not_offered_the_administration():
    groups = navigation_for(request_for(reverse("backoffice:home"), manager=True))
    assert [group["id"] for group in groups] == ["cases", "contacts", "people", "steering"]


def test_an_administrator_is_offered_every_link_and_each_address_resolves():
    request = request_for(
        reverse("backoffice:home"), manager=True, role=AgentRole.ORGANISATION_ADMIN
    )
    groups = navigation_for(request)

    assert sum(len(group["links"]) for group in groups) == sum(len(g.links) for g in GROUPS)
    for group in groups:
        for link in group["links"]:
            assert resolve(link["href"])
