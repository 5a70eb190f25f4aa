"""A repeatable group in a real browser (Debian's chromium): lines added with the page's
own button (a form button, no script), a wrong line shown next to each of its questions
as a screen reader announces it, and the page in error checked by axe against WCAG 2.1 A
and AA in both themes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parcours.cases import services
from tests.browser_support import BROWSER_MARKS, sign_in, violations
from tests.factories import ProcedureFactory

pytestmark = BROWSER_MARKS

CHILDREN = {
    "name": "children",
    "label": "Enfants à inscrire",
    "type": "group",
    "required": True,
    "max_items": 3,
    "fields": [
        {"name": "name", "label": "Prénom", "type": "text", "required": True},
        {"name": "age", "label": "Âge", "type": "integer", "help": "En années."},
        {
            "name": "canteen",
            "label": "Cantine",
            "type": "yes_no",
            "required": True,
        },
    ],
}


@pytest.fixture
def draft(transactional_db, citizen_a, unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, version={"fields": [CHILDREN]})
    return services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_wrong_line_is_shown_next_to_its_questions_and_meets_wcag_aa(
    live_server, settings, browser, draft, citizen_a, theme
):
    settings.PARCOURS_THEME = theme
    page = browser.new_page(locale="fr-FR")
    sign_in(page, live_server.url, citizen_a.user)
    page.goto(live_server.url + reverse("portal:apply_step", args=[draft.pk, 1]))

    # A first line, then a second one added by the page's button.
    page.get_by_label("Prénom").fill("Léa")
    page.locator("#id_children-0-canteen_0").check()
    page.get_by_role(
        "button", name="Enregistrer et ajouter une ligne à « Enfants à inscrire »"
    ).click()
    line_2 = page.get_by_role("group", name="Ligne 2")
    line_2.get_by_label("Âge").fill("sept")
    page.locator("button[value=next]").click()

    # The page comes back with the second line's questions marked, what was typed kept.
    expect(page).to_have_title(re.compile(r"^\s*Erreur"))
    age = line_2.get_by_label("Âge")
    expect(age).to_have_value("sept")
    expect(age).to_have_attribute("aria-invalid", "true")
    expect(age).to_have_accessible_description(
        "En années. « Âge » : saisissez un nombre entier, sans lettres ni virgule."
    )
    expect(line_2.get_by_label("Prénom")).to_have_accessible_description(
        "« Prénom » est obligatoire."
    )
    expect(line_2.get_by_role("group", name="Cantine")).to_have_accessible_description(
        "« Cantine » est obligatoire."
    )
    # The summary's link to the third message leads to the first radio of "Cantine".
    page.get_by_role(
        "link", name="« Enfants à inscrire », ligne 2 : « Cantine » est obligatoire."
    ).click()
    expect(page.locator("#id_children-1-canteen_0")).to_be_focused()
    # The first line, right, is not marked.
    expect(page.get_by_role("group", name="Ligne 1").get_by_label("Prénom")).to_have_value("Léa")
    assert page.locator("#id_children-0-name[aria-invalid]").count() == 0
    assert violations(page) == []
    page.screenshot(path=f"var/apply-group-errors-{theme}.png", full_page=True)

    # Enter in a field sends the page as "Enregistrer et continuer", never a remove button.
    with page.expect_navigation():
        page.get_by_role("group", name="Ligne 1").get_by_label("Âge").press("Enter")
    expect(page.get_by_role("group", name="Ligne 1").get_by_label("Prénom")).to_have_value("Léa")
    expect(line_2.get_by_label("Âge")).to_have_value("sept")
    expect(line_2.get_by_label("Âge")).to_have_attribute("aria-invalid", "true")

    # The wrong line taken out with its own button: the page comes back without it.
    page.get_by_role("button", name="Retirer la ligne 2 de « Enfants à inscrire »").click()
    expect(page.get_by_role("group", name="Ligne 1").get_by_label("Prénom")).to_have_value("Léa")
    expect(page.get_by_role("group", name="Ligne 2").get_by_label("Âge")).to_have_value("")
    expect(page.locator("[aria-invalid]")).to_have_count(0)
    page.close()
