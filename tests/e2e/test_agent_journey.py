"""The agent's and the manager's journeys in a real browser (Debian's chromium),
JavaScript off, with axe (WCAG 2.1 A and AA) on every page visited.

An agent signs in with their password and the code of their authenticator app (TOTP),
opens their unit's queue, takes the next case, reads it, starts its review, writes to
the person, asks them for a piece; once the person has answered, decides after reading
the letter as the person will receive it. Their manager then signs in the same way and
reads the agents' workload, the team's cases, the report of margins of manoeuvre and
the equality dashboard.
"""

import datetime
from pathlib import Path

import axe_playwright_python
import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from parcours.accounts import two_factor
from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.contacts.models import Message
from tests.browser_support import BROWSER_MARKS, WCAG_AA, describe
from tests.factories import rewrite_published_version

pytestmark = BROWSER_MARKS

PASSWORD = "motdepasse-de-test"  # tests.factories.UserFactory's
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture
def submitted(transactional_db, settings, draft, citizen_a, monkeypatch):
    """A request sent by citizen A to unit 1, which asks for a proof of address."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    version = draft.procedure_version
    version.required_documents = [{"code": "domicile", "label": "Justificatif de domicile"}]
    rewrite_published_version(version)
    return services.case_submit(case=draft, by=citizen_a.user)


class Visits:
    """axe's WCAG 2.1 A and AA violations of each page visited, by name. With
    JavaScript off axe cannot run in the page itself: its HTML is checked in a page of
    the same site with JavaScript on (same styles, same origin), where the site's
    Content Security Policy is set aside for axe's own script."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.axe_page = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
        self.found: dict[str, list[str]] = {}

    def check(self, page, name: str) -> None:
        expect(page.locator("h1")).to_have_count(1)
        self.axe_page.goto(f"{self.base_url}/accessibilite/")
        self.axe_page.set_content(page.content())
        self.axe_page.add_script_tag(path=str(AXE_SCRIPT))
        found = self.axe_page.evaluate(
            "options => axe.run(document, options)", {**WCAG_AA, "resultTypes": ["violations"]}
        )
        self.found[name] = describe(found["violations"])


def sign_in_with_code(page, base_url, agent, visits: Visits, who: str) -> None:
    """Password, then the six digits the agent's authenticator app shows."""
    device = TOTPDevice.objects.create(user=agent.user, name="Téléphone", confirmed=True)
    page.goto(f"{base_url}/agents/connexion/")
    visits.check(page, f"{who}: sign-in, password")
    page.get_by_label("Adresse électronique professionnelle").fill(agent.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_label("Code à 6 chiffres")).to_be_visible()
    visits.check(page, f"{who}: sign-in, code")
    page.get_by_label("Code à 6 chiffres").fill(two_factor.current_code(device)[0])
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(1)
    visits.check(page, f"{who}: home")


def test_an_agent_handles_a_request_from_sign_in_to_decision_and_a_manager_reads_the_figures(
    live_server, browser, submitted, agent_1, manager, unit_1, citizen_a
):
    base = live_server.url
    visits = Visits(browser, base)
    case_url = f"{base}/agents/dossiers/{submitted.reference}/"

    # The agent: password, then the code of the authenticator app.
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in_with_code(page, base, agent_1, visits, "agent")

    # Their unit's queue; they take the next case and read it.
    page.goto(f"{base}/agents/files/{unit_1.slug}/")
    expect(page.get_by_role("link", name=submitted.reference, exact=True)).to_be_visible()
    visits.check(page, "queue")
    page.get_by_role("button", name="Prendre le dossier suivant").click()
    expect(page.get_by_text("Vous suivez ce dossier.")).to_be_visible()
    expect(page.get_by_text(citizen_a.full_name).first).to_be_visible()
    visits.check(page, "case, taken")
    page.get_by_role("button", name="Commencer l'instruction").click()
    expect(page.get_by_text("L'instruction du dossier commence.")).to_be_visible()
    visits.check(page, "case, in review")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.referent) == (CaseState.IN_REVIEW, agent_1)

    # A message to the person.
    page.get_by_role("link", name="Écrire à l'usager").click()
    visits.check(page, "message")
    page.get_by_label("Votre message").fill("Bonjour, votre demande est en cours d'examen.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Votre message est envoyé")).to_be_visible()
    assert Message.objects.filter(
        case=submitted, body="Bonjour, votre demande est en cours d'examen."
    ).exists()

    # A piece asked for, first with a date already past: the page says what is wrong
    # and keeps what was typed.
    page.get_by_role("link", name="Demander une pièce ou une information").click()
    visits.check(page, "request information")
    page.get_by_label("Justificatif de domicile").check()
    page.get_by_label("Ce qui manque, en mots simples").fill("Une facture de moins de 3 mois.")
    page.get_by_label("Réponse attendue au plus tard le").fill("2000-01-01")
    page.get_by_role("button", name="Envoyer la demande à l'usager").click()
    expect(page.get_by_text("La date limite de réponse doit être postérieure")).to_be_visible()
    expect(page.get_by_label("Ce qui manque, en mots simples")).to_have_value(
        "Une facture de moins de 3 mois."
    )
    visits.check(page, "request information, error")
    due = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Réponse attendue au plus tard le").fill(due.isoformat())
    page.get_by_role("button", name="Envoyer la demande à l'usager").click()
    expect(page.get_by_text("Votre demande est envoyée à l'usager.")).to_be_visible()
    submitted.refresh_from_db()
    assert submitted.state == CaseState.AWAITING_CITIZEN

    # The person answers (through the service their pages call).
    services.case_resume_review(case=submitted, by=citizen_a.user, reason="Voici ma facture.")

    # The decision: the reasons, the letter as the person will read it, then confirm.
    page.goto(case_url)
    page.get_by_role("link", name="Décider").click()
    visits.check(page, "decide")
    page.get_by_label("Accepter la demande").check()
    page.get_by_label("Motifs de la décision").fill("Votre enfant est inscrit à l'école.")
    page.get_by_role("button", name="Voir le courrier").click()
    expect(page.get_by_text("Votre enfant est inscrit à l'école.").first).to_be_visible()
    visits.check(page, "decision letter preview")
    page.get_by_role("button", name="Confirmer et envoyer la décision").click()
    expect(page.get_by_text("La décision est enregistrée.")).to_be_visible()
    visits.check(page, "case, decided")
    submitted.refresh_from_db()
    assert submitted.state == CaseState.ACCEPTED
    context.close()

    # The manager: the agents' workload, the team, margins and equality.
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in_with_code(page, base, manager, visits, "manager")
    page.goto(f"{base}/agents/statistiques/charge/")
    expect(page.get_by_text(agent_1.display_name).first).to_be_visible()
    visits.check(page, "agents' workload")
    page.goto(f"{base}/agents/equipe/{unit_1.slug}/")
    visits.check(page, "team")
    page.goto(f"{base}/agents/equipe/{unit_1.slug}/marges/")
    visits.check(page, "margins report")
    page.goto(f"{base}/agents/statistiques/egalite/")
    visits.check(page, "equality dashboard")
    context.close()

    assert {name: found for name, found in visits.found.items() if found} == {}
    assert len(visits.found) == 19  # every page visited was checked
