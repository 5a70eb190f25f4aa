"""Input and output schemas of the API v1. Inputs are strict: an unknown field is an
error, not silently ignored."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from parcours.appointments.enums import AppointmentNeed, BookingChannel
from parcours.appointments.services import LANGUAGE_MAX_LENGTH
from parcours.appointments.services import REASON_MAX_LENGTH as APPOINTMENT_REASON_MAX_LENGTH
from parcours.cases.enums import OPEN_STATES, CaseChannel, Transition
from parcours.cases.services import REASON_MAX_LENGTH
from parcours.contacts.services import BODY_MAX_LENGTH


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


OpenState = Literal[tuple(str(state) for state in OPEN_STATES)]  # type: ignore[valid-type]
Channel = Literal[tuple(CaseChannel.values)]  # type: ignore[valid-type]
# The transitions an agent applies (submitting, withdrawing and implicit decisions are
# the citizen's and the clock's).
AGENT_TRANSITIONS = (
    Transition.START_REVIEW,
    Transition.REQUEST_INFORMATION,
    Transition.RESUME_REVIEW,
    Transition.ACCEPT,
    Transition.REJECT,
    Transition.CLOSE_WITHOUT_ACTION,
    Transition.REOPEN,
)
TransitionName = Literal[tuple(str(t) for t in AGENT_TRANSITIONS)]  # type: ignore[valid-type]


class QueueFilters(StrictIn):
    unit: str | None = Field(None, max_length=100, description="slug of the unit")
    state: OpenState | None = None
    procedure: str | None = Field(None, max_length=50, description="code of a procedure")
    channel: Channel | None = None
    holder: Literal["nobody", "me"] | None = None
    overdue: bool = False
    page: int = Field(1, ge=1)


class ClaimIn(StrictIn):
    unit: str | None = Field(None, max_length=100, description="slug of the unit")


class MessageIn(StrictIn):
    body: str = Field(max_length=BODY_MAX_LENGTH)


class TransitionIn(StrictIn):
    transition: TransitionName
    reason: str = Field("", max_length=REASON_MAX_LENGTH)
    due_on: datetime.date | None = Field(
        None, description="request_information only: the date the citizen answers by"
    )


class UnitOut(Schema):
    slug: str
    name: str


class ProcedureOut(Schema):
    code: str
    title: str


class AgentOut(Schema):
    id: int
    name: str


class CaseSummaryOut(Schema):
    reference: str
    procedure: ProcedureOut
    unit: UnitOut
    person: str
    state: str
    state_label: str
    channel: str
    submitted_at: datetime.datetime | None
    decision_due_on: datetime.date | None
    overdue: bool
    referent: AgentOut | None


class QueueOut(Schema):
    unit: UnitOut
    count: int
    page: int
    pages: int
    page_size: int
    results: list[CaseSummaryOut]


class AnswerOut(Schema):
    name: str
    label: str
    value: str


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    added_at: datetime.datetime


class EventOut(Schema):
    kind: str
    transition: str
    from_state: str
    to_state: str
    actor: str
    reason: str
    visible_to_citizen: bool
    data: dict
    created_at: datetime.datetime


class DeadlinesOut(Schema):
    decision_due_on: datetime.date | None
    citizen_due_on: datetime.date | None
    clock_suspended_on: datetime.date | None
    suspended_days: int
    overdue: bool


class CaseOut(CaseSummaryOut):
    answers: list[AnswerOut]
    documents: list[DocumentOut]
    events: list[EventOut]
    deadlines: DeadlinesOut
    transitions: list[str]


class MessageOut(Schema):
    id: int
    case: str
    direction: str
    body: str
    author: str
    created_at: datetime.datetime


# ---------------------------------------------------------------------------
# Appointments

AppointmentNeedName = Literal[tuple(AppointmentNeed.values)]  # type: ignore[valid-type]
AgentBookingChannel = Literal[  # type: ignore[valid-type]
    BookingChannel.PHONE.value, BookingChannel.COUNTER.value
]


class AvailabilityFilters(StrictIn):
    unit: str = Field(max_length=100, description="slug of the unit")
    type: int = Field(ge=1, description="id of an appointment type of the unit")
    from_: datetime.date = Field(alias="from", description="first day, on the unit's clocks")
    to: datetime.date = Field(description="last day, included")


class AppointmentIn(StrictIn):
    type: int = Field(ge=1, description="id of the appointment type")
    starts_at: datetime.datetime = Field(
        description="a free slot's start, as availability gives it (without an offset: "
        "on the unit's clocks)"
    )
    person: int | None = Field(None, ge=1, description="id of a person of the organisation")
    given_name: str = Field("", max_length=150, description="without person: to find or record")
    family_name: str = Field("", max_length=150, description="without person: to find or record")
    email: str = Field(
        "", max_length=254, description="for the confirmation; the person's by default"
    )
    phone: str = Field("", max_length=32, description="the person's by default")
    channel: AgentBookingChannel = BookingChannel.PHONE.value
    reason: str = Field(max_length=APPOINTMENT_REASON_MAX_LENGTH)
    needs: list[AppointmentNeedName] = Field(default_factory=list, max_length=3)
    interpreter_language: str = Field("", max_length=LANGUAGE_MAX_LENGTH)
    accessibility_note: str = Field("", max_length=APPOINTMENT_REASON_MAX_LENGTH)
    documents: list[str] = Field(default_factory=list, max_length=20)
    documents_note: str = Field("", max_length=APPOINTMENT_REASON_MAX_LENGTH)
    remind_by_email: bool = True
    remind_by_sms: bool = False
    case: str | None = Field(None, max_length=50, description="reference of the person's case")


class AppointmentCancelIn(StrictIn):
    reason: str = Field(max_length=APPOINTMENT_REASON_MAX_LENGTH)


class SlotOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    free: int


class DayOut(Schema):
    date: datetime.date
    slots: list[SlotOut]


class AppointmentTypeOut(Schema):
    id: int
    name: str
    mode: str
    duration_minutes: int
    capacity: int
    procedure: ProcedureOut | None


class AvailabilityOut(Schema):
    unit: UnitOut
    type: AppointmentTypeOut
    timezone: str
    days: list[DayOut]


class PersonOut(Schema):
    id: int
    name: str
    email: str
    phone: str


class AppointmentEventOut(Schema):
    kind: str
    actor: str
    note: str
    data: dict
    created_at: datetime.datetime


class AppointmentOut(Schema):
    id: int
    type: AppointmentTypeOut
    unit: UnitOut
    person: PersonOut
    person_recorded: bool = Field(description="true when this booking recorded the person")
    case: str | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    status_label: str
    channel: str
    reason: str
    needs: list[str]
    interpreter_language: str
    accessibility_note: str
    documents: list[str]
    documents_note: str
    email: str
    phone: str
    remind_by_email: bool
    remind_by_sms: bool
    agent: AgentOut | None
    cancelled_at: datetime.datetime | None
    cancelled_by: str
    cancel_reason: str
    events: list[AppointmentEventOut]
