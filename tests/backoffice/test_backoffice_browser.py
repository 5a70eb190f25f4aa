"""The agents' space in a real browser (Debian's chromium): an agent signs in with their
password and the code of their authenticator app, takes the next case and reads it; a
manager opens the team view. axe checks every page against WCAG 2.1 A and AA, in both
themes; and the agent's day works with JavaScript off."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from parcours.accounts import two_factor
from parcours.cases import queue, services
from parcours.cases.enums import CaseChannel
from tests.browser_support import BROWSER_MARKS, add_session, violations
from tests.cases.test_documents_service import PDF
from tests.factories import CaseFactory

from .conftest import submit

pytestmark = BROWSER_MARKS

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def busy_unit(transactional_db, settings, procedure, short_procedure, citizen_a, citizen_b):
    """Unit 1 with three open cases, one with a document and the person's own words.
    Receipts are not rendered as PDF here: they have their own tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    today = timezone.localdate()
    draft = CaseFactory(
        procedure=short_procedure,
        person=citizen_b,
        situation="Je déménage le mois prochain.",
    )
    services.document_add(case=draft, by=citizen_b.user, upload=SimpleUploadedFile("bail.pdf", PDF))
    at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=20), datetime.time(9))
    )
    first = services.case_submit(case=draft, by=citizen_b.user, now=at)
    return {
        "first": first,
        "second": submit(procedure, citizen_a, on=today - datetime.timedelta(days=30)),
        "third": submit(
            procedure, citizen_b, on=today - datetime.timedelta(days=5), channel=CaseChannel.PHONE
        ),
    }


def check(page, found: dict, name: str, theme: str) -> None:
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    found[name] = violations(page)
    page.screenshot(path=f"var/backoffice-{theme}-{name}.png", full_page=True)


def sign_in_verified(context, base_url, user) -> None:
    """A session that has passed both steps, for the pages after the sign-in."""
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    add_session(context, base_url, client)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_an_agent_signs_in_with_a_code_and_takes_the_next_case_wcag_aa(
    live_server, settings, browser, busy_unit, agent_1, manager, unit_1, theme
):
    settings.PARCOURS_THEME = theme
    base = live_server.url
    found: dict[str, list[str]] = {}
    page = browser.new_page(locale="fr-FR")

    # First sign-in: the password, then the app is enrolled with its first code.
    page.goto(f"{base}/agents/")
    check(page, found, "sign-in", theme)
    page.get_by_label("Adresse électronique professionnelle").fill(agent_1.user.email)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Continuer").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))
    check(page, found, "sign-in-error", theme)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Enregistrer votre application")).to_be_visible()
    expect(page.get_by_role("img", name="Code QR à scanner")).to_be_visible()
    check(page, found, "enrol", theme)
    device = TOTPDevice.objects.get(user=agent_1.user)
    secret = page.locator("#secret").inner_text()
    assert secret == two_factor.grouped(two_factor.secret_of(device))
    code, _seconds = two_factor.current_code(device)
    page.get_by_label("Code à 6 chiffres").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Valider et me connecter").click()
    check(page, found, "enrol-error", theme)
    page.get_by_label("Code à 6 chiffres").fill(code)
    page.get_by_role("button", name="Valider et me connecter").click()

    # The queue, in its fair order, and the next case.
    expect(page.get_by_role("heading", name="File : Service Éducation")).to_be_visible()
    check(page, found, "queue", theme)
    page.get_by_role("button", name="Prendre le dossier suivant").click()
    first = busy_unit["first"]
    expect(page.get_by_text(f"Vous suivez désormais le dossier {first.reference}")).to_be_visible()
    expect(page.get_by_text("Vous suivez ce dossier.")).to_be_visible()
    expect(page.get_by_text("Je déménage le mois prochain.")).to_be_visible()
    expect(page.get_by_role("link", name="bail.pdf (aperçu)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="télécharger bail.pdf").click()
    assert download.value.suggested_filename == "bail.pdf"
    check(page, found, "case", theme)

    # Out of turn: the reason is asked for, then recorded.
    third = busy_unit["third"]
    page.goto(f"{base}/agents/dossiers/{third.reference}/prendre/")
    page.get_by_role("button", name="Prendre le dossier").click()
    check(page, found, "take-error", theme)
    page.get_by_label("Pourquoi prenez-vous ce dossier avant les autres ?").fill(
        "L'usager a appelé : il part à l'étranger."
    )
    page.get_by_role("button", name="Prendre le dossier").click()
    page.get_by_role("link", name="Mes dossiers").click()
    check(page, found, "my-cases", theme)

    # The manager's team view, with the reason, and a reassignment.
    manager_context = browser.new_context(locale="fr-FR")
    sign_in_verified(manager_context, base, manager.user)
    boss = manager_context.new_page()
    boss.goto(f"{base}/agents/equipe/")
    expect(boss.get_by_text("L'usager a appelé : il part à l'étranger.")).to_be_visible()
    check(boss, found, "team", theme)
    boss.goto(f"{base}/agents/dossiers/{third.reference}/reattribuer/")
    boss.get_by_role("button", name="Réattribuer le dossier").click()
    check(boss, found, "reassign-error", theme)

    assert {name: v for name, v in found.items() if v} == {}
    third.refresh_from_db()
    assert third.referent == agent_1


def test_the_agent_s_day_works_with_javascript_off(live_server, browser, busy_unit, agent_1):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    device = TOTPDevice.objects.create(user=agent_1.user, name="Téléphone", confirmed=True)

    page.goto(f"{live_server.url}/agents/connexion/")
    page.get_by_label("Adresse électronique professionnelle").fill(agent_1.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Code à 6 chiffres").fill(two_factor.current_code(device)[0])
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Canal de dépôt").select_option("phone")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Prendre le dossier suivant").click()

    first = busy_unit["first"]
    expect(page.get_by_role("heading", name=first.procedure.title)).to_be_visible()
    first.refresh_from_db()
    assert first.referent == agent_1
    assert queue.next_in_queue(first.unit) == busy_unit["second"]
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté de l'espace agents.")).to_be_visible()
