"""The citizen's own actions on a case: withdraw it, answer a request for information."""

import datetime
import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import casework, services
from parcours.cases.enums import CaseState, Transition
from parcours.cases.models import CaseEvent
from tests.factories import CaseFactory, rewrite_published_version

pytestmark = pytest.mark.sqlite

MONDAY_2_MARCH = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(MONDAY_2_MARCH, tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    # The receipt PDF has its own tests with the case pages.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def submitted(draft, citizen_a):
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def awaiting(submitted, agent_1):
    case = services.case_start_review(case=submitted, by=agent_1.user)
    return services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Il manque le justificatif de domicile.",
        due_on=datetime.date(2026, 3, 20),
    )


@pytest.fixture
def accepted(submitted, agent_1):
    case = services.case_start_review(case=submitted, by=agent_1.user)
    return services.case_accept(case=case, by=agent_1.user, reasons="Dossier complet.")


def text_of(response) -> str:
    """The page as a person reads it: HTML entities decoded."""
    return html.unescape(response.content.decode())


def withdraw_url(case) -> str:
    return reverse("portal:case_withdraw", args=[case.reference])


def answer_url(case) -> str:
    return reverse("portal:case_answer", args=[case.reference])


# Withdraw


def test_the_withdraw_page_explains_the_consequences(client, citizen_a, submitted):
    client.force_login(citizen_a.user)

    response = client.get(withdraw_url(submitted))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "vous ne pourrez pas revenir en arrière" in page
    assert "Je retire ma demande" in page
    assert "csrfmiddlewaretoken" in page


def test_the_owner_withdraws_their_case_with_an_event_and_an_email(
    client, citizen_a, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(citizen_a.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(submitted), {"reason": "J'ai déménagé."})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:case", args=[submitted.reference])
    submitted.refresh_from_db()
    assert submitted.state == CaseState.WITHDRAWN
    event = submitted.events.get(transition=Transition.WITHDRAW)
    assert event.actor == citizen_a.user
    assert event.reason == "J'ai déménagé."
    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert "Vous avez retiré votre demande" in message.subject
    page = text_of(client.get(response["Location"]))
    assert "Vous avez retiré votre demande. Nous vous l'avons confirmé" in page
    assert "Retirer ma demande" not in page


def test_a_case_is_withdrawn_without_a_reason(client, citizen_a, submitted):
    client.force_login(citizen_a.user)

    client.post(withdraw_url(submitted))

    submitted.refresh_from_db()
    assert submitted.state == CaseState.WITHDRAWN


def test_a_case_awaiting_the_citizen_can_be_withdrawn_too(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    client.post(withdraw_url(awaiting), {"reason": ""})

    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.WITHDRAWN
    assert awaiting.citizen_due_on is None


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_1", "agent_2"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_but_the_owner_may_withdraw_a_case(client, submitted, someone_else, method, request):
    client.force_login(request.getfixturevalue(someone_else).user)

    response = getattr(client, method)(withdraw_url(submitted))

    assert response.status_code == HTTPStatus.NOT_FOUND
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED


@pytest.mark.parametrize("url", [withdraw_url, answer_url])
def test_anonymous_visitors_are_sent_to_sign_in(client, awaiting, url):
    response = client.post(url(awaiting))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_CITIZEN


def test_a_draft_has_no_withdraw_page(client, citizen_a, draft):
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:case_withdraw", args=["2026-SCO-999999"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_decided_case_cannot_be_withdrawn_and_the_citizen_is_told_why(
    client, citizen_a, accepted, method
):
    client.force_login(citizen_a.user)

    response = getattr(client, method)(withdraw_url(accepted), follow=True)

    assert response.redirect_chain == [
        (reverse("portal:case", args=[accepted.reference]), HTTPStatus.FOUND)
    ]
    assert "ne peut plus être retiré : une décision a été prise" in text_of(response)
    accepted.refresh_from_db()
    assert accepted.state == CaseState.ACCEPTED


def test_a_withdraw_reason_too_long_keeps_the_text_with_an_error(client, citizen_a, submitted):
    client.force_login(citizen_a.user)
    reason = "Trop long. " * 500

    response = client.post(withdraw_url(submitted), {"reason": reason})

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "raccourcissez-le à 5000 caractères au plus" in page
    assert reason.strip() in page
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED


# Answer a request for information


def test_the_answer_page_shows_the_agent_request_and_its_due_date(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    response = client.get(answer_url(awaiting))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "Il manque le justificatif de domicile." in page
    assert "Merci de répondre avant le 20 mars 2026." in page
    assert "est suspendu" in page
    assert 'maxlength="' not in page


def test_answering_resumes_the_legal_clock_by_the_days_waited(
    client, citizen_a, awaiting, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    due_before = awaiting.decision_due_on
    time_machine.move_to(MONDAY_2_MARCH + datetime.timedelta(days=9), tick=False)
    client.force_login(citizen_a.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            answer_url(awaiting), {"answer": "Je l'ai déposé au guichet mercredi."}
        )

    assert response.status_code == HTTPStatus.FOUND
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.IN_REVIEW
    assert awaiting.decision_due_on == due_before + datetime.timedelta(days=9)
    assert awaiting.suspended_days == 9
    assert awaiting.citizen_due_on is None
    event = awaiting.events.get(transition=Transition.RESUME_REVIEW)
    assert event.actor == citizen_a.user
    assert event.reason == "Je l'ai déposé au guichet mercredi."
    assert len(mailoutbox) == 1
    page = text_of(client.get(response["Location"]))
    assert "Merci, votre réponse est envoyée." in page
    assert "Je l'ai déposé au guichet mercredi." in page


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("", "Écrivez votre réponse avant de l'envoyer."),
        ("   ", "Écrivez votre réponse avant de l'envoyer."),
        ("é" * 5001, "Votre réponse compte 5001 caractères : raccourcissez-la"),
    ],
)
def test_a_bad_answer_keeps_the_typed_text_with_a_clear_error(
    client, citizen_a, awaiting, answer, error
):
    client.force_login(citizen_a.user)

    response = client.post(answer_url(awaiting), {"answer": answer})

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert error in page
    assert 'aria-invalid="true"' in page
    assert "<title>" in page
    assert "Erreur :" in page
    if answer.strip():
        assert answer in page
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_CITIZEN
    assert not CaseEvent.objects.filter(case=awaiting, transition=Transition.RESUME_REVIEW)


@pytest.mark.parametrize("case", ["submitted", "accepted"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_there_is_nothing_to_answer_outside_a_request(client, citizen_a, case, method, request):
    case = request.getfixturevalue(case)
    state = case.state
    client.force_login(citizen_a.user)

    response = getattr(client, method)(answer_url(case), {"answer": "Bonjour"}, follow=True)

    assert response.redirect_chain == [
        (reverse("portal:case", args=[case.reference]), HTTPStatus.FOUND)
    ]
    assert "Nous n'attendons pas de réponse de votre part" in text_of(response)
    case.refresh_from_db()
    assert case.state == state


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_1", "agent_2"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_but_the_owner_may_answer(client, awaiting, someone_else, method, request):
    client.force_login(request.getfixturevalue(someone_else).user)

    response = getattr(client, method)(answer_url(awaiting), {"answer": "Réponse"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_CITIZEN


def test_the_actions_are_posted_with_a_csrf_token(citizen_a, awaiting):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen_a.user)

    response = client.post(answer_url(awaiting), {"answer": "Sans jeton"})

    assert response.status_code == HTTPStatus.FORBIDDEN


# The case page: next step and actions


def test_the_case_page_says_the_citizen_must_act_and_offers_to_answer(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[awaiting.reference])))

    assert "C'est à vous d'agir." in page
    assert "Répondez à notre demande avant le 20 mars 2026." in page
    assert answer_url(awaiting) in page
    assert withdraw_url(awaiting) in page


def next_step_of(page: str) -> str:
    """The "next step" block of the case page."""
    start = page.index('id="next-step-title"')
    return page[start : page.index("</section>", start)]


def test_the_next_step_shows_what_the_agent_asks_with_the_due_date_and_the_answer_button(
    client, citizen_a, awaiting
):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[awaiting.reference])))

    next_step = next_step_of(page)
    assert "Ce que nous vous demandons" in next_step
    assert "Il manque le justificatif de domicile." in next_step
    assert "Demande du 2 mars 2026." in next_step
    assert "avant le 20 mars 2026" in next_step
    assert f'href="{answer_url(awaiting)}"' in next_step


def test_the_next_step_lists_the_documents_the_agent_asks_for(
    client, citizen_a, agent_1, submitted
):
    version = submitted.procedure_version
    version.required_documents = [{"code": "domicile", "label": "Justificatif de domicile"}]
    rewrite_published_version(version)
    case = services.case_start_review(case=submitted, by=agent_1.user)
    casework.case_ask_for_information(
        case=case,
        by=agent_1.user,
        missing="La page 2 est illisible.",
        document_codes=["domicile"],
        due_on=datetime.date(2026, 3, 20),
    )
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[case.reference])))

    next_step = next_step_of(page)
    assert "- Justificatif de domicile" in next_step
    assert "La page 2 est illisible." in next_step


def test_the_next_step_shows_no_request_once_the_citizen_answered(client, citizen_a, awaiting):
    services.case_resume_review(case=awaiting, by=citizen_a.user, reason="Voici le justificatif.")
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[awaiting.reference])))

    assert "Ce que nous vous demandons" not in next_step_of(page)


def test_the_case_list_says_by_when_an_answer_is_awaited(client, citizen_a, awaiting, procedure):
    other = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
    )
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:cases")))

    assert page.count("Réponse attendue avant le") == 1
    assert "Réponse attendue avant le 20 mars 2026" in page
    assert other.reference in page


def test_the_case_page_says_the_service_acts_next_and_by_when(client, citizen_a, submitted):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[submitted.reference])))

    assert "C'est à nous d'agir." in page
    assert "Nous vous répondrons au plus tard le 2 mai 2026." in page
    assert withdraw_url(submitted) in page
    assert answer_url(submitted) not in page


def test_the_case_page_of_a_decided_case_gives_the_appeal_route(client, citizen_a, accepted):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:case", args=[accepted.reference])))

    assert "Plus personne n'a à agir : la décision est prise." in page
    assert 'href="#appeal-title"' in page
    assert withdraw_url(accepted) not in page


def test_an_agent_reading_the_case_page_is_offered_no_citizen_action(client, agent_1, awaiting):
    client.force_login(agent_1.user)

    page = text_of(client.get(reverse("portal:case", args=[awaiting.reference])))

    assert answer_url(awaiting) not in page
    assert withdraw_url(awaiting) not in page
