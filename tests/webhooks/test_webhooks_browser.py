"""The webhooks pages in a real browser (Debian's chromium), in both themes: an
administrator forgets the fields, then adds an endpoint, copies its secret, sends a
test event that a local receiver gets, and makes a new secret; axe finds no WCAG 2.1 A
or AA violation at any step."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from parcours.webhooks.models import WebhookEndpoint
from tests.backoffice.conftest import verified
from tests.browser_support import BROWSER_MARKS, add_session, violations

pytestmark = BROWSER_MARKS

LIST = reverse("backoffice:webhooks")


@pytest.mark.parametrize("theme", ["dsfr", "neutral"])
def test_an_administrator_adds_an_endpoint_tests_it_and_changes_its_secret(
    transactional_db, live_server, settings, browser, administrator, allow_local, receiver, theme
):
    settings.PARCOURS_THEME = theme
    context = browser.new_context(locale="fr-FR")
    add_session(context, live_server.url, verified(Client(), administrator.user))
    page = context.new_page()
    found = {}

    page.goto(live_server.url + LIST)
    expect(page.locator("h1")).to_have_text("Webhooks")
    expect(page.get_by_text("Aucun point de réception pour le moment.")).to_be_visible()
    found["empty"] = violations(page)

    # Nothing filled in: refused, politely, with a summary that leads to each field.
    page.get_by_role("button", name="Ajouter et obtenir le secret").click()
    expect(page).to_have_title(re.compile(r"^Erreur"))
    expect(page.get_by_role("link", name=re.compile("^Nom : Donnez un nom"))).to_be_visible()
    found["error"] = violations(page)

    page.locator("#id_name").fill("GRU de la ville")
    page.locator("#id_url").fill(receiver.url)
    page.get_by_label("Dossier déposé").check()
    page.get_by_role("button", name="Ajouter et obtenir le secret").click()
    secret = page.locator("#new-secret").inner_text().strip()
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret
    assert endpoint.events == ["case.submitted"]
    found["created"] = violations(page)

    page.get_by_role("link", name="Voir ce point de réception et lui envoyer un test").click()
    expect(page.locator("h1")).to_have_text("GRU de la ville")
    assert secret not in page.content()
    page.get_by_role("button", name="Envoyer un événement de test").click()
    expect(page.get_by_text("Un événement de test est envoyé.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("cell", name="webhook.ping")).to_be_visible()
    assert len(receiver.received) == 1
    found["detail"] = violations(page)

    page.get_by_role("button", name="Créer un nouveau secret").click()
    new_secret = page.locator("#new-secret").inner_text().strip()
    endpoint.refresh_from_db()
    assert new_secret == endpoint.secret != secret
    found["rotated"] = violations(page)

    context.close()
    assert found == {"empty": [], "error": [], "created": [], "detail": [], "rotated": []}
