"""Every page, in both themes, in a real browser (Debian's chromium) checked by axe
against the WCAG 2.1 A and AA rules; and every page works with JavaScript off."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from parcours.cases import services

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="make test installs Debian's chromium"),
]


@pytest.fixture
def submitted_case(transactional_db, procedure, citizen_a):
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"subject": "Inscription"},
    )
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # set-up and tear-down are synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} × {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_every_page_meets_wcag_aa_in_both_themes(
    live_server, settings, browser, submitted_case, theme
):
    settings.PARCOURS_THEME = theme
    reference = submitted_case.reference
    page = browser.new_page(locale="fr-FR")
    public = ["/", "/contact/", "/accessibilite/", "/connexion/"]
    private = [
        "/dossiers/",
        f"/dossiers/{reference}/",
        f"/dossiers/{reference}/accuse-de-reception/",
    ]
    found = {}

    for path in public:
        page.goto(live_server.url + path)
        found[path] = violations(page)
    # A failed sign-in shows its errors accessibly too.
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("button", name="Se connecter").click()
    found["/connexion/ (errors)"] = violations(page)
    sign_in(page, live_server.url, "alice@example.org")
    for path in private:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        found[path] = violations(page)

    assert {path: v for path, v in found.items() if v} == {}


def test_the_citizen_follows_a_case_with_javascript_off(live_server, browser, submitted_case):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()

    sign_in(page, live_server.url, "alice@example.org")
    page.get_by_role("link", name="Mes dossiers").first.click()
    page.get_by_role("link", name=submitted_case.reference).click()
    page.get_by_role("link", name="Accusé de réception").click()

    assert (
        page.get_by_role("heading", level=1).inner_text() == "Accusé de réception de votre demande"
    )
    page.screenshot(path="var/receipt-nojs.png", full_page=True)
