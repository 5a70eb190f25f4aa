"""Working days in France, per territory.

Public holidays come from the ``holidays`` package; Alsace-Moselle (57, 67, 68)
and the overseas departments have days of their own, selected by the unit's
``holiday_subdivision`` (empty string: mainland France).
"""

import datetime
from functools import cache

import holidays


@cache
def _calendar(subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", subdiv=subdivision or None)


def is_public_holiday(day: datetime.date, subdivision: str = "") -> bool:
    return day in _calendar(subdivision)


def is_working_day(day: datetime.date, subdivision: str = "") -> bool:
    """Monday to Friday, except public holidays of the territory."""
    return day.weekday() < 5 and not is_public_holiday(day, subdivision)


def next_working_day(day: datetime.date, subdivision: str = "") -> datetime.date:
    """The day itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, subdivision):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(day: datetime.date, count: int, subdivision: str = "") -> datetime.date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    if not isinstance(count, int) or isinstance(count, bool):
        # A fraction would never reach zero below and loop for ever.
        raise TypeError(f"count must be a whole number, not {count!r}")
    if count < 0:
        raise ValueError("count must be zero or positive")
    while count:
        day += datetime.timedelta(days=1)
        if is_working_day(day, subdivision):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, subdivision: str = "") -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, subdivision):
            count += 1
    return count
