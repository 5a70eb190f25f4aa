"""The person page, the search and the reason form in a real browser: an agent finds a
person, reads their timeline, opens another unit's case with a reason; the person then
reads who opened it. axe checks every page against WCAG 2.1 AA, in both themes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser_support import BROWSER_MARKS, sign_in_context
from tests.factories import CaseFactory, ProcedureFactory

from .conftest import submit
from .test_backoffice_browser import check, sign_in_verified

pytestmark = BROWSER_MARKS


@pytest.fixture
def two_units(transactional_db, settings, procedure, unit_2, citizen_a):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from parcours.cases import services

    citizen_a.accessibility_needs = ["large_print"]
    citizen_a.save()
    today = timezone.localdate()
    roads = ProcedureFactory(handling_unit=unit_2, code="VOI", title="Occupation du trottoir")
    return {
        "school": submit(procedure, citizen_a, on=today - datetime.timedelta(days=3)),
        "roads": services.case_submit(
            case=CaseFactory(procedure=roads, person=citizen_a), by=citizen_a.user
        ),
    }


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_finds_a_person_and_opens_another_units_case_with_a_reason_wcag_aa(
    live_server,
    settings,
    browser,
    two_units,
    agent_1,
    citizen_a,
    theme,
):
    settings.PARCOURS_THEME = theme
    found = {}
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, live_server.url, agent_1.user)
    page = context.new_page()

    page.goto(f"{live_server.url}/agents/recherche/")
    check(page, found, "search-empty", theme)
    page.get_by_label("Nom, numéro de dossier").fill("alice durand")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("hors de vos services").first).to_be_visible()
    check(page, found, "search", theme)

    page.get_by_role("link", name="Alice Durand").first.click()
    expect(page.get_by_role("heading", name="Besoins d'accessibilité")).to_be_visible()
    check(page, found, "person", theme)

    page.get_by_role("link", name="Occupation du trottoir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ouvrir un dossier hors de vos services"
    )
    check(page, found, "access-reason", theme)
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("Choisissez la raison de cette consultation.")).to_be_visible()
    check(page, found, "access-reason-error", theme)
    page.get_by_label("Pourquoi ouvrez-vous ce dossier ?").select_option("person_at_counter")
    page.get_by_label("Précisez en quelques mots").fill("Madame Durand est à l'accueil.")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("sans pouvoir agir dessus")).to_be_visible()
    check(page, found, "case-out-of-scope", theme)

    citizen = browser.new_context(locale="fr-FR")
    sign_in_context(citizen, live_server.url, citizen_a.user)
    portal = citizen.new_page()
    portal.goto(f"{live_server.url}/dossiers/{two_units['roads'].reference}/")
    expect(portal.get_by_text("Madame Durand est à l'accueil.")).to_be_visible()
    check(portal, found, "portal-case-accesses", theme)

    assert found == {name: [] for name in found}
