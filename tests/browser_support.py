"""What the browser tests share: Debian's chromium driven by Playwright, a session opened
the way Django's test client does, and axe's WCAG 2.1 A and AA check.

The ``browser`` fixture itself is in ``tests/conftest.py``; a browser test module sets
``pytestmark = BROWSER_MARKS``: marked ``browser``, skipped where chromium is missing."""

import contextlib
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="make test installs Debian's chromium"),
]


@contextlib.contextmanager
def launched_browser():
    """Debian's chromium, closed on the way out. Playwright's sync API runs an event loop
    in this thread; the test's own database calls are synchronous and safe here, so
    DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser runs."""
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def add_session(context, base_url, client: Client) -> None:
    """Give a browser context the session of a Django test client."""
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def sign_in_context(context, base_url, user) -> None:
    """Open a session the way Django's test client does: the sign-in pages have their own
    tests."""
    client = Client()
    client.force_login(user)
    add_session(context, base_url, client)


def sign_in(page, base_url, user) -> None:
    """The same for the page's context."""
    sign_in_context(page.context, base_url, user)


def describe(found: list[dict]) -> list[str]:
    """axe's violations, one line each, as the assertions show them."""
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} × {v['nodes'][0]['target']})" for v in found
    ]


def violations(page) -> list[str]:
    """axe's WCAG 2.1 A and AA violations on the page."""
    return describe(Axe().run(page, options=WCAG_AA).response["violations"])
