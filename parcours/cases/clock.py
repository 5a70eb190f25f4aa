"""The legal clock of a case: when silence becomes a decision, and when deadlines end.

Pure functions on dates, so they are easy to test and reuse (services, demo data,
benchmarks). Rules:

* the decision delay runs from the date the request is received (CRPA L231-1);
  a delay in months ends on the same day of the month, or on the last day of a
  shorter month (31 December + 2 months = 28 or 29 February);
* the implicit decision is born on the day the delay ends; the task that records it
  runs once that day is over, so an agent can still decide on the last day;
* while the administration waits for the citizen (missing pieces, L114-5), the clock
  is suspended and, when it resumes, the date moves on by the days spent waiting;
* deadlines given to the citizen (to send a piece, to appeal) that end on a
  Saturday, Sunday or public holiday move to the next working day.
"""

import datetime

from dateutil.relativedelta import relativedelta

from parcours.catalog.enums import DelayUnit
from parcours.lib.working_days import add_working_days, next_working_day

APPEAL_DELAY_MONTHS = 2  # CJA R421-1


def add_delay(
    start: datetime.date, *, amount: int, unit: str, subdivision: str = ""
) -> datetime.date:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"A delay is a whole number, not {amount!r}.")
    if amount < 0:
        raise ValueError("A delay cannot be negative.")
    if unit == DelayUnit.MONTHS:
        return start + relativedelta(months=amount)
    if unit == DelayUnit.DAYS:
        return start + datetime.timedelta(days=amount)
    if unit == DelayUnit.WORKING_DAYS:
        return add_working_days(start, amount, subdivision)
    raise ValueError(f"Unknown delay unit: {unit!r}")


def decision_due_on(
    received_on: datetime.date, *, delay: int, unit: str, subdivision: str = ""
) -> datetime.date:
    """The day on which the administration's silence becomes a decision."""
    return add_delay(received_on, amount=delay, unit=unit, subdivision=subdivision)


def resumed_due_on(
    due_on: datetime.date, *, suspended_on: datetime.date, resumed_on: datetime.date
) -> tuple[datetime.date, int]:
    """The decision date after a suspension, and the number of days it was suspended."""
    if resumed_on < suspended_on:
        raise ValueError("The clock cannot resume before it was suspended.")
    days = (resumed_on - suspended_on).days
    return due_on + datetime.timedelta(days=days), days


def is_implicit_decision_due(due_on: datetime.date | None, today: datetime.date) -> bool:
    """True once the whole day of ``due_on`` has passed."""
    return due_on is not None and today > due_on


def appeal_deadline(notified_on: datetime.date, subdivision: str = "") -> datetime.date:
    """Last day to appeal a decision: two months, moved to the next working day if need be."""
    return next_working_day(notified_on + relativedelta(months=APPEAL_DELAY_MONTHS), subdivision)


def citizen_deadline(day: datetime.date, subdivision: str = "") -> datetime.date:
    """A deadline given to the citizen never ends on a day the service is closed."""
    return next_working_day(day, subdivision)
