"""The person chooses their channels, but the messages the law requires always go."""

import datetime

import pytest

from parcours.cases import services

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def no_news_by_email(citizen_a):
    citizen_a.notify_by_email = False
    citizen_a.save()
    return citizen_a


@pytest.fixture
def submitted(draft, citizen_a):
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def in_review(submitted, agent_1):
    return services.case_start_review(case=submitted, by=agent_1.user)


def test_the_receipt_is_sent_even_to_someone_who_wants_no_news_by_email(
    draft, no_news_by_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=draft, by=no_news_by_email.user)

    assert [m.to for m in mailoutbox] == [["alice@example.org"]]


def test_the_start_of_the_review_is_not_sent_to_someone_who_wants_no_news_by_email(
    submitted, no_news_by_email, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_start_review(case=submitted, by=agent_1.user)

    assert mailoutbox == []


def test_the_start_of_the_review_is_sent_by_default(
    submitted, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_start_review(case=submitted, by=agent_1.user)

    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "act",
    [
        lambda case, agent: services.case_accept(case=case, by=agent),
        lambda case, agent: services.case_reject(case=case, by=agent, reasons="Hors délai."),
        lambda case, agent: services.case_close_without_action(
            case=case, by=agent, reason="Demande sans objet."
        ),
        lambda case, agent: services.case_request_information(
            case=case, by=agent, reason="Le justificatif.", due_on=datetime.date(2026, 3, 20)
        ),
    ],
    ids=["accepted", "rejected", "closed-without-action", "information-requested"],
)
def test_decisions_and_requests_are_sent_whatever_the_preferences(
    in_review, no_news_by_email, agent_1, mailoutbox, django_capture_on_commit_callbacks, act
):
    with django_capture_on_commit_callbacks(execute=True):
        act(in_review, agent_1.user)

    assert len(mailoutbox) == 1


def test_the_confirmation_of_a_withdrawal_is_sent_whatever_the_preferences(
    submitted, no_news_by_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_withdraw(case=submitted, by=no_news_by_email.user, reason="")

    assert len(mailoutbox) == 1


def test_an_implicit_decision_is_sent_whatever_the_preferences(
    submitted, no_news_by_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_due_implicit_decisions(today=datetime.date(2026, 5, 3))

    assert len(mailoutbox) == 1


def test_no_sms_is_ever_sent_because_the_transport_does_not_exist_yet(
    draft, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    citizen_a.notify_by_sms = True
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=draft, by=citizen_a.user)

    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
