"""Input and output schemas of the API v1. Inputs are strict: an unknown field is an
error, not silently ignored."""

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from parcours.appointments.enums import AppointmentNeed, BookingChannel
from parcours.appointments.services import LANGUAGE_MAX_LENGTH
from parcours.appointments.services import REASON_MAX_LENGTH as APPOINTMENT_REASON_MAX_LENGTH
from parcours.cases.enums import OPEN_STATES, CaseChannel, CaseState, Transition
from parcours.cases.services import REASON_MAX_LENGTH
from parcours.catalog.enums import Theme
from parcours.channels.enums import ContactChannel, ContactDirection
from parcours.channels.services import OUTCOME_MAX_LENGTH, SUBJECT_MAX_LENGTH
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


# ---------------------------------------------------------------------------
# Lists: pages

# Text the database can store (PostgreSQL refuses NUL), and identifiers as written.
TEXT = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"


class PageIn(StrictIn):
    page: int = Field(1, ge=1, description="number of the page, from 1")
    page_size: int = Field(25, ge=1, le=100, description="items per page, 100 at most")


class PageOut(Schema):
    count: int = Field(description="items on every page")
    page: int
    pages: int
    page_size: int
    next: str | None = Field(description="address of the next page, null on the last")
    previous: str | None = Field(description="address of the previous page, null on the first")


# ---------------------------------------------------------------------------
# Procedures (public)

ThemeName = Literal[tuple(Theme.values)]  # type: ignore[valid-type]


class ProcedureFilters(PageIn):
    organisation: str | None = Field(
        None, max_length=100, pattern=SLUG, description="slug of the administration"
    )
    unit: str | None = Field(
        None, max_length=100, pattern=SLUG, description="slug of the handling unit"
    )
    postcode: str | None = Field(
        None,
        max_length=10,
        pattern=SLUG,
        description="a postcode of the territory the handling unit serves",
    )
    theme: ThemeName | None = None
    q: str | None = Field(
        None, max_length=200, pattern=TEXT, description="words of the title or description"
    )


class OrganisationOut(Schema):
    slug: str
    name: str


class TerritoryUnitOut(Schema):
    slug: str
    name: str
    territory: str


class ProcedureSummaryOut(Schema):
    code: str
    slug: str
    title: str
    summary: str
    theme: str
    theme_label: str
    organisation: OrganisationOut
    unit: TerritoryUnitOut | None


class ProceduresOut(PageOut):
    results: list[ProcedureSummaryOut]


class ChoiceOut(Schema):
    value: Any
    label: str


class ConditionOut(Schema):
    field: str = Field(description="name of an earlier field")
    equals: Any = Field(description="the answer to that field that shows this one")


class FormFieldOut(Schema):
    name: str
    label: str
    type: str = Field(description="text, textarea, email, phone, date, integer, decimal, …")
    required: bool
    help: str | None
    choices: list[ChoiceOut]
    show_if: ConditionOut | None = Field(description="shown and asked only when it holds")
    fields: list["FormFieldOut"] = Field(description="a group's questions, for each line")
    max_length: Any
    min: Any
    max: Any
    min_items: Any
    max_items: Any
    prefill: Any


FormFieldOut.model_rebuild()


class RequiredDocumentOut(Schema):
    code: str
    label: str
    help: str
    required: bool
    valid_days: int = Field(
        description="days a copy the person already gave stays reusable; 0: never"
    )


class VersionOut(Schema):
    number: int
    published_at: datetime.datetime | None
    documents: list[RequiredDocumentOut]
    form: list[FormFieldOut]


class LabelledOut(Schema):
    code: str
    label: str


class DecisionRuleOut(Schema):
    delay: int
    delay_unit: str
    delay_label: str
    implicit_decision: str = Field(description="what silence means when the delay passes")
    implicit_decision_label: str


class ProcedureDetailOut(ProcedureSummaryOut):
    description: str
    who_can_apply: str
    what_happens_next: str
    help: str
    life_situations: list[LabelledOut]
    decision: DecisionRuleOut
    legal_basis: str
    appeal_routes: str
    version: VersionOut | None = Field(description="the published version; null if none yet")


# ---------------------------------------------------------------------------
# Cases and contacts

CaseStateName = Literal[tuple(s for s in CaseState.values if s != CaseState.DRAFT)]  # type: ignore[valid-type]
ContactChannelName = Literal[ContactChannel.PHONE.value, ContactChannel.COUNTER.value]  # type: ignore[valid-type]
ContactDirectionName = Literal[tuple(ContactDirection.values)]  # type: ignore[valid-type]


class CaseFilters(PageIn):
    state: CaseStateName | None = None
    procedure: str | None = Field(
        None, max_length=50, pattern=SLUG, description="code of a procedure"
    )
    unit: str | None = Field(
        None, max_length=100, pattern=SLUG, description="slug of one of my units"
    )
    channel: Channel | None = None
    updated_since: datetime.datetime | None = Field(
        None, description="changed at or after this moment (ISO 8601)"
    )
    submitted_from: datetime.date | None = Field(None, description="submitted on or after")
    submitted_to: datetime.date | None = Field(None, description="submitted on or before")


class CaseListItemOut(CaseSummaryOut):
    updated_at: datetime.datetime


class CasesOut(PageOut):
    results: list[CaseListItemOut]


class ContactOut(Schema):
    kind: str = Field(
        description="message, phone, counter, post, callback_request or callback_attempt"
    )
    id: int
    at: datetime.datetime
    direction: str = Field(description="inbound (from the person) or outbound")
    subject: str
    body: str
    by: str = Field(description="the agent, or empty when the person wrote or asked")
    unit: UnitOut | None
    details: dict = Field(description="what only this kind has (a call-back's day, …)")


class CaseContactsOut(Schema):
    case: str
    results: list[ContactOut]


class ContactIn(StrictIn):
    channel: ContactChannelName = Field(description="phone: a call; counter: a visit")
    direction: ContactDirectionName = ContactDirection.INBOUND.value
    subject: str = Field(max_length=SUBJECT_MAX_LENGTH, pattern=TEXT)
    outcome: str = Field("", max_length=OUTCOME_MAX_LENGTH, pattern=TEXT)
    occurred_at: datetime.datetime | None = Field(None, description="now when absent")
    case: str | None = Field(
        None, max_length=50, pattern=TEXT, description="reference of the person's case"
    )
    email: str | None = Field(
        None, max_length=254, pattern=TEXT, description="without case: the person's"
    )
    phone: str | None = Field(
        None, max_length=32, pattern=TEXT, description="without case nor email"
    )
    unit: str | None = Field(
        None, max_length=100, pattern=SLUG, description="slug of one of my units"
    )
