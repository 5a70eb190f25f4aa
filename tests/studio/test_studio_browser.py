"""The studio in a real browser (Debian's chromium), as an organisation administrator
would use it: build a procedure with a conditional question and a file, preview it,
publish it; then a citizen files a request, it reaches the unit the routing rule
names, and an agent of that unit fills in the procedure's private field on the case
page (a refused value explained and kept, then saved). axe checks every studio page against WCAG 2.1 A and AA, in both themes, and a
screenshot of each is written under var/."""

import pytest
from playwright.sync_api import expect

from parcours.cases.models import Case
from parcours.cases.private_fields import private_values
from parcours.catalog.models import Procedure
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, sign_in, violations
from tests.cases.test_documents_service import PDF

pytestmark = BROWSER_MARKS
PHOTO = {"name": "jardin.pdf", "mimeType": "application/pdf", "buffer": PDF}


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/studio-{theme}-{name}.png", full_page=True)


def save(page, name="Enregistrer"):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_administrator_builds_previews_and_publishes_a_procedure_and_a_citizen_files_it(
    live_server, settings, browser, org_admin, unit_1, unit_2, agent_2, citizen_a, theme, tmp_path
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, base, org_admin.user)
    page = context.new_page()

    # A new procedure.
    page.goto(f"{base}/agents/atelier/")
    check(page, found, "list", theme)
    page.get_by_label("Intitulé").fill("Demander un composteur")
    page.get_by_label("Code").fill("CMP")
    page.get_by_label("Service qui reçoit les demandes").select_option(label=unit_1.name)
    save(page, "Créer la démarche")
    procedure = Procedure.objects.get(code="CMP")
    check(page, found, "overview-to-fix", theme)
    expect(page.get_by_text("Indiquez la base légale")).to_be_visible()

    # Its public page, with the readability indicator.
    page.get_by_role("link", name="Page publique", exact=True).click()
    page.get_by_label("En une phrase").fill("Recevoir un composteur gratuit pour votre jardin.")
    page.get_by_label("À quoi sert cette démarche").fill(
        "La ville prête un composteur aux foyers qui le demandent. Afin de procéder à "
        "l'instruction du dossier, les usagers fournissent les pièces justificatives."
    )
    page.get_by_label("Qui peut la faire").fill("Les foyers de la commune qui ont un jardin.")
    page.get_by_label("Thème").select_option("public_space")
    save(page, "Enregistrer la page")
    expect(
        page.get_by_text("« pièces justificatives » : écrivez plutôt « documents ».")
    ).to_be_visible()
    check(page, found, "public", theme)
    page.get_by_label("À quoi sert cette démarche").fill(
        "La ville prête un composteur aux foyers qui le demandent. Nous vous appelons pour le livrer."
    )
    save(page, "Enregistrer la page")

    # Its questions: where, a question shown only for a hamlet, a photo.
    page.get_by_role("link", name="Formulaire", exact=True).click()
    for label, kind in [
        ("Où habitez-vous ?", "Choix unique"),
        ("Nom du hameau", "Texte court"),
        ("Photo du jardin", "Fichier"),
    ]:
        page.get_by_role("textbox", name="Question").fill(label)
        page.get_by_label("Type de réponse").select_option(label=kind)
        save(page, "Ajouter la question")
        if label == "Où habitez-vous ?":
            page.get_by_role("checkbox", name="Réponse obligatoire").check()
            page.get_by_label("Choix proposés").fill("Dans le bourg\nhameau = Dans un hameau")
            check(page, found, "question", theme)
        elif label == "Nom du hameau":
            page.get_by_role("checkbox", name="Réponse obligatoire").check()
            page.get_by_label("Afficher seulement si la question").select_option(
                label="Où habitez-vous ?"
            )
            page.get_by_label("a pour réponse").fill("Dans un hameau")
        else:
            page.get_by_role("checkbox", name="Réponse obligatoire").check()
        save(page, "Enregistrer la question")
    check(page, found, "questions", theme)

    # A field for the agents only.
    page.get_by_role("link", name="Champs réservés aux agents", exact=True).click()
    page.get_by_role("textbox", name="Question").fill("Numéro du composteur prêté")
    page.get_by_label("Type de réponse").select_option(label="Nombre entier")
    save(page, "Ajouter la question")
    save(page, "Enregistrer la question")
    expect(page.get_by_text("Numéro du composteur prêté", exact=True)).to_be_visible()
    check(page, found, "private", theme)

    # Requests from the hamlets go to the second unit.
    page.get_by_role("link", name="Orientation des demandes", exact=True).click()
    page.get_by_label("selon une réponse au formulaire").check()
    page.get_by_label("Service qui reçoit la demande").select_option(label=unit_2.name)
    page.get_by_label("Question lue").select_option(label="Où habitez-vous ?")
    page.get_by_label("Réponse attendue").fill("Dans un hameau")
    save(page, "Ajouter la règle")
    expect(page.get_by_text(f"Vers {unit_2.name}")).to_be_visible()
    check(page, found, "routing", theme)

    # The legal settings.
    page.get_by_role("link", name="Cadre légal", exact=True).click()
    page.get_by_label("Base légale").fill("Code de l'environnement, article L541-1")
    page.get_by_role("checkbox", name="La demande peut être refusée").check()
    page.get_by_label("Voies de recours").fill(
        "Recours gracieux auprès du maire ; tribunal administratif d'Orléans."
    )
    save(page)
    check(page, found, "legal", theme)

    # The preview, with the portal's pages: the hamlet question appears on its answer.
    page.get_by_role("link", name="Aperçu comme un habitant").click()
    check(page, found, "preview", theme)
    page.get_by_role("link", name="Faire la démarche en ligne").click()
    expect(page.get_by_label("Nom du hameau")).to_have_count(0)
    page.get_by_label("Dans un hameau").check()
    page.get_by_label("Photo du jardin").set_input_files(PHOTO)
    save(page, "Enregistrer et continuer")
    expect(page.get_by_label("Nom du hameau")).to_be_visible()
    check(page, found, "preview-step", theme)
    page.get_by_label("Nom du hameau").fill("Les Aubiers")
    save(page, "Enregistrer et continuer")
    expect(page.get_by_text(f"la demande irait au service : {unit_2.name}")).to_be_visible()

    # Publication.
    page.get_by_role("link", name="Retour à la publication").click()
    expect(page.get_by_text("la version peut être publiée")).to_be_visible()
    check(page, found, "overview-ready", theme)
    save(page, "Publier la version 1")
    expect(page.get_by_text("La version 1 est publiée")).to_be_visible()
    procedure.refresh_from_db()
    assert procedure.is_published
    context.close()

    # A citizen files a request from a hamlet, with the photo.
    citizen = browser.new_context(locale="fr-FR")
    page = citizen.new_page()
    sign_in(page, base, citizen_a.user)
    page.goto(f"{base}/demarches/{procedure.slug}/")
    expect(page.get_by_role("heading", name="Demander un composteur")).to_be_visible()
    page.get_by_role("link", name="Faire la démarche en ligne").click()
    save(page, "Commencer ma demande")
    expect(page.get_by_label("Nom du hameau")).to_have_count(0)
    page.get_by_label("Dans un hameau").check()
    page.get_by_label("Photo du jardin").set_input_files(PHOTO)
    save(page, "Enregistrer et continuer")
    expect(page.get_by_text("Fichier joint : jardin.pdf")).to_be_visible()
    page.get_by_label("Nom du hameau").fill("Les Aubiers")
    save(page, "Enregistrer et continuer")
    save(page, "Enregistrer et continuer")  # "Votre situation": nothing to add
    save(page, "Continuer vers la vérification")
    expect(page.get_by_text("jardin.pdf").first).to_be_visible()
    save(page, "Envoyer ma demande")
    case = Case.objects.get(procedure=procedure)
    assert case.reference
    assert case.unit == unit_2
    assert case.form_data["nom_du_hameau"] == "Les Aubiers"
    expect(page.get_by_text("Numéro du composteur prêté")).to_have_count(0)
    citizen.close()

    # An agent of the second unit fills in the private field on the case page.
    agent = browser.new_context(locale="fr-FR")
    sign_in_verified(agent, base, agent_2.user)
    page = agent.new_page()
    page.goto(f"{base}/agents/dossiers/{case.reference}/")
    page.get_by_label("Numéro du composteur prêté").fill("douze")
    save(page, "Enregistrer les champs réservés aux agents")
    expect(page.get_by_text("Une réponse est à corriger")).to_be_visible()
    expect(page.get_by_label("Numéro du composteur prêté")).to_have_value("douze")
    check(page, found, "private-fields-error", theme)
    page.get_by_label("Numéro du composteur prêté").fill("12")
    save(page, "Enregistrer les champs réservés aux agents")
    expect(page.get_by_text("Les champs réservés aux agents sont enregistrés")).to_be_visible()
    expect(page.get_by_label("Numéro du composteur prêté")).to_have_value("12")
    check(page, found, "case-private-fields", theme)
    assert private_values(case) == {"numero_du_composteur_prete": 12}
    agent.close()

    assert found == {key: [] for key in found}
