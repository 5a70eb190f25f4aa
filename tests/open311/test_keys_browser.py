"""The Open311 keys page in a real browser (Debian's chromium), in both themes: an
administrator forgets the name then makes a key, sees it once, and revokes it; axe
finds no WCAG 2.1 A or AA violation at any step."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from parcours.open311.models import Open311Key, token_hash
from tests.backoffice.conftest import verified
from tests.browser_support import BROWSER_MARKS, add_session, violations

pytestmark = BROWSER_MARKS

KEYS = reverse("backoffice:open311_keys")


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_an_administrator_makes_a_key_sees_it_once_and_revokes_it(
    transactional_db, live_server, settings, browser, administrator, theme
):
    settings.PARCOURS_THEME = theme
    context = browser.new_context(locale="fr-FR")
    add_session(context, live_server.url, verified(Client(), administrator.user))
    page = context.new_page()
    found = {}

    page.goto(live_server.url + KEYS)
    expect(page.locator("h1")).to_have_text("Clés Open311")
    expect(page.get_by_text("Aucune clé pour le moment.")).to_be_visible()
    found["empty"] = violations(page)

    # A key without a name: refused, politely, on the same page.
    page.get_by_role("button", name="Créer la clé").click()
    expect(page).to_have_title(re.compile(r"^Erreur"))
    expect(page.get_by_text("Donnez un nom à la clé").first).to_be_visible()
    found["error"] = violations(page)

    page.locator("#id_name").fill("Appli Ma rue")
    page.get_by_role("button", name="Créer la clé").click()
    shown = page.locator("#new-key")
    expect(shown).to_be_visible()
    key = shown.inner_text().strip()
    record = Open311Key.objects.get()
    assert key.startswith("o311_")
    assert (record.name, record.hashed) == ("Appli Ma rue", token_hash(key))
    found["created"] = violations(page)

    # Shown once: the list keeps only the key's beginning.
    page.goto(live_server.url + KEYS)
    expect(page.locator("#new-key")).to_have_count(0)
    expect(page.get_by_role("cell", name="Appli Ma rue", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{record.prefix}…")).to_be_visible()
    assert key not in page.content()

    page.get_by_role("button", name="Révoquer Appli Ma rue").click()
    expect(page.get_by_text("La clé « Appli Ma rue » est révoquée")).to_be_visible()
    expect(page.get_by_role("button", name="Révoquer Appli Ma rue")).to_have_count(0)
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert record.revoked_by == administrator
    found["revoked"] = violations(page)

    context.close()
    assert found == {"empty": [], "error": [], "created": [], "revoked": []}
