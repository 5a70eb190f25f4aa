"""Signing in, in a real browser (Debian's chromium): through the OpenID Connect
provider end to end, and every sign-in page checked by axe (WCAG 2.1 A and AA)."""

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from parcours.accounts.models import User
from parcours.accounts.tokens import magic_link_token
from parcours.people.models import Person
from tests.browser_support import BROWSER_MARKS, violations

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    # The provider's own pages load a stylesheet from the Internet: not needed here.
    context.route("https://**", lambda route: route.abort())
    yield context.new_page()
    context.close()


def test_a_citizen_signs_in_through_the_identity_provider(
    live_server, transactional_db, identity_provider, page, citizen_a
):
    identity_provider.set_person(
        "sub-alice",
        given_name="Alice",
        family_name="Durand-Certifiée",
        birthdate="1990-05-17",
        email="alice@example.org",
    )

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Se connecter avec FranceConnect").click()
    page.get_by_placeholder("sub").fill("sub-alice")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(1)
    citizen_a.refresh_from_db()
    assert citizen_a.identity_certified
    assert citizen_a.family_name == "Durand-Certifiée"
    assert User.objects.get(oidc_sub="sub-alice") == citizen_a.user
    assert Person.objects.filter(identity_certified=True).count() == 1


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_sign_in_pages_meet_wcag_aa_in_both_themes(
    live_server, transactional_db, identity_provider, settings, page, citizen_a, theme
):
    settings.PARCOURS_THEME = theme
    user = citizen_a.user
    link = reverse(
        "accounts:magic_link_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": magic_link_token.make_token(user),
        },
    )
    found = {}

    for path in [
        "/connexion/",
        # Back from a draft after the session expired: with the notice.
        "/connexion/?next=" + reverse("portal:apply_step", args=[1, 2]),
        reverse("accounts:magic_link"),
        reverse("accounts:magic_link_confirm", args=["Mg", "used-or-expired"]),
        reverse("accounts:oidc_callback") + "?error=access_denied",
        link,
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("h1"), path).to_have_count(1)
        found[path] = violations(page)

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.locator("#erreurs")).to_have_count(1)
    found["sign-in (errors)"] = violations(page)
    page.goto(live_server.url + reverse("accounts:magic_link"))
    page.get_by_role("button", name="Recevoir le lien").click()
    found["magic link (errors)"] = violations(page)
    page.get_by_label("Adresse électronique").fill("alice@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")
    found["magic link sent"] = violations(page)

    assert {path: v for path, v in found.items() if v} == {}
