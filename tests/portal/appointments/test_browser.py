"""Appointments in a real browser (Debian's chromium): booking without an account with
the code sent by email, the confirmation and its calendar file, moving and cancelling
from the email's link, all with JavaScript off; and every page of it, the agents' ones
included, checked by axe against WCAG 2.1 A and AA in both themes."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils.text import slugify
from icalendar import Calendar
from playwright.sync_api import expect

from parcours.appointments import links, selectors, services
from parcours.appointments.enums import AppointmentMode, AppointmentStatus
from parcours.appointments.models import Appointment, AppointmentType
from parcours.organisations.models import OpeningHours
from tests.backoffice.conftest import verified
from tests.browser_support import BROWSER_MARKS, add_session, violations

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def on_monday_morning():
    """The real time here: a browser drops a session cookie that expired by its clock."""


@pytest.fixture
def counter(transactional_db, unit_1, procedure):
    """Open every day from 8:00 to 20:00, so there are slots whatever the day."""
    for weekday in range(7):
        OpeningHours.objects.create(
            unit=unit_1, weekday=weekday, opens_at="08:00", closes_at="20:00"
        )
    return AppointmentType.objects.create(
        unit=unit_1,
        procedure=procedure,
        mode=AppointmentMode.COUNTER,
        name="Déposer le dossier d'inscription",
        instructions="Apportez un justificatif de domicile.",
        duration_minutes=30,
        capacity=1,
    )


def code_in_last_email() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def event_of(message):
    ((filename, content, mimetype),) = message.attachments
    assert mimetype == "text/calendar"
    assert filename.endswith(".ics")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


def test_a_person_books_without_an_account_then_moves_and_cancels_with_javascript_off(
    live_server, browser, counter
):
    page = browser.new_context(java_script_enabled=False, locale="fr-FR").new_page()
    page.goto(f"{live_server.url}/")

    # Two clicks from any page: the header's "talk to a person", then "book".
    page.locator("header").get_by_role("link", name="Parler à une personne").click()
    page.get_by_role("link", name="Prendre rendez-vous").first.click()
    page.get_by_role("link", name="Inscription scolaire").click()
    page.get_by_role("link", name="Choisir un créneau").click()
    page.locator('input[name="slot"]').first.check()
    page.get_by_role("button", name="Continuer avec ce créneau").click()
    page.get_by_role("button", name="Recevoir le code et confirmer").click()
    expect(page).to_have_title(re.compile(r"^Erreur :"))  # waits for the answer
    page.get_by_label("Votre prénom").fill("Eve")
    page.get_by_label("Votre nom").fill("Martin")
    page.get_by_label("Votre adresse électronique").fill("eve@example.org")
    page.get_by_label("L'objet de votre rendez-vous").fill("Inscrire mon fils en CP.")
    page.get_by_label("Un accueil adapté à la mobilité réduite").check()
    page.get_by_role("button", name="Recevoir le code et confirmer").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Vérifier votre adresse électronique"
    )
    page.get_by_label("Le code reçu par courriel").fill(code_in_last_email())
    page.get_by_role("button", name="Valider le code").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre rendez-vous"
    assert page.get_by_text("Votre rendez-vous est confirmé").is_visible()
    appointment = Appointment.objects.get()
    assert appointment.person.user is None
    assert appointment.needs == ["reduced_mobility"]
    confirmation = mail.outbox[-1]
    assert confirmation.subject.startswith("Votre rendez-vous est confirmé")
    assert event_of(confirmation).decoded("dtstart") == appointment.starts_at
    manage = re.search(r"https?://\S+/rendez-vous/gerer/\S+/", confirmation.body).group(0)

    page.goto(live_server.url + manage[manage.index("/rendez-vous/") :])
    page.get_by_role("link", name="Déplacer le rendez-vous").click()
    page.locator('input[name="slot"]').nth(2).check()
    page.get_by_role("button", name="Déplacer mon rendez-vous").click()
    assert page.get_by_text("Votre rendez-vous est déplacé").is_visible()
    appointment.refresh_from_db()
    moved = mail.outbox[-1]
    assert moved.subject.startswith("Votre rendez-vous est déplacé")
    assert event_of(moved).decoded("dtstart") == appointment.starts_at
    assert event_of(moved)["sequence"] == 1

    page.get_by_role("link", name="Annuler le rendez-vous").click()
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    assert page.get_by_text("Vous avez annulé ce rendez-vous.").is_visible()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert str(event_of(mail.outbox[-1])["status"]) == "CANCELLED"


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_appointment_pages_meet_wcag_aa_in_both_themes(
    live_server, settings, browser, counter, citizen_a, agent_1, manager, theme
):
    settings.PARCOURS_THEME = theme
    slot = selectors.next_free_slot(counter)
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=slot.starts_at,
        person=citizen_a,
        by=citizen_a.user,
        reason="Inscrire ma fille en CP.",
        email=citizen_a.email,
        needs=["interpreter"],
        interpreter_language="arabe",
    )
    token = links.manage_token(appointment)
    page = browser.new_page(locale="fr-FR")
    found = {}

    def check(name, path=None):
        if path:
            page.goto(live_server.url + path)
        expect(page.locator("h1"), name).to_have_count(1)
        found[name] = violations(page)
        page.screenshot(path=f"var/appointments-{theme}-{slugify(name)}.png", full_page=True)

    check("start", "/rendez-vous/")
    check("types", f"/rendez-vous/demarche/{counter.procedure.slug}/")
    check("slots", f"/rendez-vous/{counter.pk}/")
    page.locator('input[name="slot"]').first.check()
    page.get_by_role("button", name="Continuer avec ce créneau").click()
    check("book")
    page.get_by_role("button", name="Recevoir le code et confirmer").click()
    check("book (errors)")
    check("waiting list", f"/rendez-vous/{counter.pk}/liste-attente/")
    check("manage", f"/rendez-vous/gerer/{token}/")
    check("move", f"/rendez-vous/gerer/{token}/deplacer/")
    check("cancel", f"/rendez-vous/gerer/{token}/annuler/")
    add_session(page.context, live_server.url, _signed_in(citizen_a.user))
    check("mine", "/rendez-vous/mes-rendez-vous/")
    add_session(page.context, live_server.url, verified(Client(), agent_1.user))
    day = appointment.local_starts_at.date().isoformat()
    check("agents: day", f"/agents/rendez-vous/{counter.unit.slug}/jour/?date={day}")
    check("agents: week", f"/agents/rendez-vous/{counter.unit.slug}/semaine/?du={day}")
    check("agents: appointment", f"/agents/rendez-vous/{appointment.pk}/")
    page.get_by_role("button", name="Enregistrer la note").click()
    check("agents: appointment (errors)")
    book = f"/agents/rendez-vous/{counter.unit.slug}/reserver/"
    check("agents: book, person", f"{book}?q=Durand")
    check("agents: book, slot", f"{book}?personne={citizen_a.pk}&type={counter.pk}")
    later = slot.starts_at + datetime.timedelta(days=2)
    check(
        "agents: book, details",
        f"{book}?personne={citizen_a.pk}&type={counter.pk}&slot={later:%Y%m%dT%H%MZ}",
    )

    add_session(page.context, live_server.url, verified(Client(), manager.user))
    check("agents: closure", f"/agents/rendez-vous/{counter.unit.slug}/fermeture/")
    page.get_by_role("button", name="Fermer et prévenir les personnes").click()
    check("agents: closure (errors)")

    assert {name: v for name, v in found.items() if v} == {}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
