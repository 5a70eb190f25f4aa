"""Talking to a person in a real browser (Debian's chromium): the contact hub, the
call-back form and the messages page checked by axe against WCAG 2.1 A and AA in both
themes, with JavaScript off; and the call-back form two clicks from the home page."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from parcours.cases import services as case_services
from parcours.contacts.models import CallbackRequest, Message
from parcours.lib.working_days import next_working_day
from parcours.organisations.enums import Weekday
from parcours.organisations.models import OpeningHours
from tests.browser_support import BROWSER_MARKS, sign_in, violations

pytestmark = BROWSER_MARKS


@pytest.fixture
def submitted_case(transactional_db, procedure, citizen_a, unit_1, no_receipt_pdf):
    # Call-backs are planned within the opening hours: open every weekday, both halves.
    for weekday in Weekday.values[:5]:
        OpeningHours.objects.create(
            unit=unit_1, weekday=weekday, opens_at="09:00", closes_at="12:00"
        )
        OpeningHours.objects.create(
            unit=unit_1, weekday=weekday, opens_at="14:00", closes_at="17:00"
        )
    draft = case_services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"subject": "Inscription"},
    )
    return case_services.case_submit(case=draft, by=citizen_a.user)


def a_callback_day() -> datetime.date:
    """A working day of the unit from the day after tomorrow on."""
    return next_working_day(timezone.localdate() + datetime.timedelta(days=2))


def fill_callback_form(page):
    page.get_by_label("Le service qui vous rappelle").select_option(
        label="Service Éducation (Ville de Bellerive)"
    )
    page.get_by_label("Le jour souhaité").fill(a_callback_day().isoformat())
    page.get_by_label("Le moment souhaité").select_option("afternoon")
    page.get_by_label("L'objet de votre appel").fill("Une question sur l'inscription.")


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_contact_pages_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, submitted_case, theme
):
    settings.PARCOURS_THEME = theme
    reference = submitted_case.reference
    # axe runs in the page, so JavaScript is on here; the forms are used with it off below.
    page = browser.new_page(locale="fr-FR")
    found = {}

    def check(name):
        expect(page.locator("h1"), name).to_have_count(1)
        found[name] = violations(page)
        page.screenshot(path=f"var/contacts-{theme}-{slugify(name)}.png", full_page=True)

    page.goto(f"{live_server.url}/contact/")
    assert page.get_by_text("Connectez-vous pour écrire ou être rappelé").is_visible()
    check("contact (anonymous)")
    sign_in(page, live_server.url, submitted_case.person.user)
    page.goto(f"{live_server.url}/contact/")
    check("contact (signed in)")
    page.goto(f"{live_server.url}/contact/rappel/")
    check("callback")
    page.get_by_role("button", name="Demander à être rappelé").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    check("callback (errors)")
    fill_callback_form(page)
    page.get_by_role("button", name="Demander à être rappelé").click()
    check("callback confirmation")
    page.goto(f"{live_server.url}/dossiers/{reference}/messages/")
    page.get_by_role("button", name="Envoyer mon message").click()
    check("messages (errors)")
    page.get_by_label("Votre message").fill("Où en est mon dossier ?")
    page.get_by_role("button", name="Envoyer mon message").click()
    check("messages")
    page.goto(f"{live_server.url}/contact/ecrire/")
    check("write")
    page.goto(f"{live_server.url}/dossiers/{reference}/")
    check("case")

    assert {name: v for name, v in found.items() if v} == {}


def test_a_person_reaches_the_call_back_form_in_two_clicks_from_the_home_page(
    live_server, browser, submitted_case
):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, submitted_case.person.user)
    page.goto(f"{live_server.url}/")

    page.locator("header").get_by_role("link", name="Parler à une personne").click()
    page.get_by_role("link", name="Demander à être rappelé").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Être rappelé"
    assert page.get_by_label("Votre numéro de téléphone").input_value() == "06 12 34 56 78"
    fill_callback_form(page)
    page.get_by_role("button", name="Demander à être rappelé").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Votre demande de rappel est enregistrée"
    )
    assert page.get_by_text("Service Éducation vous appellera le").is_visible()
    callback = CallbackRequest.objects.get()
    assert callback.day == a_callback_day()
    assert callback.half_day == "afternoon"


def test_a_person_writes_about_their_case_from_the_case_page(live_server, browser, submitted_case):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, submitted_case.person.user)
    page.goto(f"{live_server.url}/dossiers/{submitted_case.reference}/")

    page.get_by_role("link", name="Écrire au service au sujet de ce dossier").click()
    page.get_by_label("Votre message").fill("Puis-je passer au guichet lundi ?")
    page.get_by_role("button", name="Envoyer mon message").click()

    assert page.get_by_text("Votre message est envoyé.").is_visible()
    assert page.get_by_text("Puis-je passer au guichet lundi ?").is_visible()
    assert Message.objects.get().case_id == submitted_case.pk
