"""The legal clock as pure date arithmetic."""

import pytest

from parcours.cases import clock
from parcours.catalog.enums import DelayUnit
from tests.factories import date

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    ("received_on", "months", "expected"),
    [
        ("2026-03-15", 2, "2026-05-15"),  # same day of the month
        ("2026-01-31", 1, "2026-02-28"),  # shorter month: its last day
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2025-12-31", 2, "2026-02-28"),
        ("2023-12-31", 2, "2024-02-29"),
        ("2026-08-31", 1, "2026-09-30"),
        ("2024-02-29", 1, "2024-03-29"),  # from 29 February
        ("2024-02-29", 12, "2025-02-28"),  # to a year without one
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-03-15", 0, "2026-03-15"),
    ],
)
def test_a_delay_in_months_ends_on_the_same_day_or_the_last_day_of_a_shorter_month(
    received_on, months, expected
):
    assert clock.decision_due_on(date(received_on), delay=months, unit=DelayUnit.MONTHS) == date(
        expected
    )


@pytest.mark.parametrize(
    ("received_on", "days", "expected"),
    [
        ("2026-01-31", 30, "2026-03-02"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2025-02-28", 1, "2025-03-01"),
        ("2026-04-30", 1, "2026-05-01"),  # calendar days: holidays count
        ("2026-12-31", 1, "2027-01-01"),
    ],
)
def test_a_delay_in_days_counts_every_calendar_day(received_on, days, expected):
    assert clock.decision_due_on(date(received_on), delay=days, unit=DelayUnit.DAYS) == date(
        expected
    )


@pytest.mark.parametrize(
    ("received_on", "days", "subdivision", "expected"),
    [
        ("2026-04-30", 1, "", "2026-05-04"),
        ("2026-07-10", 2, "", "2026-07-15"),  # Friday + 2: Monday, then 14 July is skipped
        ("2026-04-02", 1, "", "2026-04-03"),
        ("2026-04-02", 1, "57", "2026-04-07"),
        ("2026-04-02", 1, "6AE", "2026-04-07"),
    ],
)
def test_a_delay_in_working_days_skips_weekends_and_the_territory_holidays(
    received_on, days, subdivision, expected
):
    assert clock.decision_due_on(
        date(received_on), delay=days, unit=DelayUnit.WORKING_DAYS, subdivision=subdivision
    ) == date(expected)


@pytest.mark.parametrize(
    ("amount", "unit", "error"),
    [
        (-1, DelayUnit.MONTHS, ValueError),
        (-1, DelayUnit.DAYS, ValueError),
        (-1, DelayUnit.WORKING_DAYS, ValueError),
        (2, "weeks", ValueError),
        (2, "", ValueError),
        (1.5, DelayUnit.WORKING_DAYS, TypeError),
        (1.5, DelayUnit.DAYS, TypeError),
        ("2", DelayUnit.MONTHS, TypeError),
        (None, DelayUnit.MONTHS, TypeError),
        (True, DelayUnit.DAYS, TypeError),
    ],
)
def test_a_negative_fractional_or_unknown_delay_is_refused(amount, unit, error):
    with pytest.raises(error):
        clock.add_delay(date("2026-03-15"), amount=amount, unit=unit)


@pytest.mark.parametrize(
    ("notified_on", "subdivision", "expected"),
    [
        ("2026-03-04", "", "2026-05-04"),  # a Monday: stays
        ("2026-03-14", "", "2026-05-15"),  # 14 May is Ascension
        ("2026-05-14", "", "2026-07-15"),  # 14 July
        ("2025-12-31", "", "2026-03-02"),  # 28 February 2026 is a Saturday
        ("2026-03-01", "", "2026-05-04"),  # 1 May, then the weekend
        ("2025-10-26", "", "2025-12-26"),
        ("2025-10-26", "57", "2025-12-29"),  # Saint Stephen's Day in Moselle
        ("2026-02-03", "6AE", "2026-04-07"),  # Good Friday, weekend, Easter Monday
    ],
)
def test_the_appeal_deadline_is_two_months_moved_to_the_next_working_day(
    notified_on, subdivision, expected
):
    assert clock.appeal_deadline(date(notified_on), subdivision) == date(expected)


@pytest.mark.parametrize(
    ("day", "subdivision", "expected"),
    [
        ("2026-03-04", "", "2026-03-04"),
        ("2026-03-07", "", "2026-03-09"),
        ("2026-05-01", "", "2026-05-04"),
        ("2026-07-14", "", "2026-07-15"),
        ("2026-04-06", "", "2026-04-07"),
        ("2026-05-25", "", "2026-05-26"),
        ("2026-04-03", "", "2026-04-03"),
        ("2026-04-03", "57", "2026-04-07"),
    ],
)
def test_a_citizen_deadline_never_ends_on_a_day_the_service_is_closed(day, subdivision, expected):
    assert clock.citizen_deadline(date(day), subdivision) == date(expected)


@pytest.mark.parametrize(
    ("suspended_on", "resumed_on", "expected_due_on", "expected_days"),
    [
        ("2026-04-01", "2026-04-11", "2026-05-25", 10),
        ("2026-04-01", "2026-04-01", "2026-05-15", 0),
        ("2026-04-20", "2026-06-01", "2026-06-26", 42),
    ],
)
def test_resuming_the_clock_moves_the_date_by_the_days_spent_waiting(
    suspended_on, resumed_on, expected_due_on, expected_days
):
    assert clock.resumed_due_on(
        date("2026-05-15"), suspended_on=date(suspended_on), resumed_on=date(resumed_on)
    ) == (date(expected_due_on), expected_days)


def test_the_clock_cannot_resume_before_it_was_suspended():
    with pytest.raises(ValueError, match="resume before"):
        clock.resumed_due_on(
            date("2026-05-15"), suspended_on=date("2026-04-10"), resumed_on=date("2026-04-09")
        )


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        ("2026-05-15", "2026-05-14", False),
        ("2026-05-15", "2026-05-15", False),  # the last day still belongs to the administration
        ("2026-05-15", "2026-05-16", True),
        (None, "2026-05-16", False),
    ],
)
def test_an_implicit_decision_is_due_once_the_whole_last_day_has_passed(due_on, today, expected):
    due = date(due_on) if due_on else None

    assert clock.is_implicit_decision_due(due, date(today)) is expected
