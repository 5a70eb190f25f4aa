"""The catalogue and the citizen's actions in a real browser (Debian's chromium), checked
by axe against WCAG 2.1 A and AA in both themes; and answering with JavaScript off."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.catalog.enums import CommitmentKind
from parcours.catalog.models import Commitment
from parcours.organisations.enums import Weekday
from parcours.organisations.models import OpeningHours
from tests.browser_support import BROWSER_MARKS, sign_in, violations
from tests.cases.test_documents_service import PDF
from tests.factories import rewrite_published_version

pytestmark = BROWSER_MARKS


@pytest.fixture
def awaiting_case(transactional_db, procedure, citizen_a, agent_1, unit_1):
    version = procedure.current_version
    version.required_documents = [
        {"code": "domicile", "label": "Justificatif de domicile", "help": "Moins de 3 mois."},
        {"code": "livret", "label": "Livret de famille", "required": False},
    ]
    rewrite_published_version(version)
    Commitment.objects.create(
        organisation=procedure.organisation,
        kind=CommitmentKind.FIRST_REPLY,
        target=5,
        wording="Nous répondons à vos messages sous 5 jours ouvrés.",
    )
    OpeningHours.objects.create(
        unit=unit_1, weekday=Weekday.MONDAY, opens_at="09:00", closes_at="12:00"
    )
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"subject": "Inscription"},
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    case = services.case_start_review(case=case, by=agent_1.user)
    return services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Merci de nous envoyer un justificatif de domicile.",
        due_on=case.received_on + datetime.timedelta(days=15),
    )


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_catalogue_and_the_case_actions_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, awaiting_case, theme
):
    settings.PARCOURS_THEME = theme
    reference = awaiting_case.reference
    slug = awaiting_case.procedure.slug
    page = browser.new_page(locale="fr-FR")
    found = {}

    for path in ["/demarches/", "/demarches/?q=demarche&theme=relation", f"/demarches/{slug}/"]:
        page.goto(live_server.url + path)
        expect(page.locator("h1"), path).to_have_count(1)
        found[path] = violations(page)
        page.screenshot(path=f"var/space-{theme}-{slugify(path)}.png", full_page=True)
    sign_in(page, live_server.url, awaiting_case.person.user)
    for path in [
        f"/dossiers/{reference}/",
        f"/dossiers/{reference}/retirer/",
        f"/dossiers/{reference}/repondre/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("h1"), path).to_have_count(1)
        found[path] = violations(page)
        page.screenshot(path=f"var/space-{theme}-{slugify(path)}.png", full_page=True)
    # An empty answer shows its error accessibly too.
    page.get_by_role("button", name="Envoyer ma réponse").click()
    found["/repondre/ (errors)"] = violations(page)

    assert {path: v for path, v in found.items() if v} == {}


def test_the_citizen_answers_a_request_with_javascript_off(live_server, browser, awaiting_case):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()

    sign_in(page, live_server.url, awaiting_case.person.user)
    page.goto(f"{live_server.url}/dossiers/{awaiting_case.reference}/")
    page.get_by_role("link", name="Répondre à notre demande").click()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    assert page.get_by_text("Écrivez votre réponse avant de l'envoyer.").is_visible()
    page.get_by_label("Votre réponse").fill("Voici mon justificatif de domicile.")
    page.get_by_label("Documents à joindre").set_input_files(
        {"name": "facture-edf.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Envoyer ma réponse").click()

    assert page.get_by_text("Merci, votre réponse est envoyée.").is_visible()
    page.screenshot(path="var/answer-nojs.png", full_page=True)
    awaiting_case.refresh_from_db()
    assert awaiting_case.state == CaseState.IN_REVIEW
    # The file is listed on the case page and downloads as it was sent.
    with page.expect_download() as download:
        page.get_by_role("link", name="facture-edf.pdf").click()
    assert download.value.suggested_filename == "facture-edf.pdf"
    assert Path(download.value.path()).read_bytes() == PDF


@pytest.fixture
def decided_case(transactional_db, procedure, citizen_a, agent_1):
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"subject": "Inscription"},
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    case = services.case_start_review(case=case, by=agent_1.user)
    return services.case_reject(
        case=case, by=agent_1.user, reasons="Vous n'habitez pas la commune."
    )


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_decision_letter_and_the_documents_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, decided_case, theme
):
    settings.PARCOURS_THEME = theme
    reference = decided_case.reference
    decision = decided_case.decisions.get()
    page = browser.new_page(locale="fr-FR")
    sign_in(page, live_server.url, decided_case.person.user)
    found = {}

    for path in [f"/dossiers/{reference}/", f"/dossiers/{reference}/decisions/{decision.pk}/"]:
        page.goto(live_server.url + path)
        expect(page.locator("h1"), path).to_have_count(1)
        found[path] = violations(page)
        page.screenshot(path=f"var/space-{theme}-{slugify(path)}.png", full_page=True)

    assert {path: v for path, v in found.items() if v} == {}
    # The letter downloads from the case page, by the name its link gives.
    page.goto(f"{live_server.url}/dossiers/{reference}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la décision du").click()
    assert download.value.suggested_filename == (
        f"decision-{reference}-{decision.decided_on.isoformat()}.pdf"
    )
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
