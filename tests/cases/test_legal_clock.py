"""The legal clock as the services run it: start on receipt, suspend, resume."""

import datetime

import pytest

from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError
from parcours.catalog.enums import DelayUnit, ImplicitDecision
from tests.factories import CaseFactory, ProcedureFactory, date

from .helpers import snapshot

pytestmark = pytest.mark.sqlite


@pytest.fixture
def monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def submitted(monday_2_march, draft, citizen_a):
    return services.case_submit(case=draft, by=citizen_a.user)


def test_the_clock_starts_on_the_day_of_receipt(submitted):
    assert submitted.received_on == date("2026-03-02")
    assert submitted.decision_due_on == date("2026-05-02")
    assert submitted.implicit_decision == ImplicitDecision.ACCEPTANCE
    assert submitted.suspended_days == 0
    assert submitted.clock_suspended_on is None


def test_the_day_of_receipt_is_the_day_in_france(time_machine, draft, citizen_a):
    # 23:30 in UTC on 31 January is already 1 February in Paris.
    time_machine.move_to(datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC), tick=False)

    case = services.case_submit(case=draft, by=citizen_a.user)

    assert case.received_on == date("2026-02-01")
    assert case.decision_due_on == date("2026-04-01")
    assert case.reference.startswith("2026-")


def test_the_administration_decision_date_does_not_move_to_a_working_day(submitted):
    # The delay binds the administration, not the citizen: 2 May 2026 is a Saturday.
    assert submitted.decision_due_on.weekday() == 5
    assert submitted.decision_due_on == date("2026-05-02")


@pytest.mark.parametrize(
    ("delay", "unit", "subdivision", "expected"),
    [
        (2, DelayUnit.MONTHS, "", "2026-05-02"),
        (4, DelayUnit.MONTHS, "", "2026-07-02"),
        (15, DelayUnit.DAYS, "", "2026-03-17"),
        (30, DelayUnit.WORKING_DAYS, "", "2026-04-14"),  # over Easter Monday
        (30, DelayUnit.WORKING_DAYS, "57", "2026-04-15"),  # and Good Friday in Moselle
    ],
)
def test_the_decision_date_follows_the_procedure_delay_and_the_unit_territory(
    monday_2_march, unit_1, citizen_a, delay, unit, subdivision, expected
):
    unit_1.holiday_subdivision = subdivision
    unit_1.save()
    procedure = ProcedureFactory(
        handling_unit=unit_1, decision_delay=delay, decision_delay_unit=unit
    )

    case = services.case_submit(
        case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
    )

    assert case.decision_due_on == date(expected)


def test_a_procedure_without_implicit_decision_has_no_decision_date(
    monday_2_march, silent_procedure, citizen_a
):
    case = services.case_submit(
        case=CaseFactory(procedure=silent_procedure, person=citizen_a), by=citizen_a.user
    )

    assert case.implicit_decision == ImplicitDecision.NONE
    assert case.decision_due_on is None


def test_asking_for_a_piece_suspends_the_clock_and_resuming_moves_the_date(submitted, agent_1):
    case = services.case_request_information(
        case=submitted,
        by=agent_1.user,
        reason="Justificatif de domicile",
        due_on=date("2026-03-25"),
        today=date("2026-03-10"),
    )
    assert case.clock_suspended_on == date("2026-03-10")
    assert case.citizen_due_on == date("2026-03-25")
    assert case.events.last().data == {"due_on": "2026-03-25", "clock_suspended": True}

    case = services.case_resume_review(case=case, by=agent_1.user, today=date("2026-03-20"))

    assert case.state == CaseState.IN_REVIEW
    assert case.decision_due_on == date("2026-05-12")
    assert case.suspended_days == 10
    assert case.clock_suspended_on is None
    assert case.citizen_due_on is None
    assert case.events.last().data == {"suspended_days": 10, "decision_due_on": "2026-05-12"}


def test_the_citizen_answering_resumes_the_clock_on_the_day_they_answer(
    submitted, agent_1, citizen_a, time_machine
):
    services.case_request_information(
        case=submitted, by=agent_1.user, reason="Justificatif", due_on=date("2026-03-31")
    )
    time_machine.move_to(datetime.datetime(2026, 3, 9, 18, 0, tzinfo=datetime.UTC), tick=False)

    case = services.case_resume_review(case=submitted, by=citizen_a.user)

    assert case.suspended_days == 7
    assert case.decision_due_on == date("2026-05-09")


def test_suspended_days_add_up_over_several_requests(submitted, agent_1):
    for asked_on, answered_on in [("2026-03-10", "2026-03-20"), ("2026-03-25", "2026-03-30")]:
        services.case_request_information(
            case=submitted,
            by=agent_1.user,
            reason="Une pièce manque",
            due_on=date(answered_on) + datetime.timedelta(days=10),
            today=date(asked_on),
        )
        case = services.case_resume_review(case=submitted, by=agent_1.user, today=date(answered_on))

    assert case.suspended_days == 15
    assert case.decision_due_on == date("2026-05-17")


def test_the_grant_of_a_right_is_not_suspended_by_a_missing_piece(
    monday_2_march, right_procedure, citizen_a, agent_1
):
    case = services.case_submit(
        case=CaseFactory(procedure=right_procedure, person=citizen_a), by=citizen_a.user
    )

    case = services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Avis d'imposition",
        due_on=date("2026-03-25"),
        today=date("2026-03-10"),
    )
    assert case.clock_suspended_on is None
    assert case.events.last().data["clock_suspended"] is False
    case = services.case_resume_review(case=case, by=agent_1.user, today=date("2026-03-20"))

    assert case.decision_due_on == date("2026-05-02")
    assert case.suspended_days == 0


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        ("2026-03-28", "2026-03-30"),  # a Saturday -> Monday
        ("2026-04-06", "2026-04-07"),  # Easter Monday
        ("2026-05-01", "2026-05-04"),
        ("2026-03-25", "2026-03-25"),
    ],
)
def test_the_date_given_to_the_citizen_moves_to_the_next_working_day(
    submitted, agent_1, due_on, expected
):
    case = services.case_request_information(
        case=submitted, by=agent_1.user, reason="Justificatif", due_on=date(due_on)
    )

    assert case.citizen_due_on == date(expected)


@pytest.mark.parametrize(
    "due_on",
    [
        date("2026-03-01"),  # yesterday
        date("2026-03-02"),  # today
        "2026-04-01",
        None,
        datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC),
    ],
    ids=["past", "today", "text", "none", "datetime"],
)
def test_asking_for_a_piece_needs_a_date_after_today(submitted, agent_1, due_on):
    before = snapshot(submitted)

    with pytest.raises(CaseError) as error:
        services.case_request_information(
            case=submitted, by=agent_1.user, reason="Justificatif", due_on=due_on
        )

    assert error.value.field == "due_on"
    assert list(error.value.errors) == ["due_on"]
    assert snapshot(submitted) == before


@pytest.mark.parametrize(
    "step",
    [
        lambda case, agent, citizen: services.case_withdraw(case=case, by=citizen),
        lambda case, agent, citizen: services.case_close_without_action(
            case=case, by=agent, reason="Pas de réponse de l'usager."
        ),
    ],
    ids=["withdraw", "close_without_action"],
)
def test_ending_a_case_while_waiting_for_the_citizen_stops_the_clock(
    submitted, agent_1, citizen_a, step
):
    services.case_request_information(
        case=submitted, by=agent_1.user, reason="Justificatif", due_on=date("2026-03-25")
    )

    case = step(submitted, agent_1.user, citizen_a.user)

    assert case.clock_suspended_on is None
    assert case.citizen_due_on is None
