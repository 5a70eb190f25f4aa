"""Applying in a real browser (Debian's chromium): every step with JavaScript off, and
axe checking each page against the WCAG 2.1 A and AA rules, in both themes."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from parcours.cases.models import Case
from tests.browser_support import BROWSER_MARKS, sign_in_context, violations
from tests.cases.test_documents_service import PDF, WINDOWS_EXE

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path("var/screenshots/apply")


def violations_after_upload(checker, url, piece, content) -> list[str]:
    """axe on the page as it is after a refused upload (it has no address of its own)."""
    checker.goto(url)
    checker.get_by_label(f"Fichier pour « {piece} »").set_input_files(
        {"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    checker.get_by_role("button", name=f"Joindre ce fichier pour « {piece} »").click()
    return violations(checker)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_citizen_applies_step_by_step_without_javascript_and_every_page_passes_axe(
    live_server, settings, browser, transactional_db, school_procedure, citizen_a, theme
):
    settings.PARCOURS_THEME = theme
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    nojs = browser.new_context(java_script_enabled=False, locale="fr-FR")
    # Signed in through a real session (the sign-in page itself is tested elsewhere).
    sign_in_context(nojs, live_server.url, citizen_a.user)
    page = nojs.new_page()
    # axe needs JavaScript: a second tab, signed in with the same session, checks each
    # page the citizen sees.
    checker = browser.new_context(locale="fr-FR", storage_state=nojs.storage_state()).new_page()
    found = {}

    def check(name):
        expect(page.locator("h1"), name).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / f"{theme}-{name}.png"), full_page=True)
        checker.goto(page.url)
        found[name] = violations(checker)

    page.goto(f"{live_server.url}/demarches/{school_procedure.slug}/demande/")
    check("start")
    page.get_by_role("button", name="Commencer ma demande").click()
    check("step-1")

    # A step sent empty shows its errors, summarised at the top with links to the fields.
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert page.get_by_role("alert").get_by_role("link").count() == 3
    page.screenshot(path=str(SCREENSHOTS / f"{theme}-step-1-errors.png"), full_page=True)
    checker.get_by_role("button", name="Enregistrer et continuer").click()
    found["step-1-errors"] = violations(checker)

    page.get_by_label("Prénom de l'enfant").fill("Léa")
    page.get_by_label("Date de naissance").fill("2020-05-04")
    page.get_by_label("École Marie-Curie").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    check("step-2")
    page.get_by_label("Mon enfant mangera à la cantine").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Lundi").check()
    check("step-2-conditional")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    check("step-3")
    page.get_by_label("Courriel de contact").fill("alice@example.org")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    check("step-4")
    page.get_by_label("Frères et sœurs").fill("1")
    page.get_by_label("Revenu mensuel").fill("1 250,50")
    page.get_by_label("Latitude").fill("47,9")
    page.get_by_label("Longitude").fill("1,9")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    check("situation")
    page.get_by_label("Ce que vous voulez nous dire").fill("Je travaille de nuit.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    check("documents")

    # An executable named like a PDF is refused next to its field; nothing is lost.
    page.get_by_label("Fichier pour « Justificatif de domicile »").set_input_files(
        {"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": WINDOWS_EXE}
    )
    page.get_by_role("button", name="Joindre ce fichier pour « Justificatif de domicile »").click()
    assert page.get_by_text("Ce fichier n'est pas un PDF, un JPEG ou un PNG").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"{theme}-documents-error.png"), full_page=True)
    found["documents-error"] = violations_after_upload(
        checker, page.url, "Justificatif de domicile", WINDOWS_EXE
    )
    # A real PDF is attached and listed, with a button to take it back.
    page.get_by_label("Fichier pour « Livret de famille »").set_input_files(
        {"name": "livret.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Joindre ce fichier pour « Livret de famille »").click()
    assert page.get_by_text("Le fichier « livret.pdf » est joint à votre demande.").is_visible()
    assert page.get_by_role("button", name="Retirer livret.pdf").is_visible()
    check("documents-uploaded")
    page.get_by_role("button", name="Continuer vers la vérification").click()
    check("review")
    assert page.get_by_text("École Marie-Curie").is_visible()
    assert page.get_by_text("livret.pdf").is_visible()
    assert page.get_by_text("Il manque une pièce demandée").is_visible()
    page.get_by_role("button", name="Envoyer ma demande").click()
    check("done")

    case = Case.objects.get(person=citizen_a)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Accusé de réception de votre demande"
    )
    assert page.get_by_text(case.reference).first.is_visible()
    assert case.form_data["canteen_days"] == ["mon"]
    assert case.situation == "Je travaille de nuit."
    assert [(d.original_name, d.kind_code) for d in case.documents.all()] == [
        ("livret.pdf", "livret")
    ]
    assert {name: v for name, v in found.items() if v} == {}
