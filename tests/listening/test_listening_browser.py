"""Listening in a real browser (Debian's chromium), in both themes, axe checking every
page against WCAG 2.1 A and AA: a survey answered from the emailed link, an experience
posted then answered by the service and the reply read on the public page, an idea
proposed by an agent."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from parcours.listening.models import Experience, FeedbackResponse, Idea
from parcours.listening.services import feedback
from tests.backoffice.test_backoffice_browser import sign_in_verified
from tests.browser_support import BROWSER_MARKS, sign_in, violations

pytestmark = BROWSER_MARKS


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/listening-{theme}-{name}.png", full_page=True)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_a_survey_is_answered_from_the_emailed_link_wcag_aa(
    live_server, settings, browser, decided_case, theme
):
    settings.PARCOURS_THEME = theme
    settings.PARCOURS_BASE_URL = live_server.url
    found: dict[str, list[str]] = {}
    feedback.collect_invitations()
    later = timezone.now() + feedback.FEEDBACK_DELAY + datetime.timedelta(minutes=1)
    assert feedback.send_due_invitations(now=later) == 1
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/avis/" in word)
    assert link.startswith(live_server.url)

    page = browser.new_page(locale="fr-FR")  # not signed in
    page.goto(link)
    check(page, found, "survey", theme)
    page.get_by_role("button", name="Envoyer mon avis").click()
    check(page, found, "survey-error", theme)
    expect(page.get_by_text("Choisissez une réponse")).to_be_visible()
    page.get_by_label("Content", exact=True).check()
    page.get_by_label("En partie").check()
    page.get_by_label("Voulez-vous ajouter quelque chose ? (facultatif)").fill("Clair et rapide.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()
    check(page, found, "survey-thanks", theme)
    answer = FeedbackResponse.objects.get()
    assert (answer.satisfaction, answer.clarity) == (4, "partly")

    page.goto(link)  # used: never twice
    expect(page.get_by_text("Vous avez déjà donné votre avis")).to_be_visible()
    check(page, found, "survey-used", theme)
    assert found == {name: [] for name in found}


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_experience_is_posted_answered_by_the_service_and_the_reply_read_wcag_aa(
    live_server, settings, browser, citizen_a, agent_1, unit_1, theme
):
    settings.PARCOURS_THEME = theme
    settings.PARCOURS_BASE_URL = live_server.url
    base = live_server.url
    found: dict[str, list[str]] = {}

    citizen = browser.new_context(locale="fr-FR")
    page = citizen.new_page()
    sign_in(page, base, citizen_a.user)
    page.goto(f"{base}/experiences/")
    check(page, found, "experiences", theme)
    page.get_by_role("link", name="Raconter mon expérience").first.click()
    check(page, found, "experience-new", theme)
    page.get_by_role("button", name="Envoyer mon expérience").click()
    check(page, found, "experience-new-error", theme)
    page.get_by_label("Le service concerné").select_option(
        label=f"{unit_1.organisation.name} — {unit_1.name}"
    )
    page.get_by_label("Guichet", exact=True).check()
    page.get_by_label("Une mauvaise expérience").check()
    page.get_by_label("Un titre pour votre expérience").fill("Attente trop longue")
    page.get_by_label("Racontez ce qui s'est passé").fill(
        "Deux heures d'attente. Claire Martin a été aimable. Rappelez-moi au 06 11 22 33 44."
    )
    page.get_by_role("button", name="Envoyer mon expérience").click()
    expect(page.get_by_text("Votre expérience est publiée")).to_be_visible()
    check(page, found, "experience-sent", theme)
    experience = Experience.objects.get()
    assert "06 11" not in experience.public_body
    assert "Martin" not in experience.public_body

    agent = browser.new_context(locale="fr-FR")
    sign_in_verified(agent, base, agent_1.user)
    office = agent.new_page()
    office.goto(f"{base}/agents/")
    office.get_by_role("link", name="Écoute").click()
    check(office, found, "backoffice-listening", theme)
    office.get_by_role("link", name="Attente trop longue").click()
    check(office, found, "backoffice-experience", theme)
    office.get_by_role("button", name="Publier la réponse").click()
    check(office, found, "backoffice-experience-error", theme)
    office.get_by_label("Réponse publique du service").fill("Un second guichet ouvre le samedi.")
    office.get_by_role("button", name="Publier la réponse").click()
    expect(office.get_by_text("La réponse est publiée")).to_be_visible()

    page.goto(f"{base}/experiences/{unit_1.organisation.slug}/")
    expect(page.get_by_text("Un second guichet ouvre le samedi.")).to_be_visible()
    expect(page.get_by_text("après la publication")).to_be_visible()
    check(page, found, "experiences-public", theme)
    assert any("Un second guichet" in m.body for m in mail.outbox if citizen_a.email in m.to)
    assert found == {name: [] for name in found}


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_proposes_an_idea_wcag_aa(
    live_server, settings, browser, agent_1, organisation, theme
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, base, agent_1.user)
    page = context.new_page()
    page.goto(f"{base}/agents/ecoute/")
    page.get_by_role("link", name="Proposer une idée d'amélioration").click()
    check(page, found, "ideas", theme)
    page.get_by_role("button", name="Proposer mon idée").click()
    check(page, found, "ideas-error", theme)
    page.get_by_label("Votre idée en une phrase").fill("Un formulaire plus court")
    page.get_by_label("Expliquez votre idée").fill("La page 3 redemande ce que dit la page 1.")
    page.get_by_role("button", name="Proposer mon idée").click()
    expect(page.get_by_text("Votre idée est publiée")).to_be_visible()
    check(page, found, "idea", theme)
    idea = Idea.objects.get()
    assert idea.author_kind == "agent"
    page.goto(f"{base}/idees/{organisation.slug}/vous-avez-dit/")
    check(page, found, "you-said-we-did", theme)
    assert found == {name: [] for name in found}
