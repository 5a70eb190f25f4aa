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
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from parcours.appointments.enums import AppointmentStatus
from parcours.appointments.models import Appointment
from parcours.cases.enums import FINAL_STATES, CaseChannel, CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind
from parcours.commitments.selectors import CommitmentBook, due_on
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


def _compute_cases(rows, day, start, end, organisation_ids, book) -> None:
    cases = _cases(organisation_ids)
    for values in (
        cases.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values(*CASE_DIMENSIONS)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[_key(values, Subject.CASE)].started += values["n"]

    ended = cases.annotate(ended_at=_ended_at()).filter(
        state__in=FINAL_STATES, ended_at__gte=start, ended_at__lt=end
    )
    for values in ended.values(
        *CASE_DIMENSIONS,
        "state",
        "submitted_at",
        "ended_at",
        "received_on",
        "suspended_days",
        "unit__holiday_subdivision",
    ).order_by():
        row = rows[_key(values, Subject.CASE)]
        state = values["state"]
        row.completed += 1
        setattr(row, OUTCOMES[state], getattr(row, OUTCOMES[state]) + 1)
        if state in (CaseState.IMPLICIT_ACCEPTANCE, CaseState.IMPLICIT_REJECTION):
            row.implicit += 1
        if state not in DECISIONS or values["submitted_at"] is None:
            continue
        elapsed = (values["ended_at"] - values["submitted_at"]).total_seconds() / 86400
        row.add_duration(elapsed - (values["suspended_days"] or 0))
        commitment = book.get(
            CommitmentKind.DECISION,
            organisation_id=values["organisation_id"],
            unit_id=values["unit_id"],
            procedure_id=values["procedure_id"],
        )
        if commitment is not None:
            received = values["received_on"] or timezone.localdate(values["submitted_at"])
            limit = due_on(
                commitment, received, subdivision=values["unit__holiday_subdivision"]
            ) + datetime.timedelta(days=values["suspended_days"] or 0)
            row.with_commitment += 1
            row.within_commitment += timezone.localdate(values["ended_at"]) <= limit

    stock = (
        cases.filter(submitted_at__lt=end)
        .annotate(ended_at=_ended_at())
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    )
    for values in (
        stock.values(*CASE_DIMENSIONS)
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(decision_due_on__lt=day)))
        .order_by()
    ):
        row = rows[_key(values, Subject.CASE)]
        row.backlog += values["n"]
        row.overdue += values["late"]


def _compute_appointments(rows, day, start, end, organisation_ids, book) -> None:
    """Appointments booked that day: the wait from the booking to the appointment."""
    appointments = Appointment.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=AppointmentStatus.CANCELLED
    )
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
    ).order_by():
        values["stat_assisted"] = values["channel"] != "online" or (
            values["booked_by_id"] is not None and values["booked_by_id"] != values["person_user"]
        )
        row = rows[_key(values, Subject.APPOINTMENT)]
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
            row.within_commitment += timezone.localdate(values["starts_at"]) <= due_on(
                commitment, booked, subdivision=values["unit__holiday_subdivision"]
            )


def _compute_callbacks(rows, day, organisation_ids) -> None:
    """Call-backs the citizens asked for on that day (cancelled ones left out):
    ``started`` asked, ``completed`` made (the share of calls answered)."""
    callbacks = CallbackRequest.objects.filter(day=day).exclude(status=CallbackStatus.CANCELLED)
    if organisation_ids is not None:
        callbacks = callbacks.filter(organisation_id__in=organisation_ids)
    for values in (
        callbacks.values(
            "organisation_id",
            "unit_id",
            stat_territory=Coalesce(F("person__postcode"), models.Value("")),
            stat_language=Coalesce(F("person__preferred_language"), models.Value("")),
        )
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=CallbackStatus.DONE)))
        .order_by()
    ):
        values["channel"] = "phone"
        row = rows[_key(values, Subject.CALLBACK)]
        row.started += values["n"]
        row.completed += values["done"]


def _compute_feedback(rows, day, organisation_ids) -> None:
    """Satisfaction answers given that day (the listening app, when installed)."""
    if not apps.is_installed("parcours.listening"):
        return
    try:
        FeedbackResponse = apps.get_model("listening", "FeedbackResponse")
    except LookupError:
        return
    answers = FeedbackResponse.objects.filter(created_on=day)
    if organisation_ids is not None:
        answers = answers.filter(organisation_id__in=organisation_ids)
    for values in (
        answers.values("organisation_id", "unit_id", "procedure_id", "channel", "satisfaction")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows[_key(values, Subject.FEEDBACK)]
        n, score = values["n"], values["satisfaction"]
        row.satisfaction_count += n
        row.satisfaction_sum += n * score
        row.satisfaction_squares += n * score * score
        row.satisfied += n if score in SATISFIED else 0
        row.dissatisfied += n if score in DISSATISFIED else 0


MEASURES = [name for name in Row.__dataclass_fields__ if name != "histogram"]


def _stat(model, day, key, row, *, equality=False):
    organisation_id, unit_id, procedure_id, subject, channel = key[:5]
    stat = model(
        day=day,
        organisation_id=organisation_id,
        unit_id=unit_id,
        procedure_id=procedure_id,
        subject=subject,
        channel=channel,
        **{name: getattr(row, name) for name in MEASURES},
    )
    if equality:
        stat.territory, stat.assisted, stat.language = key[5:]
    for name, count in zip(buckets.FIELDS, row.histogram, strict=True):
        setattr(stat, name, count)
    return stat


def compute_day(day: datetime.date, organisation_ids=None) -> int:
    """Replace the statistics of ``day`` (of some organisations, or all). Returns the
    number of rows written."""
    start, end = day_bounds(day)
    if organisation_ids is not None:
        organisation_ids = list(organisation_ids)
    book = CommitmentBook(organisation_ids)
    rows: dict[tuple, Row] = defaultdict(Row)
    _compute_cases(rows, day, start, end, organisation_ids, book)
    _compute_appointments(rows, day, start, end, organisation_ids, book)
    _compute_callbacks(rows, day, organisation_ids)
    _compute_feedback(rows, day, organisation_ids)
    fine, summaries = [], {}
    for key, row in rows.items():
        fine.append(_stat(DailyStat, day, key, row, equality=True))
        summary = summaries.setdefault(key[:6], Row())
        summary.merge(row)
    objects = [_stat(DailySummary, day, key, row) for key, row in summaries.items()]
    with transaction.atomic():
        for model in (DailyStat, DailySummary):
            existing = model.objects.filter(day=day)
            if organisation_ids is not None:
                existing = existing.filter(organisation_id__in=organisation_ids)
            existing.delete()
        DailyStat.objects.bulk_create(fine, batch_size=1000)
        DailySummary.objects.bulk_create(objects, batch_size=1000)
    return len(fine)


def compute_period(
    since: datetime.date, until: datetime.date, organisation_ids=None
) -> dict[str, float]:
    """Recompute every day from ``since`` to ``until`` included."""
    if since > until:
        raise ValueError("The period ends before it starts.")
    began = time.monotonic()
    day, days, rows = since, 0, 0
    while day <= until:
        rows += compute_day(day, organisation_ids)
        day += datetime.timedelta(days=1)
        days += 1
    seconds = time.monotonic() - began
    logger.info("Statistics of %s days recomputed: %s rows in %.1f s", days, rows, seconds)
    return {"days": days, "rows": rows, "seconds": seconds}
