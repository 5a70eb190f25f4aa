"""The slots of an appointment type: its unit's weekly hours cut to the type's duration,
minus public holidays and exceptional closures, within the booking window, each with
the seats still free.

Hours are read on the unit's own clocks (``parcours.lib.local_time``), so a slot at
9:00 stays at 9:00 across a daylight-saving change. Nothing is cached: a seat freed by
a cancellation is free in the very next answer.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from parcours.lib.local_time import local_datetime
from parcours.lib.working_days import is_public_holiday
from parcours.organisations.models import OpeningHours

from .models import Appointment, AppointmentType, Closure, WaitingListEntry

# Agents may book for a person beyond the online window, up to this far.
AGENT_HORIZON_DAYS = 365
SLOT_VALUE_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True)
class Slot:
    # In UTC: Python compares and subtracts two datetimes of one time zone on the wall
    # clock, which is wrong on the nights the clocks change.
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    taken: int = 0
    tz: datetime.tzinfo = datetime.UTC

    @property
    def local_starts_at(self) -> datetime.datetime:
        """The start on the unit's clocks, for people to read."""
        return self.starts_at.astimezone(self.tz)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.tz)

    @property
    def day(self) -> datetime.date:
        return self.local_starts_at.date()

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def is_free(self) -> bool:
        return self.free > 0

    @property
    def value(self) -> str:
        """The slot in a form or a URL: its start in UTC, to the minute."""
        return slot_value(self.starts_at)


def slot_value(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime(SLOT_VALUE_FORMAT)


def parse_slot_value(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.strptime(value or "", SLOT_VALUE_FORMAT)
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Window:
    """When a slot may be booked: from ``earliest`` (a moment) to ``last_day`` (a local
    date, included)."""

    earliest: datetime.datetime
    last_day: datetime.date


def booking_window(
    appointment_type: AppointmentType, *, now: datetime.datetime, by_agent: bool = False
) -> Window:
    today = timezone.localtime(now, appointment_type.timezone).date()
    if by_agent:
        return Window(now, today + datetime.timedelta(days=AGENT_HORIZON_DAYS))
    return Window(
        now + datetime.timedelta(hours=appointment_type.min_notice_hours),
        today + datetime.timedelta(days=appointment_type.horizon_days),
    )


def weekly_hours(unit) -> dict[int, list[tuple[datetime.time, datetime.time]]]:
    periods = defaultdict(list)
    for period in OpeningHours.objects.filter(unit=unit).order_by("weekday", "opens_at"):
        periods[period.weekday].append((period.opens_at, period.closes_at))
    return periods


def day_grid(
    appointment_type: AppointmentType,
    day: datetime.date,
    periods: dict[int, list[tuple[datetime.time, datetime.time]]],
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(start, end) of the type's slots on one day, by the opening hours alone, in UTC."""
    tz = appointment_type.timezone
    if is_public_holiday(day, appointment_type.unit.holiday_subdivision):
        return []
    duration = appointment_type.duration
    grid = []
    for opens, closes in periods.get(day.weekday(), []):
        wall = datetime.datetime.combine(day, opens)
        limit = datetime.datetime.combine(day, closes)
        while wall + duration <= limit:
            start = local_datetime(day, wall.time(), tz)
            if start is not None:
                start = start.astimezone(datetime.UTC)
                grid.append((start, start + duration))
            wall += duration
    return grid


def slots_between(
    appointment_type: AppointmentType,
    *,
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime | None = None,
    by_agent: bool = False,
    window: Window | None = None,
) -> list[Slot]:
    """Every slot of the type from ``first_day`` to ``last_day`` (local dates, included)
    that can still be booked, full ones included (``free == 0``)."""
    now = now or timezone.now()
    window = window or booking_window(appointment_type, now=now, by_agent=by_agent)
    last_day = min(last_day, window.last_day)
    if last_day < first_day:
        return []
    periods = weekly_hours(appointment_type.unit)
    grid = []
    day = first_day
    while day <= last_day:
        grid.extend(
            (start, end)
            for start, end in day_grid(appointment_type, day, periods)
            if start >= window.earliest
        )
        day += datetime.timedelta(days=1)
    if not grid:
        return []
    span_start, span_end = grid[0][0], grid[-1][1]
    closures = list(
        Closure.objects.filter(
            unit_id=appointment_type.unit_id, starts_at__lt=span_end, ends_at__gt=span_start
        ).values_list("starts_at", "ends_at")
    )
    taken = list(
        Appointment.objects.filter(appointment_type=appointment_type)
        .holding_seats()
        .overlapping(span_start, span_end)
        .values_list("starts_at", "ends_at")
    )
    duration = appointment_type.duration
    taken += [
        (start, start + duration)
        for start in WaitingListEntry.objects.filter(appointment_type=appointment_type)
        .holding(now)
        .filter(offered_starts_at__lt=span_end, offered_starts_at__gt=span_start - duration)
        .values_list("offered_starts_at", flat=True)
    ]
    slots = []
    for start, end in grid:
        if any(c_start < end and c_end > start for c_start, c_end in closures):
            continue
        count = sum(1 for t_start, t_end in taken if t_start < end and t_end > start)
        slots.append(Slot(start, end, appointment_type.capacity, count, appointment_type.timezone))
    return slots


def find_slot(
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    *,
    now: datetime.datetime | None = None,
    by_agent: bool = False,
) -> Slot | None:
    """The slot of the type that starts at ``starts_at``, if it exists and is in the
    booking window (free or not)."""
    day = timezone.localtime(starts_at, appointment_type.timezone).date()
    for slot in slots_between(
        appointment_type, first_day=day, last_day=day, now=now, by_agent=by_agent
    ):
        if slot.starts_at == starts_at:
            return slot
    return None
