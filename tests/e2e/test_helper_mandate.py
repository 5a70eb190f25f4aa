"""A helper (aidant) and the person they help, in a real browser (Debian's chromium),
JavaScript off: the helper creates a mandate with the person present (signed on
screen: name typed and box ticked), files a case for the person through the portal's
own apply flow and sends a document for them afterwards; the person then sees the mandate and what was done for them, and
revokes it; the helper's very next request is refused with a clear message. axe checks
WCAG 2.1 A and AA on every page visited, and a screenshot of each goes to ``var/e2e/``.
"""

import datetime
import re
from pathlib import Path

import axe_playwright_python
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.mandates.models import Mandate
from tests.browser_support import BROWSER_MARKS, WCAG_AA, describe, sign_in
from tests.cases.test_documents_service import PDF
from tests.factories import PersonFactory, ProcedureFactory

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path("var/e2e")
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")


def axe_violations(axe_page, page, base_url) -> list[str]:
    """axe's WCAG 2.1 A and AA violations on what ``page`` shows. The journey runs with
    JavaScript off, where axe cannot run: its HTML is checked in a page of this site
    with JavaScript on (same styles, same origin)."""
    axe_page.goto(f"{base_url}/accessibilite/")
    axe_page.set_content(page.content())
    axe_page.add_script_tag(path=str(AXE_SCRIPT))
    found = axe_page.evaluate(
        "options => axe.run(document, options)", {**WCAG_AA, "resultTypes": ["violations"]}
    )
    return describe(found["violations"])


@pytest.fixture
def procedures(transactional_db, unit_1):
    return [
        ProcedureFactory(
            handling_unit=unit_1, code="STA", slug="stationnement", title="Carte de stationnement"
        ),
        ProcedureFactory(
            handling_unit=unit_1, code="CAN", slug="cantine", title="Inscription à la cantine"
        ),
    ]


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_helper_acts_under_a_mandate_until_the_person_revokes_it(
    live_server, settings, browser, procedures, helper, organisation, theme, tmp_path
):
    settings.PARCOURS_BASE_URL = live_server.url
    settings.PARCOURS_THEME = theme
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    person = PersonFactory(
        organisation=organisation,
        user__email="jeanne.lambert@example.org",
        given_name="Jeanne",
        family_name="Lambert",
    )
    checked = []
    axe_page = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()

    def visit(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"helper-{theme}-{name}.png"), full_page=True)
        assert axe_violations(axe_page, page, live_server.url) == [], name
        checked.append(name)

    # 1. The helper creates the mandate with the person beside them.
    helper_context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = helper_context.new_page()
    sign_in(page, live_server.url, helper.user)
    page.goto(f"{live_server.url}/aidant/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace aidant : mes mandats")
    visit(page, "01-home")
    page.get_by_role("link", name="Créer un mandat avec une personne").click()
    page.get_by_label("Prénom(s) de la personne").fill("Jeanne")
    page.get_by_label("Nom de la personne").fill("Lambert")
    page.get_by_label("Adresse électronique de la personne").fill("jeanne.lambert@example.org")
    page.get_by_label("Carte de stationnement").check()
    # Too long first: the form says why and keeps what was typed.
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    page.get_by_label("Mandat valable jusqu'au").fill(too_late.isoformat())
    page.get_by_role("radio", name="Signature à l'écran").check()
    page.get_by_label("Signature : la personne tape ses prénom et nom").fill("Jeanne Lambert")
    page.get_by_label(re.compile("J'autorise cet aidant")).check()
    page.get_by_role("button", name="Créer le mandat").click()
    expect(page.get_by_text("Un mandat dure un an au plus").first).to_be_visible()
    expect(page.get_by_label("Nom de la personne")).to_have_value("Lambert")
    visit(page, "02-mandate-error")
    ends_on = timezone.localdate() + datetime.timedelta(days=180)
    page.get_by_label("Mandat valable jusqu'au").fill(ends_on.isoformat())
    page.get_by_label(re.compile("J'autorise cet aidant")).check()
    page.get_by_role("button", name="Créer le mandat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandat de Jeanne Lambert")
    visit(page, "03-mandate")
    mandate = Mandate.objects.get()
    assert mandate.is_active
    assert mandate.user == person.user
    assert any("Vous avez donné un mandat" in m.subject for m in mail.outbox)

    # 2. The helper files the case for the person, with the portal's own form.
    page.get_by_role(
        "button", name=re.compile("Faire cette démarche : Carte de stationnement")
    ).click()
    expect(page.get_by_text("Vous faites cette démarche pour")).to_be_visible()
    visit(page, "04-apply-step")
    page.get_by_label("Objet de la demande").fill("Carte pour la rue des Lilas")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Continuer vers la vérification").click()
    visit(page, "05-apply-review")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier « Carte de stationnement »")
    case = Case.objects.get(procedure=procedures[0])
    assert case.state == CaseState.SUBMITTED
    assert case.person == person
    expect(page.get_by_text("Fait par").first).to_be_visible()
    visit(page, "06-helper-case")
    # A document sent for the person afterwards, as the person would.
    page.get_by_role("link", name="Envoyer une autre pièce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Envoyer des pièces pour Jeanne Lambert"
    )
    scan = tmp_path / "attestation.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("Fichier pour « Autre pièce »").set_input_files(str(scan))
    page.get_by_role("button", name="Envoyer ce fichier pour « Autre pièce »").click()
    expect(
        page.get_by_text("Le fichier « attestation.pdf » est transmis au service")
    ).to_be_visible()
    visit(page, "06b-helper-pieces")
    assert case.documents.get().original_name == "attestation.pdf"

    # 3. The person sees the mandate, the acts done for them, and revokes it.
    person_context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    mine = person_context.new_page()
    sign_in(mine, live_server.url, person.user)
    mine.goto(f"{live_server.url}/dossiers/{case.reference}/")
    expect(mine.get_by_text(re.compile("pour Jeanne Lambert, sous mandat")).first).to_be_visible()
    visit(mine, "07-person-case")
    mine.goto(f"{live_server.url}/dossiers/")
    mine.get_by_role("link", name="Mes mandats", exact=True).click()  # the header's link
    expect(mine.get_by_role("heading", level=2, name=re.compile("Mandat donné à"))).to_be_visible()
    expect(mine.get_by_text("Démarche « Carte de stationnement » commencée")).to_be_visible()
    expect(mine.get_by_text(re.compile("Dépôt — dossier n°"))).to_be_visible()
    visit(mine, "08-person-mandates")
    mine.get_by_role("button", name=re.compile("Révoquer ce mandat")).click()
    expect(mine.get_by_text(re.compile("Le mandat est révoqué"))).to_be_visible()
    visit(mine, "09-person-revoked")

    # 4. The helper's very next request is refused, and says why.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous ne pouvez pas agir ici")
    expect(page.get_by_text(re.compile("Jeanne Lambert a révoqué ce mandat"))).to_be_visible()
    visit(page, "10-helper-denied")
    assert len(checked) == 11
    helper_context.close()
    person_context.close()
