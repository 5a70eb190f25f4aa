"""The agents' navigation: their work in labelled groups under the header, each person
offered only what their role opens; the header keeps the account and the language."""

import re

import pytest
from django.urls import reverse

from parcours.organisations.enums import AgentRole
from tests.backoffice.conftest import verified
from tests.factories import AgentFactory

pytestmark = pytest.mark.sqlite

GROUPS_RE = re.compile(r'<p class="bo-nav__label" id="bo-nav-[a-z]+">([^<]+)</p>')


def page_as(client, agent, theme, settings, url="backoffice:home"):
    settings.PARCOURS_THEME = theme
    verified(client, agent.user)
    return client.get(reverse(url), follow=True).content.decode()


def header_tools(page: str) -> str:
    start = page.index('aria-label="Compte et langue"')
    return page[start : page.index("</nav>", start)]


@pytest.fixture
def administrator(unit_1):
    return AgentFactory(unit=unit_1, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
@pytest.mark.parametrize(
    ("who", "groups"),
    [
        ("agent_1", ["Dossiers", "Contacts", "Écoute et droits"]),
        ("manager", ["Dossiers", "Contacts", "Écoute et droits", "Pilotage"]),
        (
            "administrator",
            ["Dossiers", "Contacts", "Écoute et droits", "Pilotage", "Administration"],
        ),
    ],
)
def test_the_work_is_grouped_by_what_the_role_opens(client, settings, request, who, groups, theme):
    page = page_as(client, request.getfixturevalue(who), theme, settings)

    assert GROUPS_RE.findall(page) == groups
    assert page.count('<nav class="bo-nav" aria-label="Espace agents">') == 1
    # Below the header, before the page's content (the skip link jumps past it).
    assert page.index('class="bo-nav"') < page.index('id="contenu"')
    assert ('href="/agents/equipe/"' in page) == (who != "agent_1")
    assert (reverse("backoffice:webhooks") in page) == (who == "administrator")


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_the_header_keeps_only_the_account_and_the_language(client, settings, manager, theme):
    tools = header_tools(page_as(client, manager, theme, settings))

    assert "Se déconnecter" in tools
    assert "English" in tools
    assert "href=" not in tools  # the work links are all below, in their groups


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_the_current_page_is_marked_in_its_group(client, settings, manager, theme):
    page = page_as(client, manager, theme, settings, url="backoffice:search")

    assert re.search(r'href="/agents/recherche/"\s*aria-current="page">Recherche</a>', page)
    assert page.count('aria-current="page"') == 1
