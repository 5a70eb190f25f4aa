"""Correcting a mistake in a real browser (Debian's chromium): every page checked by axe
against WCAG 2.1 A and AA in both themes, errors included; and the whole correction
made with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from parcours.cases import services
from parcours.cases.models import CaseCorrection
from tests.browser_support import BROWSER_MARKS, sign_in, violations
from tests.cases.test_corrections import ANSWERS, CANTEEN_FORM
from tests.factories import ProcedureFactory

pytestmark = BROWSER_MARKS


@pytest.fixture
def sent(transactional_db, unit_1, citizen_a, agent_1):
    procedure = ProcedureFactory(
        handling_unit=unit_1, code="CAN", title="Inscription à la cantine", version=CANTEEN_FORM
    )
    draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data=ANSWERS
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    return services.case_start_review(case=case, by=agent_1.user)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_correction_pages_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, sent, theme
):
    settings.PARCOURS_THEME = theme
    page = browser.new_page(locale="fr-FR")
    sign_in(page, live_server.url, sent.person.user)
    found = {}

    def check(name):
        expect(page.locator("h1"), name).to_have_count(1)
        found[name] = violations(page)
        page.screenshot(path=f"var/correction-{theme}-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/dossiers/{sent.reference}/")
    check("case")
    page.get_by_role("link", name="Corriger une erreur", exact=True).click()
    check("form")
    page.get_by_label("Prénom de l'enfant").fill("")
    page.get_by_role("button", name="Vérifier mes corrections").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    check("form-errors")
    page.get_by_label("Prénom de l'enfant").fill("Léana")
    page.get_by_label("Quelle erreur corrigez-vous ?").fill("J'avais inversé le jour et le mois.")
    page.get_by_role("button", name="Vérifier mes corrections").click()
    check("review")
    page.get_by_role("button", name="Confirmer la correction").click()
    check("case-corrected")

    assert {name: v for name, v in found.items() if v} == {}


def test_the_citizen_corrects_a_mistake_with_javascript_off(live_server, browser, sent):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, sent.person.user)

    page.goto(f"{live_server.url}/dossiers/{sent.reference}/")
    page.get_by_role("link", name="Corriger une erreur", exact=True).click()
    assert page.get_by_label("Prénom de l'enfant").input_value() == "Léa"
    page.get_by_label("École Marie-Curie").check()
    page.get_by_label("Cantine", exact=True).uncheck()
    page.get_by_role("button", name="Vérifier mes corrections").click()
    # The explanation is required; what was typed stays.
    assert page.get_by_text(
        "Expliquez en quelques mots l'erreur que vous corrigez."
    ).first.is_visible()
    assert page.get_by_label("École Marie-Curie").is_checked()
    assert not page.get_by_label("Cantine", exact=True).is_checked()
    page.get_by_label("Quelle erreur corrigez-vous ?").fill("Mauvaise école, et pas de cantine.")
    page.get_by_role("button", name="Vérifier mes corrections").click()

    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).inner_text().split("\t") == [
        "École souhaitée",
        "École Jean-Jaurès",
        "École Marie-Curie",
    ]
    assert rows.nth(2).inner_text().split("\t") == [
        "Jours de cantine",
        "Lundi, Jeudi",
        "Non renseigné",
    ]
    page.get_by_role("button", name="Confirmer la correction").click()

    assert page.get_by_text("Votre correction est enregistrée").is_visible()
    assert page.get_by_text("Vous avez corrigé votre demande").is_visible()
    assert page.get_by_text(
        "École souhaitée : « École Jean-Jaurès » remplacé par « École Marie-Curie »"
    ).is_visible()
    page.screenshot(path="var/correction-nojs.png", full_page=True)
    correction = CaseCorrection.objects.get(case=sent)
    assert correction.explanation == "Mauvaise école, et pas de cantine."
    sent.refresh_from_db()
    assert sent.form_data["school"] == "curie"
    assert "canteen_days" not in sent.form_data
