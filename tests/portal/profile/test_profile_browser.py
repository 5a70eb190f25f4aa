"""The profile and the identity dispute in a real browser (Debian's chromium), checked by
axe against WCAG 2.1 A and AA in both themes, and used with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from parcours.people.models import IdentityDispute, Person
from tests.browser_support import BROWSER_MARKS, sign_in, violations

pytestmark = BROWSER_MARKS


@pytest.fixture
def certified(transactional_db, citizen_a):
    Person.objects.filter(pk=citizen_a.pk).update(identity_certified=True)
    citizen_a.refresh_from_db()
    return citizen_a


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
@pytest.mark.parametrize("is_certified", [True, False], ids=["certified", "not-certified"])
def test_the_profile_and_the_dispute_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, transactional_db, citizen_a, theme, is_certified
):
    settings.PARCOURS_THEME = theme
    Person.objects.filter(pk=citizen_a.pk).update(identity_certified=is_certified)
    page = browser.new_page(locale="fr-FR")
    sign_in(page, live_server.url, citizen_a.user)
    found = {}
    label = "certified" if is_certified else "not-certified"

    page.goto(f"{live_server.url}/mon-profil/")
    expect(page.locator("h1")).to_have_count(1)
    found["/mon-profil/"] = violations(page)
    page.screenshot(path=f"var/profile-{theme}-{label}.png", full_page=True)
    page.get_by_label("Adresse électronique").fill("alice.example.org")
    page.get_by_label("Téléphone").fill("12")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    found["/mon-profil/ (errors)"] = violations(page)
    page.screenshot(path=f"var/profile-{theme}-{label}-errors.png", full_page=True)
    if is_certified:
        page.goto(f"{live_server.url}/mon-profil/signaler/")
        expect(page.locator("h1")).to_have_count(1)
        found["/mon-profil/signaler/"] = violations(page)
        page.get_by_role("button", name="Envoyer mon signalement").click()
        found["/mon-profil/signaler/ (errors)"] = violations(page)
        page.screenshot(path=f"var/profile-{theme}-dispute-errors.png", full_page=True)

    assert {path: v for path, v in found.items() if v} == {}


def test_the_citizen_keeps_their_profile_with_javascript_off(live_server, browser, certified):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, certified.user)

    page.goto(f"{live_server.url}/dossiers/")
    page.get_by_role("link", name="Mon profil").click()
    assert page.get_by_text("Certifiée par FranceConnect").is_visible()
    page.get_by_label("Téléphone").fill("12 34")
    page.get_by_label("Commune").fill("Olivet")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    assert page.get_by_label("Commune").input_value() == "Olivet"
    page.get_by_label("Téléphone").fill("07 00 00 00 01")
    page.get_by_label("Documents en gros caractères").check()
    page.get_by_label("Recevoir par courriel chaque nouvelle de mes dossiers").uncheck()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    assert page.get_by_text("Votre profil est enregistré.").is_visible()

    page.get_by_role("link", name="Signaler une erreur dans mon identité").click()
    page.get_by_label("Prénom(s)").check()
    page.get_by_label("La valeur exacte").fill("Alice-Marie")
    page.get_by_role("button", name="Envoyer mon signalement").click()
    assert page.get_by_text("Votre signalement est enregistré.").is_visible()
    page.screenshot(path="var/profile-nojs.png", full_page=True)

    certified.refresh_from_db()
    assert (certified.phone, certified.city, certified.accessibility_needs) == (
        "07 00 00 00 01",
        "Olivet",
        ["large_print"],
    )
    assert certified.notify_by_email is False
    assert IdentityDispute.objects.get().proposed_value == "Alice-Marie"
