"""Every step of the case is told to the citizen by email, after the commit only."""

import datetime

import pytest
from django.db import transaction

from parcours.cases import services
from parcours.cases.enums import CaseState

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    # The receipt PDF is rendered after the commit too; its own tests live with the portal.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def in_review(draft, citizen_a, agent_1):
    case = services.case_submit(case=draft, by=citizen_a.user)
    return services.case_start_review(case=case, by=agent_1.user)


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def test_submitting_sends_the_citizen_one_email_in_french(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(case=draft, by=citizen_a.user)

    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.subject == f"Votre dossier {case.reference} : Nous avons bien reçu votre demande"
    assert "Bonjour Alice Durand," in message.body
    assert "Nous avons bien reçu votre demande « Inscription scolaire » le 2 mars 2026." in (
        message.body
    )
    assert "au plus tard le 2 mai 2026" in message.body
    assert "Service Éducation — 02 38 00 00 01" in message.body
    assert '<html lang="fr">' in html_of(message)


def test_a_citizen_who_prefers_english_is_written_to_in_english(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    citizen_a.preferred_language = "en"
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(case=draft, by=citizen_a.user)

    (message,) = mailoutbox
    assert message.subject == f"Your case {case.reference}: We have received your request"
    assert "Hello Alice Durand," in message.body
    assert "2 March 2026" in message.body
    assert '<html lang="en">' in html_of(message)


@pytest.mark.parametrize(
    ("decide", "words"),
    [
        (
            lambda case, agent: services.case_accept(case=case, by=agent),
            "Bonne nouvelle : votre demande est acceptée.",
        ),
        (
            lambda case, agent: services.case_reject(
                case=case, by=agent, reasons="Vous n'habitez pas la commune."
            ),
            "Vous n'habitez pas la commune.",
        ),
    ],
    ids=["accepted", "rejected"],
)
def test_a_decision_sends_the_citizen_one_email(
    in_review, agent_1, mailoutbox, django_capture_on_commit_callbacks, decide, words
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, agent_1.user)

    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert words in message.body
    assert "Claire Martin" in message.body  # the referent, named (CRPA L111-2)


def test_a_rejection_email_gives_the_appeal_routes_and_deadline(
    in_review, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reject(case=in_review, by=agent_1.user, reasons="Hors délai.")

    (message,) = mailoutbox
    assert "jusqu'au 4 mai 2026" in message.body
    assert "Tribunal administratif d'Orléans" in message.body


def test_an_implicit_decision_is_told_too(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    case = services.case_submit(case=draft, by=citizen_a.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.apply_due_implicit_decisions(today=datetime.date(2026, 5, 3))

    (message,) = mailoutbox
    assert "Nous ne vous avons pas répondu dans le délai" in message.body
    assert "n'avons pas répondu" in message.subject  # not HTML-escaped in a plain header
    case.refresh_from_db()
    assert case.state == CaseState.IMPLICIT_ACCEPTANCE


def test_nothing_is_sent_when_the_transaction_rolls_back(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    def submit_then_fail():
        with transaction.atomic():
            services.case_submit(case=draft, by=citizen_a.user)
            raise RuntimeError("something later in the same request failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        submit_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


def test_nothing_is_sent_to_a_citizen_without_an_email_address(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    citizen_a.email = ""
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=draft, by=citizen_a.user)

    assert mailoutbox == []


def test_every_email_links_back_to_the_case(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PARCOURS_BASE_URL = "https://demarches.bellerive.example"

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(case=draft, by=citizen_a.user)

    (message,) = mailoutbox
    url = f"https://demarches.bellerive.example/dossiers/{case.reference}/"
    assert url in message.body
    assert f'href="{url}"' in message.alternatives[0][0]
