"""The server error page and the page for a form sent too late, in a real browser
(Debian's chromium) checked by axe against the WCAG 2.1 A and AA rules, in both themes."""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.browser_support import BROWSER_MARKS, violations

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(browser):
    return browser.new_context(locale="fr-FR").new_page()


def test_the_server_error_page_meets_wcag_aa(page):
    page.set_content(render_to_string("500.html"))

    expect(page.locator("h1")).to_have_count(1)
    assert violations(page) == []


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_form_sent_after_its_token_expired_gets_an_accessible_page_and_a_way_back(
    live_server, transactional_db, settings, page, theme
):
    settings.PARCOURS_THEME = theme
    # Wait until the browser has made every request of the page (its icon too): a request still
    # on its way would bring the CSRF cookie back after it is cleared.
    page.goto(f"{live_server.url}/connexion/", wait_until="networkidle")
    page.context.clear_cookies()  # what an expired token looks like to Django

    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()

    expect(page.locator("h1")).to_have_text("Votre formulaire n'a pas pu être pris en compte")
    assert violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Revenir à la page et renvoyer le formulaire").click()
    expect(page.locator("h1")).to_have_text("Se connecter")
