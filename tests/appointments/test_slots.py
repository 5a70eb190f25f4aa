"""Slots: the unit's weekly hours cut to the type's duration, on the unit's own clocks,
without public holidays and closures, within the booking window, with seats counted."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from parcours.appointments import services
from parcours.appointments.models import Closure
from parcours.appointments.slots import (
    find_slot,
    parse_slot_value,
    slot_value,
    slots_between,
)
from parcours.organisations.enums import HolidayCalendar
from parcours.organisations.models import OpeningHours
from tests.factories import date

from .conftest import at, details

pytestmark = pytest.mark.sqlite

UTC = datetime.UTC


def starts(slots) -> list[str]:
    return [s.local_starts_at.strftime("%Y-%m-%d %H:%M") for s in slots]


def test_a_day_is_cut_into_slots_of_the_types_duration_within_opening_hours(counter):
    slots = slots_between(counter, first_day=date("2026-05-05"), last_day=date("2026-05-05"))

    assert starts(slots)[:2] == ["2026-05-05 09:00", "2026-05-05 09:30"]
    assert starts(slots)[5:8] == ["2026-05-05 11:30", "2026-05-05 14:00", "2026-05-05 14:30"]
    assert starts(slots)[-1] == "2026-05-05 16:30"
    assert len(slots) == 12
    assert all(slot.ends_at - slot.starts_at == datetime.timedelta(minutes=30) for slot in slots)
    assert all(slot.free == 1 for slot in slots)


def test_a_slot_that_would_run_past_closing_time_is_not_offered(counter):
    counter.duration_minutes = 40
    counter.save()

    slots = slots_between(counter, first_day=date("2026-05-05"), last_day=date("2026-05-05"))

    # 11:40 would end at 12:20 and 16:40 at 17:20: neither is offered.
    assert starts(slots) == [
        "2026-05-05 09:00",
        "2026-05-05 09:40",
        "2026-05-05 10:20",
        "2026-05-05 11:00",
        "2026-05-05 14:00",
        "2026-05-05 14:40",
        "2026-05-05 15:20",
        "2026-05-05 16:00",
    ]


def test_no_slot_is_offered_on_a_weekend(counter):
    assert slots_between(counter, first_day=date("2026-05-09"), last_day=date("2026-05-10")) == []


@pytest.mark.parametrize(
    "holiday",
    ["2026-05-08", "2026-05-14", "2026-05-25"],
    ids=["victory_in_europe", "ascension", "whit_monday"],
)
def test_no_slot_is_offered_on_a_public_holiday(counter, holiday):
    assert slots_between(counter, first_day=date(holiday), last_day=date(holiday)) == []


def test_the_units_own_holidays_apply_in_alsace_moselle(counter, unit_1, time_machine):
    # Good Friday is a public holiday in Moselle, not in the rest of mainland France.
    time_machine.move_to(at("2027-03-22", "08:00", ZoneInfo("Europe/Paris")), tick=False)
    good_friday = date("2027-03-26")
    assert slots_between(counter, first_day=good_friday, last_day=good_friday)

    unit_1.holiday_subdivision = HolidayCalendar.MOSELLE
    unit_1.save()
    counter.refresh_from_db()

    assert slots_between(counter, first_day=good_friday, last_day=good_friday) == []


def test_slots_keep_their_wall_clock_time_across_the_change_to_summer_time(counter, time_machine):
    paris = ZoneInfo("Europe/Paris")
    time_machine.move_to(at("2026-03-25", "08:00", paris), tick=False)

    friday = slots_between(counter, first_day=date("2026-03-27"), last_day=date("2026-03-27"))
    monday = slots_between(counter, first_day=date("2026-03-30"), last_day=date("2026-03-30"))

    # Clocks go forward on Sunday 29 March: 9:00 is 8:00 UTC before, 7:00 UTC after.
    assert friday[0].starts_at.astimezone(UTC).strftime("%H:%M") == "08:00"
    assert monday[0].starts_at.astimezone(UTC).strftime("%H:%M") == "07:00"
    assert friday[0].starts_at.astimezone(paris).strftime("%H:%M") == "09:00"
    assert monday[0].starts_at.astimezone(paris).strftime("%H:%M") == "09:00"
    assert len(friday) == len(monday) == 12


def test_slots_keep_their_wall_clock_time_across_the_change_to_winter_time(counter, time_machine):
    paris = ZoneInfo("Europe/Paris")
    time_machine.move_to(at("2026-10-21", "08:00", paris), tick=False)

    monday = slots_between(counter, first_day=date("2026-10-26"), last_day=date("2026-10-26"))

    assert monday[0].starts_at.astimezone(UTC).strftime("%H:%M") == "08:00"
    assert monday[-1].ends_at.astimezone(paris).strftime("%H:%M") == "17:00"
    assert len(monday) == 12


def test_a_period_open_during_the_night_the_clocks_change_skips_the_hour_that_does_not_exist(
    counter, unit_1, time_machine
):
    paris = ZoneInfo("Europe/Paris")
    time_machine.move_to(at("2026-03-20", "08:00", paris), tick=False)
    OpeningHours.objects.create(unit=unit_1, weekday=6, opens_at="01:00", closes_at="04:00")
    counter.duration_minutes = 60
    counter.save()

    sunday = slots_between(counter, first_day=date("2026-03-29"), last_day=date("2026-03-29"))

    # 2:00–3:00 never happens that night: only 1:00 and 3:00 are real times.
    assert [s.local_starts_at.strftime("%H:%M") for s in sunday] == ["01:00", "03:00"]
    assert sunday[0].ends_at - sunday[0].starts_at == datetime.timedelta(hours=1)
    assert sunday[0].local_ends_at.strftime("%H:%M") == "03:00"


def test_an_overseas_unit_opens_on_its_own_clocks(counter, unit_1):
    unit_1.holiday_subdivision = HolidayCalendar.REUNION
    unit_1.save()
    counter.refresh_from_db()

    slots = slots_between(counter, first_day=date("2026-05-06"), last_day=date("2026-05-06"))

    # 9:00 in La Réunion (UTC+4) is 5:00 UTC.
    assert slots[0].starts_at.astimezone(UTC).strftime("%H:%M") == "05:00"


def test_online_booking_opens_after_the_minimum_notice_and_up_to_the_horizon(counter):
    everything = slots_between(counter, first_day=date("2026-05-04"), last_day=date("2026-07-31"))

    # Now is Monday 4 May at 8:00; 24 hours' notice; 30 days ahead.
    assert starts(everything)[0] == "2026-05-05 09:00"
    assert everything[-1].day == date("2026-06-03")


def test_an_agent_books_without_the_notice_and_beyond_the_horizon(counter):
    today = slots_between(
        counter, first_day=date("2026-05-04"), last_day=date("2026-05-04"), by_agent=True
    )
    later = slots_between(
        counter, first_day=date("2026-07-01"), last_day=date("2026-07-01"), by_agent=True
    )

    assert starts(today)[0] == "2026-05-04 09:00"
    assert later


def test_a_closure_removes_the_slots_it_covers(counter, unit_1):
    Closure.objects.create(
        organisation=unit_1.organisation,
        unit=unit_1,
        starts_at=at("2026-05-05", "10:45"),
        ends_at=at("2026-05-05", "15:00"),
        reason="Formation",
    )

    slots = slots_between(counter, first_day=date("2026-05-05"), last_day=date("2026-05-05"))

    assert starts(slots) == [
        "2026-05-05 09:00",
        "2026-05-05 09:30",
        "2026-05-05 10:00",
        "2026-05-05 15:00",
        "2026-05-05 15:30",
        "2026-05-05 16:00",
        "2026-05-05 16:30",
    ]


def test_a_booked_seat_is_taken_and_a_cancelled_one_is_free_again_at_once(counter, citizen_a):
    nine = at("2026-05-05", "09:00")
    appointment = services.appointment_book(
        appointment_type=counter, starts_at=nine, person=citizen_a, by=citizen_a.user, **details()
    )
    assert find_slot(counter, nine).free == 0

    services.appointment_cancel(appointment=appointment, by=citizen_a.user)

    assert find_slot(counter, nine).free == 1


def test_a_slot_off_the_grid_or_outside_the_window_is_not_found(counter):
    assert find_slot(counter, at("2026-05-05", "09:10")) is None
    assert find_slot(counter, at("2026-05-04", "14:00")) is None  # less than 24 hours ahead
    assert find_slot(counter, at("2026-06-30", "09:00")) is None  # beyond 30 days
    assert find_slot(counter, at("2026-05-05", "09:30")).starts_at == at("2026-05-05", "09:30")


def test_a_slot_travels_in_forms_as_its_start_in_utc():
    moment = at("2026-05-05", "09:30")

    assert slot_value(moment) == "20260505T0730Z"
    assert parse_slot_value("20260505T0730Z") == moment
    assert parse_slot_value("2026-05-05") is None
    assert parse_slot_value("") is None
