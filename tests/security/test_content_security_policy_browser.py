"""The main pages of both themes, in a real browser (Debian's chromium), load under the
Content Security Policy without a single violation: every violation event and every
console message about the policy is collected and shown."""

import pytest
from csp.utils import build_policy
from django.template.loader import render_to_string
from django.urls import reverse

from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, sign_in_context

pytestmark = BROWSER_MARKS

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


def _visit(context, url: str) -> list[str]:
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(url)
    # Every request the page makes, finished: on a loaded machine that may take a while.
    page.wait_for_load_state("networkidle", timeout=90_000)
    found = page.evaluate("window.__csp") + console
    page.close()
    return found


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
@pytest.mark.usefixtures("transactional_db")
def test_the_main_pages_load_without_a_policy_violation(
    live_server, browser, settings, theme, procedure, citizen_a, agent_1, unit_1
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    anonymous = browser.new_context()
    anonymous.add_init_script(LISTEN)
    citizen = browser.new_context()
    citizen.add_init_script(LISTEN)
    sign_in_context(citizen, base, citizen_a.user)
    agent = browser.new_context()
    agent.add_init_script(LISTEN)
    sign_in_verified(agent, base, agent_1.user)

    visits = {
        "home": (anonymous, reverse("portal:home")),
        "procedures": (anonymous, reverse("portal:procedures")),
        "procedure": (anonymous, reverse("portal:procedure", args=[procedure.slug])),
        "sign-in": (anonymous, reverse("login")),
        "agents' sign-in": (anonymous, reverse("backoffice:login")),
        "admin site's sign-in": (anonymous, reverse("admin:login")),
        "not found": (anonymous, "/nulle-part/"),
        "citizen's cases": (citizen, reverse("portal:cases")),
        "citizen's profile": (citizen, reverse("portal:profile")),
        "agent's cases": (agent, reverse("backoffice:my_cases")),
        "agent's queue": (agent, reverse("backoffice:queue", args=[unit_1.slug])),
        "API documentation": (anonymous, "/api/v1/docs"),
    }
    found = {name: _visit(context, base + path) for name, (context, path) in visits.items()}
    for context in (anonymous, citizen, agent):
        context.close()

    assert {name: errors for name, errors in found.items() if errors} == {}


@pytest.mark.usefixtures("transactional_db")
def test_the_listener_does_see_a_violation(live_server, browser):
    """The control of the test above: a style attribute and an image from elsewhere
    added to a page are refused, and reported."""
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(live_server.url + reverse("portal:home"))
    page.evaluate(
        """() => document.body.insertAdjacentHTML("beforeend",
        '<p style="color: red">x</p><img alt="" src="http://example.invalid/pixel.png">')"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    found = page.evaluate("window.__csp")
    context.close()

    assert any(line.startswith("style-src") for line in found)
    assert any(line.startswith("img-src") for line in found)


def test_the_server_error_page_keeps_its_own_styles_under_the_policy(browser):
    """The 500 page is rendered without a request, so without a nonce: its <style> is
    allowed by its hash, and it needs nothing else from the site."""
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.route(
        "http://parcours.test/",
        lambda route: route.fulfill(
            status=500,
            body=render_to_string("500.html"),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": build_policy(),
            },
        ),
    )
    page.goto("http://parcours.test/")
    found = page.evaluate("window.__csp")
    width = page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth")
    context.close()

    assert found == []
    assert width == "640px"
