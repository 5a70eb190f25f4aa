"""Compute the daily statistics (``DailyStat``) of one day, or of a period, from the
real events: cases received and decided, appointments booked, feedback given.

Recomputing a day replaces its rows, so the jobs are idempotent and a past period can
be recomputed on demand (``manage.py compute_stats``, the ``compute_stats`` task).

Dimensions of a case: its unit, procedure and channel; the territory (the person's
postcode); assisted (filed by someone other than the person: a helper, or an agent at
a counter, on the phone, from a letter or an email) or autonomous; the person's
language.
"""

import datetime
import functools
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from parcours.appointments.enums import AppointmentStatus
from parcours.appointments.models import Appointment
from parcours.cases.clock import add_delay
from parcours.cases.enums import FINAL_STATES, CaseChannel, CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind
from parcours.commitments.selectors import CommitmentBook
from parcours.contacts.enums import CallbackStatus
from parcours.contacts.models import CallbackRequest

from . import buckets
from .enums import Subject
from .models import DailyStat, DailySummary

logger = logging.getLogger(__name__)

SATISFIED = (4, 5)
DISSATISFIED = (1, 2)
OUTCOMES = {
    CaseState.ACCEPTED: "accepted",
    CaseState.IMPLICIT_ACCEPTANCE: "accepted",
    CaseState.REJECTED: "rejected",
    CaseState.IMPLICIT_REJECTION: "rejected",
    CaseState.CLOSED_WITHOUT_ACTION: "closed",
    CaseState.WITHDRAWN: "withdrawn",
}
DECISIONS = (
    CaseState.ACCEPTED,
    CaseState.REJECTED,
    CaseState.IMPLICIT_ACCEPTANCE,
    CaseState.IMPLICIT_REJECTION,
)


@dataclass
class Row:
    started: int = 0
    completed: int = 0
    accepted: int = 0
    rejected: int = 0
    closed: int = 0
    withdrawn: int = 0
    implicit: int = 0
    with_commitment: int = 0
    within_commitment: int = 0
    duration_sum: float = 0
    backlog: int = 0
    overdue: int = 0
    satisfaction_count: int = 0
    satisfaction_sum: int = 0
    satisfaction_squares: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    histogram: list = field(default_factory=lambda: [0] * buckets.COUNT)

    def merge(self, other: "Row") -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]

    def add_duration(self, days: float) -> None:
        days = max(days, 0.0)
        self.duration_sum += days
        self.histogram[buckets.index(days)] += 1


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def assisted_expression() -> models.Expression:
    """Filed by someone other than the person, or through a channel where someone
    enters the request for them."""
    return models.Case(
        models.When(~Q(channel=CaseChannel.ONLINE), then=models.Value(True)),
        models.When(
            Q(created_by__isnull=False)
            & (Q(person__user__isnull=True) | ~Q(created_by_id=F("person__user_id"))),
            then=models.Value(True),
        ),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


CASE_DIMENSIONS = (
    "organisation_id",
    "unit_id",
    "procedure_id",
    "channel",
    "stat_territory",
    "stat_assisted",
    "stat_language",
)


def _cases(organisation_ids):
    cases = Case.objects.exclude(state=CaseState.DRAFT).annotate(
        stat_territory=Coalesce(F("person__postcode"), models.Value("")),
        stat_language=Coalesce(F("person__preferred_language"), models.Value("")),
        stat_assisted=assisted_expression(),
    )
    if organisation_ids is not None:
        cases = cases.filter(organisation_id__in=organisation_ids)
    return cases


def _key(values: dict, subject: str) -> tuple:
    return (
        values["organisation_id"],
        values.get("unit_id"),
        values.get("procedure_id"),
        subject,
        values.get("channel") or "",
        (values.get("stat_territory") or "")[:10],
        bool(values.get("stat_assisted")),
        (values.get("stat_language") or "")[:8],
    )


def _ended_at() -> models.Expression:
    """When a case left the stock: its decision, or its last change for a case ended
    without one (withdrawn)."""
    return Coalesce(
        F("decided_at"),
        models.Case(
            models.When(state__in=FINAL_STATES, then=F("updated_at")),
            default=models.Value(None),
            output_field=models.DateTimeField(),
        ),
    )


@functools.lru_cache(maxsize=65536)
def _due_cached(pk, target, target_unit, start, subdivision) -> datetime.date:
    return add_delay(start, amount=target, unit=target_unit, subdivision=subdivision)


def _due(commitment, start: datetime.date, subdivision: str) -> datetime.date:
    """``due_on``, remembered: many items share a start date and a commitment."""
    return _due_cached(commitment.pk, commitment.target, commitment.target_unit, start, subdivision)


class Period:
    """The days of a computation, and which day an instant falls on."""

    def __init__(self, since: datetime.date, until: datetime.date):
        self.since, self.until = since, until
        self.start, _ = day_bounds(since)
        _, self.end = day_bounds(until)
        self.days = (until - since).days + 1

    def index(self, moment: datetime.datetime) -> int:
        """The day of ``moment`` as an index from ``since`` (may fall outside)."""
        return (timezone.localdate(moment) - self.since).days

    def day(self, index: int) -> datetime.date:
        return self.since + datetime.timedelta(days=index)

    def within(self, index: int) -> bool:
        return 0 <= index < self.days


def _compute_cases(rows, stocks, period: Period, organisation_ids, book) -> None:
    """One pass over the cases present at some time in the period: received, ended,
    and the stock at the end of each day (kept as differences, then summed)."""
    # The stock is kept at the grain of the summaries only (the equality dashboards
    # compare flows, not stocks): far fewer rows.
    stock: dict[tuple, list[int]] = defaultdict(lambda: [0] * (period.days + 1))
    late: dict[tuple, list[int]] = defaultdict(lambda: [0] * (period.days + 1))
    cases = (
        _cases(organisation_ids)
        .annotate(ended_at=_ended_at())
        .filter(submitted_at__lt=period.end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=period.start))
    )
    for values in cases.values(
        *CASE_DIMENSIONS,
        "state",
        "submitted_at",
        "ended_at",
        "received_on",
        "suspended_days",
        "decision_due_on",
        "unit__holiday_subdivision",
    ).iterator(chunk_size=5000):
        key = _key(values, Subject.CASE)
        submitted = period.index(values["submitted_at"])
        ended_at = values["ended_at"]
        ended = period.index(ended_at) if ended_at is not None else period.days
        if period.within(submitted):
            rows[(submitted, *key)].started += 1
        # Open at the end of each day from its submission to the day before it ended.
        first, last = max(submitted, 0), min(ended, period.days)
        if first < last:
            summary_key = key[:5]
            stock[summary_key][first] += 1
            stock[summary_key][last] -= 1
            due = values["decision_due_on"]
            if due is not None:
                overdue_from = max(first, (due - period.since).days + 1)
                if overdue_from < last:
                    late[summary_key][overdue_from] += 1
                    late[summary_key][last] -= 1
        if ended_at is None or not period.within(ended):
            continue
        row = rows[(ended, *key)]
        state = values["state"]
        row.completed += 1
        setattr(row, OUTCOMES[state], getattr(row, OUTCOMES[state]) + 1)
        if state in (CaseState.IMPLICIT_ACCEPTANCE, CaseState.IMPLICIT_REJECTION):
            row.implicit += 1
        if state not in DECISIONS:
            continue
        elapsed = (ended_at - values["submitted_at"]).total_seconds() / 86400
        row.add_duration(elapsed - (values["suspended_days"] or 0))
        commitment = book.get(
            CommitmentKind.DECISION,
            organisation_id=values["organisation_id"],
            unit_id=values["unit_id"],
            procedure_id=values["procedure_id"],
        )
        if commitment is not None:
            received = values["received_on"] or timezone.localdate(values["submitted_at"])
            limit = _due(
                commitment, received, values["unit__holiday_subdivision"]
            ) + datetime.timedelta(days=values["suspended_days"] or 0)
            row.with_commitment += 1
            row.within_commitment += timezone.localdate(ended_at) <= limit
    for key, deltas in stock.items():
        open_, overdue = 0, 0
        late_deltas = late.get(key)
        for index in range(period.days):
            open_ += deltas[index]
            overdue += late_deltas[index] if late_deltas else 0
            if open_:
                stocks[(period.day(index), *key)] = (open_, overdue)


def _compute_appointments(rows, period: Period, organisation_ids, book) -> None:
    """Appointments booked in the period: the wait from the booking to the appointment."""
    appointments = Appointment.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    ).exclude(status=AppointmentStatus.CANCELLED)
    if organisation_ids is not None:
        appointments = appointments.filter(organisation_id__in=organisation_ids)
    for values in appointments.values(
        "organisation_id",
        "unit_id",
        "procedure_id",
        "channel",
        "created_at",
        "starts_at",
        "booked_by_id",
        "unit__holiday_subdivision",
        stat_territory=Coalesce(F("person__postcode"), models.Value("")),
        stat_language=Coalesce(F("person__preferred_language"), models.Value("")),
        person_user=F("person__user_id"),
    ).iterator(chunk_size=5000):
        values["stat_assisted"] = values["channel"] != "online" or (
            values["booked_by_id"] is not None and values["booked_by_id"] != values["person_user"]
        )
        row = rows[(period.index(values["created_at"]), *_key(values, Subject.APPOINTMENT))]
        row.started += 1
        row.completed += 1
        row.add_duration((values["starts_at"] - values["created_at"]).total_seconds() / 86400)
        commitment = book.get(
            CommitmentKind.APPOINTMENT,
            organisation_id=values["organisation_id"],
            unit_id=values["unit_id"],
            procedure_id=values["procedure_id"],
        )
        if commitment is not None:
            booked = timezone.localdate(values["created_at"])
            row.with_commitment += 1
            row.within_commitment += timezone.localdate(values["starts_at"]) <= _due(
                commitment, booked, values["unit__holiday_subdivision"]
            )


def _compute_callbacks(rows, period: Period, organisation_ids) -> None:
    """Call-backs the citizens asked for on that day (cancelled ones left out):
    ``started`` asked, ``completed`` made (the share of calls answered)."""
    callbacks = CallbackRequest.objects.filter(
        day__gte=period.since, day__lte=period.until
    ).exclude(status=CallbackStatus.CANCELLED)
    if organisation_ids is not None:
        callbacks = callbacks.filter(organisation_id__in=organisation_ids)
    for values in (
        callbacks.values(
            "day",
            "organisation_id",
            "unit_id",
            stat_territory=Coalesce(F("person__postcode"), models.Value("")),
            stat_language=Coalesce(F("person__preferred_language"), models.Value("")),
        )
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=CallbackStatus.DONE)))
        .order_by()
    ):
        values["channel"] = "phone"
        row = rows[((values["day"] - period.since).days, *_key(values, Subject.CALLBACK))]
        row.started += values["n"]
        row.completed += values["done"]


def _compute_feedback(rows, period: Period, organisation_ids) -> None:
    """Satisfaction answers given that day (the listening app, when installed)."""
    if not apps.is_installed("parcours.listening"):
        return
    try:
        FeedbackResponse = apps.get_model("listening", "FeedbackResponse")
    except LookupError:
        return
    answers = FeedbackResponse.objects.filter(
        created_on__gte=period.since, created_on__lte=period.until
    )
    if organisation_ids is not None:
        answers = answers.filter(organisation_id__in=organisation_ids)
    for values in (
        answers.values(
            "created_on", "organisation_id", "unit_id", "procedure_id", "channel", "satisfaction"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows[((values["created_on"] - period.since).days, *_key(values, Subject.FEEDBACK))]
        n, score = values["n"], values["satisfaction"]
        row.satisfaction_count += n
        row.satisfaction_sum += n * score
        row.satisfaction_squares += n * score * score
        row.satisfied += n if score in SATISFIED else 0
        row.dissatisfied += n if score in DISSATISFIED else 0


MEASURES = [name for name in Row.__dataclass_fields__ if name != "histogram"]


COLUMNS = ("day", "organisation_id", "unit_id", "procedure_id", "subject", "channel")
EQUALITY_COLUMNS = ("territory", "assisted", "language")


def _insert(model, rows: list[tuple], *, equality: bool) -> None:
    """Write many statistics rows at once (COPY on PostgreSQL, ``executemany``
    elsewhere): many times faster than model instances for tens of thousands of rows."""
    if not rows:
        return
    ops = connection.ops
    columns = [*COLUMNS, *(EQUALITY_COLUMNS if equality else ()), *MEASURES, *buckets.FIELDS]
    columns.append("computed_at")
    now = ops.adapt_datetimefield_value(timezone.now())
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the fastest way in, by far, for PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row((*values, now))
            return
        statement = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(statement, [(*values, now) for values in rows])


def _values(day, key, row: Row, *, equality: bool) -> tuple:
    organisation_id, unit_id, procedure_id, subject, channel = key[:5]
    extra = tuple(key[5:]) if equality else ()
    return (
        connection.ops.adapt_datefield_value(day),
        organisation_id,
        unit_id,
        procedure_id,
        subject,
        channel,
        *extra,
        *(getattr(row, name) for name in MEASURES),
        *row.histogram,
    )


def compute_period(
    since: datetime.date, until: datetime.date, organisation_ids=None
) -> dict[str, float]:
    """Replace the statistics of every day from ``since`` to ``until`` included (of
    some organisations, or all), in one pass over the events and one transaction.
    Returns the number of days, of rows written, and the seconds it took."""
    if since > until:
        raise ValueError("The period ends before it starts.")
    began = time.monotonic()
    if organisation_ids is not None:
        organisation_ids = list(organisation_ids)
    period = Period(since, until)
    book = CommitmentBook(organisation_ids)
    rows: dict[tuple, Row] = defaultdict(Row)
    stocks: dict[tuple, tuple[int, int]] = {}
    _compute_cases(rows, stocks, period, organisation_ids, book)
    _compute_appointments(rows, period, organisation_ids, book)
    _compute_callbacks(rows, period, organisation_ids)
    _compute_feedback(rows, period, organisation_ids)
    fine, summaries = [], {}
    for (index, *key), row in rows.items():
        if not period.within(index):
            continue
        day = period.day(index)
        fine.append(_values(day, key, row, equality=True))
        summaries.setdefault((day, *key[:5]), Row()).merge(row)
    for key, (backlog, overdue) in stocks.items():
        summary = summaries.setdefault(key, Row())
        summary.backlog, summary.overdue = backlog, overdue
    objects = [_values(key[0], key[1:], row, equality=False) for key, row in summaries.items()]
    with transaction.atomic():
        for model in (DailyStat, DailySummary):
            existing = model.objects.filter(day__gte=since, day__lte=until)
            if organisation_ids is not None:
                existing = existing.filter(organisation_id__in=organisation_ids)
            existing.delete()
        _insert(DailyStat, fine, equality=True)
        _insert(DailySummary, objects, equality=False)
    seconds = time.monotonic() - began
    logger.info(
        "Statistics of %s days computed: %s rows in %.1f s", period.days, len(fine), seconds
    )
    return {"days": period.days, "rows": len(fine), "summaries": len(objects), "seconds": seconds}


def compute_day(day: datetime.date, organisation_ids=None) -> int:
    """Replace the statistics of ``day``. Returns the number of rows written."""
    return compute_period(day, day, organisation_ids)["rows"]
