"""The margins of manoeuvre in a real browser (Debian's chromium): an agent extends the
citizen's deadline, waives a document and fast-tracks a case, each with its reason;
the manager reads the report. axe checks every page, errors included, against WCAG
2.1 A and AA, in both themes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.cases import casework, queue
from parcours.cases.enums import MarginKind
from parcours.cases.models import MarginUse
from tests.browser_support import BROWSER_MARKS, violations
from tests.factories import rewrite_published_version

from . import test_backoffice_browser as base_test
from .test_backoffice_browser import sign_in_verified

busy_unit = base_test.busy_unit

pytestmark = BROWSER_MARKS


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/margins-{theme}-{name}.png", full_page=True)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_uses_each_margin_with_a_reason_and_the_manager_reads_them_wcag_aa(
    live_server, settings, browser, busy_unit, agent_1, manager, unit_1, theme
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    case = busy_unit["second"]
    case.procedure_version.required_documents = [
        {"code": "bail", "label": "Bail ou quittance de loyer"},
        {"code": "identite", "label": "Pièce d'identité"},
    ]
    rewrite_published_version(case.procedure_version)
    queue.case_take(case=case, by=agent_1.user, reason="Usager reçu au guichet ce matin.")
    casework.case_ask_for_information(
        case=case,
        by=agent_1.user,
        missing="",
        document_codes=["bail"],
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    context = browser.new_context(locale="fr-FR")
    sign_in_verified(context, base, agent_1.user)
    page = context.new_page()
    case_url = f"{base}/agents/dossiers/{case.reference}/"

    # Extend the citizen's deadline: a reason, and a later date.
    page.goto(case_url)
    page.get_by_role("link", name="Prolonger le délai de réponse de l'usager").click()
    check(page, found, "extend", theme)
    page.get_by_role("button", name="Prolonger le délai").click()
    check(page, found, "extend-error", theme)
    page.get_by_label("Nouvelle date limite de réponse de l'usager").fill(
        (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    )
    page.get_by_label("Pourquoi prolonger ce délai ?").fill("Hospitalisé deux semaines.")
    page.get_by_role("button", name="Prolonger le délai").click()
    expect(page.get_by_text("il en est informé par courriel")).to_be_visible()

    # Waive a document.
    page.get_by_role("link", name="Dispenser d'une pièce").click()
    check(page, found, "waive", theme)
    page.get_by_role("button", name="Dispenser de cette pièce").click()
    check(page, found, "waive-error", theme)
    page.get_by_label("Pièce dont l'usager est dispensé").select_option(label="Pièce d'identité")
    page.get_by_label("Pourquoi dispenser de cette pièce ?").fill("Vérifiée au guichet.")
    page.get_by_role("button", name="Dispenser de cette pièce").click()
    expect(page.get_by_text("L'usager est dispensé de la pièce")).to_be_visible()

    # Fast-track the case: a badge on its page.
    page.get_by_role("link", name="Traiter en priorité").click()
    check(page, found, "fast-track", theme)
    page.get_by_role("button", name="Traiter en priorité").click()
    check(page, found, "fast-track-error", theme)
    page.get_by_label("En quoi la situation de l'usager est-elle urgente ?").fill(
        "Expulsion prévue dans huit jours."
    )
    page.get_by_role("button", name="Traiter en priorité").click()
    expect(page.get_by_text("Le dossier passe en tête de la file du service.")).to_be_visible()
    expect(page.get_by_text("prioritaire", exact=True)).to_be_visible()
    check(page, found, "case", theme)

    # The manager reads the report, from the team view.
    boss_context = browser.new_context(locale="fr-FR")
    sign_in_verified(boss_context, base, manager.user)
    boss = boss_context.new_page()
    boss.goto(f"{base}/agents/equipe/{unit_1.slug}/")
    boss.get_by_role("link", name="Marges de manœuvre utilisées, avec leurs motifs").click()
    expect(boss.get_by_text("Expulsion prévue dans huit jours.")).to_be_visible()
    check(boss, found, "report", theme)
    boss.get_by_label("Au").fill("2000-01-01")
    boss.get_by_role("button", name="Filtrer").click()
    check(boss, found, "report-error", theme)

    assert {name: v for name, v in found.items() if v} == {}
    assert set(MarginUse.objects.values_list("kind", flat=True)) == {
        MarginKind.EXTEND_DEADLINE,
        MarginKind.WAIVE_DOCUMENT,
        MarginKind.FAST_TRACK,
    }
