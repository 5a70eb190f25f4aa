"""Every page a citizen can reach, in French and in English, in both themes, in a real
browser (Debian's chromium) checked by axe against the WCAG 2.1 A and AA rules; and the
case pages work with JavaScript off.

The language is chosen as a visitor's browser chooses it, by Accept-Language (Django's
LocaleMiddleware): Playwright's locale ``fr-FR`` or ``en-GB``. Pages with a form are
also checked as they are after a wrong submission, errors shown. The journeys (applying,
the space, contacts, the profile, signing in) check their pages in French, in both
themes, as the person uses them; this sweep opens every page by its address, checks the
others in French and all of them in English. A new page goes in the tables below.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import axe_playwright_python
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from parcours.accounts.tokens import magic_link_token
from parcours.appointments import links
from parcours.appointments import selectors as appointment_selectors
from parcours.appointments import services as appointment_services
from parcours.appointments.enums import AppointmentMode
from parcours.appointments.models import AppointmentType
from parcours.appointments.slots import slot_value
from parcours.cases import services
from parcours.catalog.enums import CommitmentKind
from parcours.catalog.models import Commitment
from parcours.contacts import services as contact_services
from parcours.lib.working_days import next_working_day
from parcours.organisations.enums import Weekday
from parcours.organisations.models import OpeningHours
from parcours.people.models import Person
from tests.browser_support import (
    BROWSER_MARKS,
    WCAG_AA,
    describe,
    launched_browser,
    sign_in_context,
)
from tests.cases.test_documents_service import PDF
from tests.factories import ProcedureFactory, rewrite_published_version
from tests.portal.apply.conftest import FULL_FORM

pytestmark = BROWSER_MARKS

# The sweep asks axe for violations only: it stays fast.
SWEEP = {**WCAG_AA, "resultTypes": ["violations"]}
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


@pytest.fixture(scope="module")
def browser():
    """One browser for the whole sweep. The sign-in pages are swept anonymously, and
    the journeys' own tests sign in through them: here a session is opened the way
    Django's test client does (``sign_in_context``)."""
    with launched_browser() as browser:
        yield browser


def violations(page) -> list[str]:
    """axe's WCAG 2.1 A and AA violations on the page. axe is loaded with each page (see
    ``new_context``) and asked for violations only: the sweep stays fast."""
    return describe(page.evaluate("options => axe.run(document, options)", SWEEP)["violations"])


def new_context(browser, **options):
    context = browser.new_context(**options)
    context.add_init_script(path=AXE_SCRIPT)
    return context


@pytest.fixture
def citizen_space(transactional_db, settings, monkeypatch, procedure, unit_1, citizen_a, agent_1):
    """Citizen A with something on every page: a draft with a file, a sent case with a
    message, a case awaiting an answer, a decided case, a call-back, an appointment, a
    certified identity; the sign-in provider configured so its button and its failure
    page show.
    The PDF letters have their own tests: not made here."""
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)
    settings.OIDC_RP_CLIENT_ID = "parcours"
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # never reached by these pages
    Person.objects.filter(pk=citizen_a.pk).update(identity_certified=True)
    for weekday in Weekday.values[:5]:
        for opens, closes in (("09:00", "12:00"), ("14:00", "17:00")):
            OpeningHours.objects.create(
                unit=unit_1, weekday=weekday, opens_at=opens, closes_at=closes
            )
    Commitment.objects.create(
        organisation=procedure.organisation,
        kind=CommitmentKind.FIRST_REPLY,
        target=5,
        wording="Nous répondons à vos messages sous 5 jours ouvrés.",
    )
    school = ProcedureFactory(
        handling_unit=unit_1, code="ECO", slug="inscription-ecole", version=FULL_FORM
    )
    version = school.current_version
    version.required_documents = [
        {"code": "livret", "label": "Livret de famille", "help": "Toutes les pages."},
        {"code": "domicile", "label": "Justificatif de domicile", "required": False},
    ]
    rewrite_published_version(version)
    user = citizen_a.user
    # Step 1 is left to fill in (its errors are swept); the canteen question shows.
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=school,
        by=user,
        form_data={"canteen": True, "canteen_days": ["mon"], "email": "alice@example.org"},
    )
    services.document_add(
        case=draft, by=user, upload=SimpleUploadedFile("livret.pdf", PDF), kind_code="livret"
    )

    def submitted():
        case = services.case_create_draft(
            person=citizen_a, procedure=procedure, by=user, form_data={"subject": "Inscription"}
        )
        return services.case_submit(case=case, by=user)

    # Each case is taken from the queue as soon as it arrives: the agent may act on it.
    sent = services.case_start_review(case=submitted(), by=agent_1.user)
    services.document_add(case=sent, by=user, upload=SimpleUploadedFile("avis.pdf", PDF))
    contact_services.message_send_from_citizen(case=sent, by=user, body="Où en est-il ?")
    awaiting = services.case_start_review(case=submitted(), by=agent_1.user)
    awaiting = services.case_request_information(
        case=awaiting,
        by=agent_1.user,
        reason="Merci de nous envoyer un justificatif de domicile.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )
    decided = services.case_start_review(case=submitted(), by=agent_1.user)
    decided = services.case_reject(
        case=decided, by=agent_1.user, reasons="Les inscriptions sont closes."
    )
    callback = contact_services.callback_request(
        person=citizen_a,
        unit=unit_1,
        by=user,
        phone="06 12 34 56 78",
        day=next_working_day(timezone.localdate() + datetime.timedelta(days=2)),
        half_day="morning",
        topic="Une question sur l'inscription.",
    )
    counter = AppointmentType.objects.create(
        unit=unit_1,
        procedure=procedure,
        mode=AppointmentMode.COUNTER,
        name="Déposer le dossier d'inscription",
        instructions="Apportez un justificatif de domicile.",
        duration_minutes=30,
        capacity=1,
        horizon_days=30,
    )
    appointment = appointment_services.appointment_book(
        appointment_type=counter,
        starts_at=appointment_selectors.next_free_slot(counter).starts_at,
        person=citizen_a,
        by=user,
        reason="Inscrire ma fille en CP.",
        email=citizen_a.email,
    )
    return {
        "citizen": citizen_a,
        "school": school,
        "counter": counter,
        "appointment": appointment,
        "free_slot": appointment_selectors.next_free_slot(counter),
        "draft": draft,
        "sent": sent,
        "awaiting": awaiting,
        "decided": decided,
        "decision": decided.decisions.get(),
        "callback": callback,
    }


# The journeys' own sweeps, which check these pages in French as the person uses them.
APPLY = "tests/portal/apply/test_apply_browser.py"
SPACE = "tests/portal/space/test_space_browser.py"
CONTACTS = "tests/contacts/test_contacts_browser.py"
PROFILE = "tests/portal/profile/test_profile_browser.py"
ACCOUNTS = "tests/accounts/test_browser.py"
CORRECTION = "tests/portal/correction/test_correction_browser.py"
APPOINTMENTS = "tests/portal/appointments/test_browser.py"
SUBMIT = "main form[method=post] button[type=submit]:not([hidden])"


@dataclass
class Page:
    name: str
    path: str
    # A button to press with nothing filled in: the page is checked again, errors shown.
    errors_by: str | None = None
    # Where the page is already checked in French: here it is checked in English only.
    french_in: str | None = None


def anonymous_pages(space) -> list[Page]:
    user = space["citizen"].user
    magic_link = reverse(
        "accounts:magic_link_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": magic_link_token.make_token(user),
        },
    )
    catalogue = reverse("portal:procedures")
    return [
        Page("home", reverse("portal:home")),
        Page("catalogue", catalogue, french_in=SPACE),
        Page("catalogue search", f"{catalogue}?q=ecole&theme=relation", french_in=SPACE),
        Page("catalogue no result", f"{catalogue}?q=zzzz"),
        Page(
            "procedure", reverse("portal:procedure", args=[space["school"].slug]), french_in=SPACE
        ),
        Page("contact hub", reverse("portal:contact")),
        Page("accessibility statement", reverse("portal:accessibility")),
        Page("sign-in", reverse("login"), errors_by=SUBMIT),
        Page("magic link", reverse("accounts:magic_link"), errors_by=SUBMIT, french_in=ACCOUNTS),
        Page("magic link sent", reverse("accounts:magic_link_sent"), french_in=ACCOUNTS),
        Page("magic link confirm", magic_link, french_in=ACCOUNTS),
        Page(
            "magic link expired",
            reverse("accounts:magic_link_confirm", args=["Mg", "used-or-expired"]),
            french_in=ACCOUNTS,
        ),
        Page(
            "sign-in refused",
            reverse("accounts:oidc_callback") + "?error=access_denied",
            french_in=ACCOUNTS,
        ),
        Page("404", "/nulle-part/"),
    ]


def private_pages(space) -> list[Page]:
    draft, sent, awaiting, decided = (space[k] for k in ("draft", "sent", "awaiting", "decided"))
    pages = [
        Page("case list", reverse("portal:cases")),
        Page(
            "apply start",
            reverse("portal:apply_start", args=[space["school"].slug]),
            french_in=APPLY,
        ),
        *[
            Page(
                f"apply step {step}",
                reverse("portal:apply_step", args=[draft.pk, step]),
                errors_by="button[value=next]" if step == 1 else None,
                french_in=APPLY,
            )
            for step in range(1, 6)
        ],
        Page(
            "apply documents", reverse("portal:apply_documents", args=[draft.pk]), french_in=APPLY
        ),
        Page("apply review", reverse("portal:apply_review", args=[draft.pk]), french_in=APPLY),
        Page("apply done", reverse("portal:apply_done", args=[sent.reference]), french_in=APPLY),
        Page("case sent", reverse("portal:case", args=[sent.reference])),
        Page("case awaiting", reverse("portal:case", args=[awaiting.reference]), french_in=SPACE),
        Page("case decided", reverse("portal:case", args=[decided.reference])),
        Page("receipt", reverse("portal:receipt", args=[sent.reference])),
        Page(
            "answer",
            reverse("portal:case_answer", args=[awaiting.reference]),
            errors_by=SUBMIT,
            french_in=SPACE,
        ),
        Page("withdraw", reverse("portal:case_withdraw", args=[sent.reference]), french_in=SPACE),
        Page(
            "send documents",
            reverse("portal:case_send_documents", args=[sent.reference]),
            errors_by=SUBMIT,
        ),
        Page(
            "messages",
            reverse("portal:case_messages", args=[sent.reference]),
            errors_by=SUBMIT,
            french_in=CONTACTS,
        ),
        Page("write", reverse("portal:write"), errors_by=SUBMIT, french_in=CONTACTS),
        Page("call-back", reverse("portal:callback"), errors_by=SUBMIT, french_in=CONTACTS),
        Page(
            "call-back confirmation",
            reverse("portal:callback_confirmation", args=[space["callback"].pk]),
            french_in=CONTACTS,
        ),
        Page("contact hub (signed in)", reverse("portal:contact"), french_in=CONTACTS),
        Page("profile", reverse("portal:profile"), french_in=PROFILE),
        Page("dispute", reverse("portal:profile_dispute"), errors_by=SUBMIT, french_in=PROFILE),
        Page(
            "correct",
            reverse("portal:case_correct", args=[sent.reference]),
            errors_by=SUBMIT,
            french_in=CORRECTION,
        ),
        Page(
            "decision letter",
            reverse("portal:decision", args=[decided.reference, space["decision"].pk]),
            french_in=SPACE,
        ),
        Page("404 (signed in)", reverse("portal:case", args=["2026-XXX-999999"])),
    ]
    return pages + appointment_pages(space)


def appointment_pages(space) -> list[Page]:
    counter, token = space["counter"], links.manage_token(space["appointment"])
    book = reverse("portal:appointment_book", args=[counter.pk])
    return [
        Page("appointments", reverse("portal:appointments"), french_in=APPOINTMENTS),
        Page("my appointments", reverse("portal:appointments_mine"), french_in=APPOINTMENTS),
        Page(
            "appointment types",
            reverse("portal:appointment_types", args=[counter.procedure.slug]),
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment slots",
            reverse("portal:appointment_slots", args=[counter.pk]),
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment booking",
            f"{book}?slot={slot_value(space['free_slot'].starts_at)}",
            errors_by=SUBMIT,
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment waiting list",
            reverse("portal:appointment_waiting_join", args=[counter.pk]),
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment",
            reverse("portal:appointment_manage", args=[token]),
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment cancel",
            reverse("portal:appointment_cancel", args=[token]),
            french_in=APPOINTMENTS,
        ),
        Page(
            "appointment move",
            reverse("portal:appointment_move", args=[token]),
            french_in=APPOINTMENTS,
        ),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_every_citizen_page_meets_wcag_aa_in_both_languages_and_themes(
    live_server, settings, browser, citizen_space, theme, language
):
    settings.PARCOURS_THEME = theme
    context = new_context(browser, locale=LOCALES[language])
    page = context.new_page()
    found, wrong_language = {}, []

    def sweep(pages: list[Page]):
        for swept in pages:
            if language == "fr" and swept.french_in:
                continue
            page.goto(live_server.url + swept.path)
            expect(page.locator("h1"), swept.name).to_have_count(1)
            if page.locator("html").get_attribute("lang") != language:
                wrong_language.append(swept.name)
            found[swept.name] = violations(page)
            if swept.errors_by:
                with page.expect_navigation():
                    page.locator(swept.errors_by).first.click()
                # The form is shown again with its errors, not sent.
                assert urlparse(page.url).path == urlparse(swept.path).path, swept.name
                found[f"{swept.name} (errors)"] = violations(page)

    sweep(anonymous_pages(citizen_space))
    sign_in_context(context, live_server.url, citizen_space["citizen"].user)
    sweep(private_pages(citizen_space))
    context.close()

    assert wrong_language == []
    assert {name: v for name, v in found.items() if v} == {}


def test_the_citizen_follows_a_case_with_javascript_off(
    live_server, browser, transactional_db, procedure, citizen_a
):
    draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "Ok"}
    )
    case = services.case_submit(case=draft, by=citizen_a.user)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill("alice@example.org")
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Mes dossiers").first.click()
    page.get_by_role("link", name=case.reference).click()
    page.locator(f'a[href="/dossiers/{case.reference}/accuse-de-reception/"]').click()

    assert (
        page.get_by_role("heading", level=1).inner_text() == "Accusé de réception de votre demande"
    )
    page.screenshot(path="var/receipt-nojs.png", full_page=True)
    context.close()
