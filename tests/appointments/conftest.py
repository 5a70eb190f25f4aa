"""A unit open Monday to Friday, 9:00–12:00 and 14:00–17:00, and a counter appointment
type of 30 minutes for one person at a time, for school enrolment. The clock is set to
Monday 4 May 2026, 8:00 in Paris, unless a test moves it."""

import datetime

import pytest

from parcours.appointments.enums import AppointmentMode
from parcours.appointments.models import AppointmentType
from parcours.organisations.models import OpeningHours

PARIS = datetime.timezone(datetime.timedelta(hours=2))  # summer time, for readable constants
MONDAY_4_MAY_8AM = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=PARIS)


def at(day: str, time: str, tz=PARIS) -> datetime.datetime:
    """A moment written as in the unit's hall: at("2026-05-05", "09:30")."""
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz)


@pytest.fixture(autouse=True)
def on_monday_morning(time_machine):
    time_machine.move_to(MONDAY_4_MAY_8AM, tick=False)


@pytest.fixture
def opening_hours(unit_1):
    for weekday in range(5):
        for opens, closes in (("09:00", "12:00"), ("14:00", "17:00")):
            OpeningHours.objects.create(
                unit=unit_1, weekday=weekday, opens_at=opens, closes_at=closes
            )


@pytest.fixture
def counter(unit_1, procedure, opening_hours):
    return AppointmentType.objects.create(
        unit=unit_1,
        procedure=procedure,
        mode=AppointmentMode.COUNTER,
        name="Déposer le dossier d'inscription",
        instructions="Apportez un justificatif de domicile.",
        duration_minutes=30,
        capacity=1,
        min_notice_hours=24,
        horizon_days=30,
        change_notice_hours=2,
        max_upcoming_per_person=1,
        reminder_hours=[48, 2],
    )


def details(**overrides) -> dict:
    return {
        "reason": "Inscrire ma fille en CP.",
        "email": "alice@example.org",
        **overrides,
    }


@pytest.fixture
def submitted(procedure, citizen_a, monkeypatch):
    """Citizen A's submitted case of the procedure (the receipt PDF is tested elsewhere)."""
    from parcours.cases import services as case_services
    from tests.factories import CaseFactory

    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)
    draft = CaseFactory(procedure=procedure, person=citizen_a)
    return case_services.case_submit(case=draft, by=citizen_a.user)
