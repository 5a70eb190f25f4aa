"""The server error page and the page for a form sent too late, in a real browser
(Debian's chromium) checked by axe against the WCAG 2.1 A and AA rules, in both themes."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.loader import render_to_string
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="make test installs Debian's chromium"),
]


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="fr-FR")
        yield context.new_page()
        browser.close()


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} × {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def test_the_server_error_page_meets_wcag_aa(page):
    page.set_content(render_to_string("500.html"))

    assert page.locator("h1").count() == 1
    assert violations(page) == []


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_form_sent_after_its_token_expired_gets_an_accessible_page_and_a_way_back(
    live_server, transactional_db, settings, page, theme
):
    settings.PARCOURS_THEME = theme
    page.goto(f"{live_server.url}/connexion/")
    page.context.clear_cookies()  # what an expired token looks like to Django

    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()

    expect(page.locator("h1")).to_have_text("Votre formulaire n'a pas pu être pris en compte")
    assert violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Revenir à la page et renvoyer le formulaire").click()
    expect(page.locator("h1")).to_have_text("Se connecter")
