"""Input and output schemas of the API v1. Inputs are strict: an unknown field is an
error, not silently ignored."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

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
