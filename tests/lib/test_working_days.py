import pytest

from parcours.lib.working_days import (
    add_working_days,
    is_public_holiday,
    is_working_day,
    next_working_day,
    working_days_between,
)
from tests.factories import date

MAINLAND, MOSELLE, ALSACE = "", "57", "6AE"

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-01-01", "New Year's Day"),
        ("2026-04-06", "Easter Monday"),
        ("2026-05-01", "Labour Day"),
        ("2026-05-08", "Victory in Europe Day"),
        ("2026-05-14", "Ascension"),
        ("2026-05-25", "Whit Monday"),
        ("2026-07-14", "Bastille Day"),
        ("2026-08-15", "Assumption"),
        ("2026-11-01", "All Saints"),
        ("2026-11-11", "Armistice"),
        ("2026-12-25", "Christmas"),
        ("2027-03-29", "Easter Monday of another year"),
        ("2027-05-06", "Ascension of another year"),
    ],
)
def test_french_public_holidays_are_not_working_days(day, name):
    assert is_public_holiday(date(day))
    assert not is_working_day(date(day))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-06", True),  # a Friday
        ("2026-03-07", False),  # a Saturday
        ("2026-03-08", False),  # a Sunday
        ("2026-03-09", True),  # a Monday
    ],
)
def test_weekends_are_not_working_days(day, expected):
    assert is_working_day(date(day)) is expected


@pytest.mark.parametrize(
    ("day", "subdivision", "expected"),
    [
        ("2026-04-03", MAINLAND, True),  # Good Friday
        ("2026-04-03", MOSELLE, False),
        ("2026-04-03", ALSACE, False),
        ("2025-12-26", MAINLAND, True),  # Saint Stephen's Day, a Friday
        ("2025-12-26", MOSELLE, False),
        ("2025-12-26", ALSACE, False),
        ("2026-07-14", MOSELLE, False),  # national holidays hold there too
    ],
)
def test_alsace_moselle_has_holidays_of_its_own(day, subdivision, expected):
    assert is_working_day(date(day), subdivision) is expected


@pytest.mark.parametrize(
    ("day", "subdivision", "expected"),
    [
        ("2026-03-04", MAINLAND, "2026-03-04"),  # a working day stays
        ("2026-03-07", MAINLAND, "2026-03-09"),  # Saturday -> Monday
        ("2026-05-01", MAINLAND, "2026-05-04"),  # Friday 1 May -> Monday
        ("2026-07-14", MAINLAND, "2026-07-15"),  # Tuesday 14 July -> Wednesday
        ("2026-04-05", MAINLAND, "2026-04-07"),  # Easter Sunday, then Easter Monday
        ("2026-05-14", MAINLAND, "2026-05-15"),  # Ascension
        ("2026-05-23", MAINLAND, "2026-05-26"),  # Whit weekend and Monday
        ("2026-04-03", MAINLAND, "2026-04-03"),  # Good Friday is worked in mainland France
        ("2026-04-03", MOSELLE, "2026-04-07"),  # not in Moselle
        ("2025-12-25", MAINLAND, "2025-12-26"),
        ("2025-12-25", ALSACE, "2025-12-29"),
    ],
)
def test_next_working_day_skips_weekends_and_holidays_of_the_territory(day, subdivision, expected):
    assert next_working_day(date(day), subdivision) == date(expected)


@pytest.mark.parametrize(
    ("start", "count", "subdivision", "expected"),
    [
        ("2026-03-02", 0, MAINLAND, "2026-03-02"),
        ("2026-03-02", 4, MAINLAND, "2026-03-06"),
        ("2026-03-06", 1, MAINLAND, "2026-03-09"),  # Friday + 1 -> Monday
        ("2026-04-30", 1, MAINLAND, "2026-05-04"),  # over 1 May and the weekend
        ("2026-05-11", 5, MAINLAND, "2026-05-19"),  # over Ascension
        ("2026-04-02", 1, MAINLAND, "2026-04-03"),
        ("2026-04-02", 1, MOSELLE, "2026-04-07"),  # over Good Friday and Easter Monday
    ],
)
def test_add_working_days_counts_only_working_days_after_the_start(
    start, count, subdivision, expected
):
    assert add_working_days(date(start), count, subdivision) == date(expected)


@pytest.mark.parametrize(
    ("count", "error"), [(-1, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)]
)
def test_add_working_days_refuses_a_count_that_is_not_a_whole_positive_number(count, error):
    with pytest.raises(error):
        add_working_days(date("2026-03-02"), count)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-05-01", "2026-05-11", 5),  # 4-7 May and 11 May; 8 May is a holiday
        ("2026-03-02", "2026-03-02", 0),
        ("2026-03-09", "2026-03-02", 0),
    ],
)
def test_working_days_between_counts_after_the_start_up_to_the_end(start, end, expected):
    assert working_days_between(date(start), date(end)) == expected


def test_an_unknown_territory_is_refused():
    with pytest.raises(NotImplementedError):
        is_working_day(date("2026-03-02"), "99")
