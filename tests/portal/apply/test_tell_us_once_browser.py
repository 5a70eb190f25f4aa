"""Tell us once in a real browser (Debian's chromium), with JavaScript off: the steps
that show what we already hold, and the documents step that offers a piece already
given, each checked by axe against WCAG 2.1 A and AA, in both themes."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from parcours.cases.models import Case
from parcours.people.models import DataSharingConsent
from tests.browser_support import BROWSER_MARKS, sign_in_context, violations
from tests.cases.tell_us_once import earlier_request, procedure_asking_again

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path("var/screenshots/tell-us-once")


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_citizen_reuses_what_they_already_gave_without_javascript_and_every_page_passes_axe(
    live_server, settings, browser, transactional_db, unit_1, citizen_a, theme
):
    settings.PARCOURS_THEME = theme
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    citizen_a.identity_certified = True
    citizen_a.birth_date = datetime.date(1986, 4, 12)
    citizen_a.save()
    procedure = procedure_asking_again(unit_1, slug="carte-resident", title="Carte de résident")
    earlier, given = earlier_request(person=citizen_a, procedure=procedure)
    nojs = browser.new_context(java_script_enabled=False, locale="fr-FR")
    sign_in_context(nojs, live_server.url, citizen_a.user)
    page = nojs.new_page()
    # axe needs JavaScript: a second tab with the same session checks each page.
    checker = browser.new_context(locale="fr-FR", storage_state=nojs.storage_state()).new_page()
    found = {}

    def check(name):
        expect(page.locator("h1"), name).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / f"{theme}-{name}.png"), full_page=True)
        checker.goto(page.url)
        found[name] = violations(checker)

    page.goto(f"{live_server.url}/demarches/{procedure.slug}/demande/")
    page.get_by_role("button", name="Commencer ma demande").click()
    check("identity")

    # The certified identity is there, read-only, with where it comes from.
    given_name = page.get_by_label("Prénom(s)")
    assert given_name.input_value() == "Alice"
    assert given_name.get_attribute("readonly") is not None
    assert page.get_by_label("Date de naissance").input_value() == "1986-04-12"
    assert page.get_by_text("elle vient de FranceConnect (identité certifiée)").count() == 3
    assert page.get_by_role("link", name="Elle est inexacte ? Signalez-le.").count() == 3
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Declared data comes from the profile and can be changed for this request.
    check("contact")
    assert page.get_by_label("Téléphone").input_value() == "06 12 34 56 78"
    assert page.get_by_text("elle vient de votre profil").count() == 2
    page.get_by_label("Téléphone").fill("07 00 00 00 01")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Motif de la demande").fill("Je viens d'emménager.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # The piece already given is offered, unticked, with the consent in words.
    check("documents")
    box = page.get_by_label(f"pour le dossier n° {earlier.reference}")
    assert not box.is_checked()
    assert page.get_by_text(
        "J'accepte que ce document soit transmis à Ville de Bellerive pour cette demande."
    ).is_visible()
    reuse = page.get_by_role(
        "button", name="Réutiliser ce document pour « Justificatif de domicile »"
    )
    reuse.click()
    assert page.get_by_role("alert").get_by_role("link").count() == 1
    page.screenshot(path=str(SCREENSHOTS / f"{theme}-documents-error.png"), full_page=True)
    checker.goto(page.url)
    checker.get_by_role(
        "button", name="Réutiliser ce document pour « Justificatif de domicile »"
    ).click()
    found["documents-error"] = violations(checker)
    assert not DataSharingConsent.objects.exists()

    page.get_by_label(f"pour le dossier n° {earlier.reference}").check()
    page.get_by_role(
        "button", name="Réutiliser ce document pour « Justificatif de domicile »"
    ).click()
    assert page.get_by_text(f"repris du dossier n° {earlier.reference}").is_visible()
    check("documents-reused")

    page.get_by_role("button", name="Continuer vers la vérification").click()
    check("review")
    assert page.get_by_text("Repris de FranceConnect (identité certifiée)").count() == 3
    assert page.get_by_text("Repris de votre profil").count() == 1
    page.get_by_role("button", name="Envoyer ma demande").click()

    case = Case.objects.exclude(pk=earlier.pk).get(person=citizen_a)
    assert case.reference
    assert case.form_data["phone"] == "07 00 00 00 01"
    assert case.documents.get().source == given
    assert DataSharingConsent.objects.get().target_case == case
    assert {name: v for name, v in found.items() if v} == {}
