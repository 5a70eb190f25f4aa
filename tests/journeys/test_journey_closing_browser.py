"""Ending a journey in a real browser (Debian's chromium), in both themes: the
referent's closing page (and its error), the person's page to stop their journey, and
the ended journey as both read it. axe finds no WCAG 2.1 A or AA violation."""

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from parcours.cases import services as case_services
from parcours.journeys import services
from parcours.journeys.enums import JourneyOutcome
from parcours.journeys.models import Journey
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser.test_journeys_browser import journey  # noqa: F401 — fixture
from tests.browser_support import BROWSER_MARKS, WCAG_AA, describe, sign_in

pytestmark = BROWSER_MARKS

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")


def _context(browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(path=str(AXE_SCRIPT))
    return context


def _violations(page) -> list[str]:
    found = page.evaluate(
        "options => axe.run(document, options)", {**WCAG_AA, "resultTypes": ["violations"]}
    )
    return describe(found["violations"])


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_pages_that_end_a_journey_pass_axe_in_both_themes(
    live_server,
    settings,
    browser,
    journey,  # noqa: F811
    citizen_a,
    agent_1,
    theme,
    monkeypatch,
):
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(case_services, name, lambda *args: None, raising=False)
    settings.PARCOURS_THEME = theme
    services.journey_take(journey=journey, agent=agent_1)
    base = live_server.url
    found = {}

    # The referent: a step is left (the housing aid), so closing needs a reason.
    agent_context = _context(browser)
    agent_page = agent_context.new_page()
    sign_in_verified(agent_context, base, agent_1.user)
    agent_page.goto(f"{base}/agents/parcours/{journey.pk}/")
    found["referent: journey"] = _violations(agent_page)
    agent_page.get_by_role("link", name="Clore ce parcours").click()
    found["referent: close"] = _violations(agent_page)
    agent_page.get_by_role("button", name="Clore le parcours").click()
    expect(agent_page.get_by_text("dites pourquoi vous clôturez").first).to_be_visible()
    found["referent: close, error"] = _violations(agent_page)

    # The person stops it instead, saying why.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, base, citizen_a.user)
    page.goto(f"{base}/mes-parcours/{journey.pk}/")
    page.get_by_role("link", name="Arrêter ce parcours").click()
    found["person: stop"] = _violations(page)
    page.get_by_label("Pourquoi (facultatif)").fill("Je reste finalement dans mon logement.")
    page.get_by_role("button", name="Arrêter mon parcours").click()
    expect(page.get_by_text("Votre parcours est arrêté.")).to_be_visible()
    expect(page.get_by_role("button", name="Commencer : Aide au logement")).to_have_count(0)
    found["person: ended journey"] = _violations(page)
    page.goto(f"{base}/mes-parcours/")
    expect(page.get_by_role("heading", name="Parcours terminés")).to_be_visible()
    found["person: journeys"] = _violations(page)
    context.close()

    # The referent reads it ended, read-only, with its history.
    agent_page.goto(f"{base}/agents/parcours/{journey.pk}/")
    expect(agent_page.get_by_text("Je reste finalement dans mon logement.").first).to_be_visible()
    expect(agent_page.get_by_role("link", name="Clore ce parcours")).to_have_count(0)
    found["referent: ended journey"] = _violations(agent_page)
    agent_page.goto(f"{base}/agents/parcours/")
    found["referent: journeys"] = _violations(agent_page)
    agent_context.close()

    assert Journey.objects.get(pk=journey.pk).outcome == JourneyOutcome.ABANDONED
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 8
