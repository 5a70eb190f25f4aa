"""The channels' pages in a real browser, in both themes, checked by axe against WCAG
2.1 AA: the triage queue of emails and attaching one, recording a call, filing a
request at the counter in accompanied mode, a call-back's outcome, and duplicates."""

import pytest
from playwright.sync_api import expect

from parcours.channels import inbound
from parcours.contacts import services as contact_services
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, violations
from tests.factories import PersonFactory

pytestmark = BROWSER_MARKS


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/channels-{theme}-{name}.png", full_page=True)


@pytest.fixture
def scene(transactional_db, settings, organisation, unit_1, citizen_a, manager, no_receipt_pdf):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PARCOURS_INBOUND_DOMAINS = ["bellerive.example.org"]
    unit_1.email = "education@bellerive.example.org"
    unit_1.save()
    content = (
        "From: Zoé Martin <zoe@example.net>\r\nTo: education@bellerive.example.org\r\n"
        "Subject: Inscription à la cantine\r\n\r\nBonjour, je voudrais inscrire mon fils Hugo.\r\n"
    ).encode()
    inbound.receive(envelope_from="zoe@example.net", recipients=[unit_1.email], content=content)
    citizen_a.phone = "06 11 22 33 44"
    citizen_a.save()
    PersonFactory(
        organisation=organisation,
        user=None,
        given_name="Alice",
        family_name="Durand",
        email="",
        phone="06 11 22 33 44",
    )
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    contact_services.callback_request(
        person=citizen_a,
        unit=unit_1,
        by=citizen_a.user,
        phone="06 11 22 33 44",
        day=day,
        half_day="morning",
        topic="Question sur la cantine",
    )


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_sorts_an_email_records_a_call_and_files_a_request_wcag_aa(
    live_server, settings, browser, scene, agent_1, citizen_a, procedure, theme
):
    settings.PARCOURS_THEME = theme
    found = {}
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, live_server.url, agent_1.user)
    page = context.new_page()

    page.goto(f"{live_server.url}/agents/courriels/")
    expect(page.get_by_role("link", name="Inscription à la cantine")).to_be_visible()
    check(page, found, "triage", theme)
    page.get_by_role("link", name="Inscription à la cantine").click()
    check(page, found, "inbound", theme)
    page.get_by_label("Nom, courriel, téléphone ou date de naissance").fill("Durand")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Rattacher le courriel").click()
    expect(page.get_by_text("Choisissez la personne").first).to_be_visible()
    check(page, found, "inbound-error", theme)
    page.get_by_label("Alice Durand").first.check()
    page.get_by_role("button", name="Rattacher le courriel").click()
    expect(page.get_by_text("Le courriel est rattaché à Alice Durand.")).to_be_visible()

    page.goto(f"{live_server.url}/agents/echanges/nouveau/")
    check(page, found, "contact-new", theme)
    page.get_by_label("Nom, courriel, téléphone ou date de naissance").fill("06 11 22 33 44")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="Enregistrer un échange avec Alice Durand").first.click()
    page.get_by_role("button", name="Enregistrer l'échange").click()
    expect(
        page.get_by_text("Indiquez l'objet de l'échange en quelques mots.").first
    ).to_be_visible()
    check(page, found, "contact-error", theme)
    page.get_by_label("Téléphone").check()
    page.get_by_label("Objet").fill("Question sur la rentrée")
    page.get_by_role("button", name="Enregistrer l'échange").click()
    expect(page.get_by_text("Question sur la rentrée").first).to_be_visible()
    check(page, found, "person-timeline", theme)

    page.get_by_role("link", name="Déposer une demande pour la personne").click()
    page.get_by_label("Démarche").select_option(label=procedure.title)
    page.get_by_label("Au guichet").check()
    page.get_by_label("Accompagnement").check()
    check(page, found, "assisted-start", theme)
    page.get_by_role("button", name="Commencer la demande").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Une réponse est à corriger")).to_be_visible()
    check(page, found, "assisted-error", theme)
    page.get_by_label("Objet de la demande").fill("Inscription de Jules")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("envoyée")
    check(page, found, "assisted-done", theme)

    page.goto(f"{live_server.url}/agents/rappels/")
    check(page, found, "callbacks", theme)
    page.get_by_role("link", name="Alice Durand").click()
    page.get_by_label("Personne jointe").check()
    check(page, found, "callback", theme)
    page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(page.get_by_text("Rappel noté")).to_be_visible()

    assert found == {name: [] for name in found}


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_manager_compares_and_merges_duplicates_wcag_aa(
    live_server, settings, browser, scene, manager, theme
):
    settings.PARCOURS_THEME = theme
    found = {}
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, live_server.url, manager.user)
    page = context.new_page()

    page.goto(f"{live_server.url}/agents/doublons/")
    check(page, found, "duplicates", theme)
    page.get_by_role("link", name="Comparer Alice Durand et Alice Durand").click()
    check(page, found, "duplicate-pair", theme)
    page.get_by_role("button", name="Fusionner les deux fiches").click()
    expect(page.get_by_text("Choisissez la fiche à garder.").first).to_be_visible()
    check(page, found, "duplicate-pair-error", theme)
    page.locator("input[name=keep]").first.check()
    page.get_by_role("button", name="Fusionner les deux fiches").click()
    expect(page.get_by_text("Les fiches sont fusionnées")).to_be_visible()
    page.get_by_role("link", name="fusionnée dans celle-ci").click()
    check(page, found, "merge", theme)

    assert found == {name: [] for name in found}
