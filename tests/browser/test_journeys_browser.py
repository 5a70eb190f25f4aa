"""The pages of life events, journeys and « Mes informations et leur origine » in a real
browser, in both themes: axe finds no WCAG 2.1 A or AA violation, and a screenshot of
each goes to ``var/e2e/``."""

from pathlib import Path

import axe_playwright_python
import pytest

from parcours.cases import services as case_services
from parcours.journeys import services
from parcours.journeys.enums import StepCondition
from parcours.journeys.models import LifeEvent, LifeEventStep
from tests.browser_support import BROWSER_MARKS, WCAG_AA, describe, sign_in
from tests.factories import OrganisationFactory, ProcedureFactory, UnitFactory

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path("var/e2e")
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture
def journey(transactional_db, unit_1, citizen_a, agent_1):
    caisse = OrganisationFactory(name="Caisse des prestations", slug="caisse")
    housing = UnitFactory(organisation=caisse, name="Aides au logement", slug="logement")
    address = ProcedureFactory(handling_unit=unit_1, code="ADR", title="Changement d'adresse")
    aid = ProcedureFactory(handling_unit=housing, code="ALO", title="Aide au logement")
    event = LifeEvent.objects.create(
        organisation=unit_1.organisation,
        slug="je-demenage",
        title="Je déménage",
        summary="Les démarches d'un déménagement, au même endroit.",
        referent_unit=unit_1,
        is_published=True,
    )
    first = LifeEventStep.objects.create(
        life_event=event, position=1, procedure=address, explanation="Pour votre courrier."
    )
    LifeEventStep.objects.create(
        life_event=event,
        position=2,
        procedure=aid,
        explanation="Un nouveau loyer peut ouvrir droit à une aide.",
        condition=StepCondition.AFTER_ACCEPTED,
        after_step=first,
    )
    journey = services.journey_start(life_event=event, user=citizen_a.user)
    case = services.journey_start_step(journey=journey, step=first, by=citizen_a.user)
    case = case_services.case_update_draft(
        case=case, by=citizen_a.user, form_data={"subject": "Nouvelle adresse"}
    )
    case = case_services.case_submit(case=case, by=citizen_a.user)
    case_services.case_accept(case=case, by=agent_1.user, reasons="")
    return journey


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_journey_pages_pass_axe_in_both_themes(
    live_server, settings, browser, journey, citizen_a, theme, monkeypatch
):
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(case_services, name, lambda *args: None, raising=False)
    settings.PARCOURS_THEME = theme
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    sign_in(page, live_server.url, citizen_a.user)
    pages = {
        "life-events": "/evenements-de-vie/",
        "life-event": "/evenements-de-vie/je-demenage/",
        "journeys": "/mes-parcours/",
        "journey": f"/mes-parcours/{journey.pk}/",
        "information": "/mes-informations/",
        "mandates": "/mes-mandats/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(SCREENSHOTS / f"journeys-{theme}-{name}.png"), full_page=True)
        found = page.evaluate(
            "options => axe.run(document, options)", {**WCAG_AA, "resultTypes": ["violations"]}
        )
        assert describe(found["violations"]) == [], name
    page.goto(f"{live_server.url}/mes-parcours/{journey.pk}/")
    assert page.get_by_text("Des démarches auxquelles vous pourriez avoir droit").is_visible()
    assert page.get_by_role("button", name="Commencer : Aide au logement").is_visible()
    context.close()
