"""The agent's actions in a real browser (Debian's chromium): sign in with the second
factor, take the next case, ask for a document, (the citizen answers), decide after
reading the letter, hand a case over; the other action pages, the opinions and the
templates. axe checks every new page against WCAG 2.1 A and AA, in both themes."""

import re

import pytest
from playwright.sync_api import expect

from parcours.cases import casework, services
from parcours.cases.enums import CaseState
from parcours.contacts.models import MessageTemplate
from tests.browser_support import BROWSER_MARKS, violations
from tests.factories import AgentFactory, rewrite_published_version

from . import test_backoffice_browser as base_test
from .test_backoffice_browser import PASSWORD, sign_in_verified

pytestmark = BROWSER_MARKS

# A unit with three open cases, as in the agent's day.
busy_unit = base_test.busy_unit


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/case-actions-{theme}-{name}.png", full_page=True)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_takes_asks_decides_and_hands_over_wcag_aa(
    live_server, settings, browser, busy_unit, agent_1, agent_2, manager, unit_1, unit_2,
    citizen_b, organisation, theme,
):  # fmt: skip
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.accounts import two_factor

    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    colleague = AgentFactory(
        unit=unit_1, user__first_name="Paul", user__last_name="Vidal", title="Instructeur"
    )
    MessageTemplate.objects.create(
        organisation=organisation,
        title="Pièce manquante",
        body="Bonjour {prenom}, il nous manque une pièce pour le dossier {reference}.",
    )
    first = busy_unit["first"]
    first.procedure_version.required_documents = [
        {"code": "bail", "label": "Bail ou quittance de loyer"}
    ]
    rewrite_published_version(first.procedure_version)
    device = TOTPDevice.objects.create(user=agent_1.user, name="Téléphone", confirmed=True)
    page = browser.new_page(locale="fr-FR")

    # Sign in with the password and the code of the app.
    page.goto(f"{base}/agents/")
    page.get_by_label("Adresse électronique professionnelle").fill(agent_1.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Code à 6 chiffres").fill(two_factor.current_code(device)[0])
    page.get_by_role("button", name="Se connecter").click()

    # Take the next case and start the review.
    page.get_by_role("button", name="Prendre le dossier suivant").click()
    expect(page.get_by_text("Vous suivez ce dossier.")).to_be_visible()
    check(page, found, "case", theme)
    page.get_by_role("button", name="Commencer l'instruction").click()
    expect(page.get_by_text("L'instruction du dossier commence.")).to_be_visible()

    # Write to the citizen from a template.
    page.get_by_role("link", name="Écrire à l'usager").click()
    page.get_by_label("Partir d'un modèle").select_option(label="Pièce manquante")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    expect(page.get_by_label("Votre message")).to_have_value(
        re.compile(f"il nous manque une pièce pour le dossier {first.reference}")
    )
    check(page, found, "message", theme)
    page.get_by_label("Votre message").fill("")
    page.get_by_role("button", name="Envoyer le message").click()
    check(page, found, "message-error", theme)
    page.get_by_label("Votre message").fill("Bonjour, il manque votre bail.")
    # The text departs from the template: a margin of manoeuvre, with its reason.
    page.get_by_label(re.compile("Si vous modifiez le modèle")).fill("Plus direct pour ce cas.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Votre message est envoyé")).to_be_visible()

    # Ask for a document, with a date.
    page.get_by_role("link", name="Demander une pièce ou une information").click()
    page.get_by_label("Réponse attendue au plus tard le").fill("2000-01-01")
    page.get_by_role("button", name="Envoyer la demande à l'usager").click()
    check(page, found, "request-information-error", theme)
    page.get_by_label("Bail ou quittance de loyer").check()
    page.get_by_label("Ce qui manque, en mots simples").fill("Les deux pages, lisibles.")
    page.get_by_label("Réponse attendue au plus tard le").fill("")
    page.get_by_role("button", name="Envoyer la demande à l'usager").click()
    check(page, found, "request-information-error-2", theme)
    page.get_by_label("Réponse attendue au plus tard le").fill(
        page.evaluate("new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10)")
    )
    page.get_by_role("button", name="Envoyer la demande à l'usager").click()
    expect(page.get_by_text("Votre demande est envoyée à l'usager.")).to_be_visible()
    first.refresh_from_db()
    assert first.state == CaseState.AWAITING_CITIZEN

    # The citizen answers (through the service the portal calls).
    services.case_resume_review(case=first, by=citizen_b.user, reason="Voici mon bail.")

    # Decide: the reasons, the letter as the person will read it, then confirm.
    page.reload()
    page.get_by_role("link", name="Décider").click()
    check(page, found, "decide", theme)
    page.get_by_label("Refuser la demande").check()
    page.get_by_role("button", name="Voir le courrier").click()
    check(page, found, "decide-error", theme)
    page.get_by_label("Motifs de la décision").fill("Le logement est hors de la commune.")
    page.get_by_role("button", name="Voir le courrier").click()
    expect(page.get_by_text("Le logement est hors de la commune.")).to_be_visible()
    expect(page.get_by_text("Claire Martin").first).to_be_visible()
    check(page, found, "decision-preview", theme)
    page.get_by_role("button", name="Confirmer et envoyer la décision").click()
    expect(page.get_by_text("La décision est enregistrée.")).to_be_visible()
    first.refresh_from_db()
    assert first.state == CaseState.REJECTED

    # The next case: a note, the other actions' pages, then the handover.
    page.goto(f"{base}/agents/")
    page.get_by_role("button", name="Prendre le dossier suivant").click()
    second = busy_unit["second"]
    expect(page.get_by_text("Vous suivez ce dossier.")).to_be_visible()
    page.get_by_label("Note interne").fill("Dossier à voir avec la directrice.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Dossier à voir avec la directrice.")).to_be_visible()
    for link, name in [
        ("Transmettre à un autre service", "reroute"),
        ("Classer sans suite", "close"),
        ("Demander un avis", "ask-opinion"),
    ]:
        page.goto(f"{base}/agents/dossiers/{second.reference}/")
        page.get_by_role("link", name=link).click()
        page.get_by_role("button").filter(
            has_text=re.compile("^(Transmettre|Classer|Envoyer)")
        ).click()
        check(page, found, f"{name}-error", theme)
    page.get_by_label("Demander l'avis du service").select_option(label=unit_2.name)
    page.get_by_label("Votre question").fill("Cette rue est-elle la vôtre ?")
    page.get_by_role("button", name="Envoyer la demande d'avis").click()
    expect(page.get_by_text("Votre demande d'avis est envoyée")).to_be_visible()
    page.get_by_role("link", name="Passer la main").click()
    check(page, found, "hand-over", theme)
    page.get_by_label("Confier le dossier à").select_option(label="Paul Vidal — Instructeur")
    page.get_by_role("button", name="Passer la main").click()
    expect(page.get_by_text("Paul Vidal suit désormais le dossier")).to_be_visible()
    second.refresh_from_db()
    assert second.referent == colleague

    # The consulted unit reads the case while the request is open, and answers.
    other = browser.new_context(locale="fr-FR")
    sign_in_verified(other, base, agent_2.user)
    roads = other.new_page()
    roads.goto(f"{base}/agents/avis/")
    check(roads, found, "opinions", theme)
    roads.get_by_role("link", name=re.compile(second.reference)).click()
    check(roads, found, "opinion", theme)
    roads.get_by_role("button", name="Envoyer l'avis").click()
    check(roads, found, "opinion-error", theme)
    roads.get_by_label("Avis de votre service").fill("Oui, c'est une voie communale.")
    roads.get_by_role("button", name="Envoyer l'avis").click()
    expect(roads.get_by_text("Votre avis est envoyé")).to_be_visible()

    # The manager keeps the templates.
    boss_context = browser.new_context(locale="fr-FR")
    sign_in_verified(boss_context, base, manager.user)
    boss = boss_context.new_page()
    boss.goto(f"{base}/agents/modeles/")
    check(boss, found, "templates", theme)
    boss.get_by_role("link", name="Nouveau modèle").click()
    boss.get_by_role("button", name="Enregistrer le modèle").click()
    check(boss, found, "template-error", theme)
    boss.get_by_label("Titre").fill("Relance")
    boss.get_by_label("Texte").fill("Bonjour {prenom}, nous attendons votre réponse.")
    boss.get_by_role("button", name="Enregistrer le modèle").click()
    expect(boss.get_by_role("link", name="Relance")).to_be_visible()

    assert {name: v for name, v in found.items() if v} == {}
    assert casework.opinion_requests_for(agent_2).get().answer == "Oui, c'est une voie communale."
