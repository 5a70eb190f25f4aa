"""The neutral theme's styles as a browser draws them (Debian's chromium)."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.browser_support import BROWSER_MARKS, CHROMIUM

pytestmark = BROWSER_MARKS

NEUTRAL_CSS = Path(settings.BASE_DIR) / "parcours" / "static" / "parcours" / "css" / "neutral.css"


def test_a_hint_inside_a_label_is_regular_weight_and_the_label_bold():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_content(
            f"<style>{NEUTRAL_CSS.read_text()}</style>"
            '<label class="pc-label" for="name">Nom'
            " <span class=\"pc-hint\">Tel qu'il est écrit sur la pièce d'identité.</span></label>"
            '<input id="name" class="pc-input">'
        )

        def weight(selector: str) -> int:
            return int(page.eval_on_selector(selector, "e => getComputedStyle(e).fontWeight"))

        label, hint = weight(".pc-label"), weight(".pc-hint")
        browser.close()

    assert label >= 600
    assert hint == 400
