"""The public results of an organisation (Services Publics+ indicators) and their open
data: counts and shares only, never a person; small groups suppressed.

Periods: the last twelve months (live: the statistics are computed every hour), and
each calendar year with figures.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from parcours.catalog.models import Procedure
from parcours.organisations.models import Organisation

from . import selectors
from .enums import Subject
from .models import DailySummary

SCHEMA_VERSION = "1.0"
FIELDS = (
    "organisation",
    "organisation_name",
    "period",
    "period_start",
    "period_end",
    "procedure",
    "procedure_title",
    "cases_received",
    "decisions",
    "decisions_with_commitment",
    "within_commitment_rate",
    "median_days_to_decision",
    "p90_days_to_decision",
    "satisfaction_responses",
    "satisfaction_mean",
    "satisfied_rate",
    "net_satisfaction",
    "callbacks_requested",
    "callbacks_made_rate",
    "experiences_published",
    "experiences_replied",
)


@dataclass(frozen=True)
class Period:
    key: str  # "12m" or the year
    start: datetime.date
    end: datetime.date


def periods(organisation: Organisation, today: datetime.date) -> list[Period]:
    yesterday = today - datetime.timedelta(days=1)
    listed = [Period("12m", today.replace(year=today.year - 1) + datetime.timedelta(days=1), today)]
    first = (
        DailySummary.objects.filter(organisation=organisation)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )
    if first is not None:
        for year in range(yesterday.year, first.year - 1, -1):
            end = min(datetime.date(year, 12, 31), today)
            listed.append(Period(str(year), datetime.date(year, 1, 1), end))
    return listed


def _count(value: int) -> int | None:
    """A count of people shown only from MIN_GROUP (0 says nothing about anyone)."""
    return value if value == 0 or value >= selectors.MIN_GROUP else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole >= selectors.MIN_GROUP else None


def _experiences(organisation_id: int, period: Period) -> dict:
    """Published experiences and those answered, per procedure (None: all)."""
    counts = {None: (0, 0)}
    if not apps.is_installed("parcours.listening"):
        return counts
    try:
        Experience = apps.get_model("listening", "Experience")
    except LookupError:
        return counts
    published = Experience.objects.published().filter(
        organisation_id=organisation_id,
        published_at__date__gte=period.start,
        published_at__date__lte=period.end,
    )
    total = [0, 0]
    for row in (
        published.values("procedure_id")
        .annotate(n=Count("pk"), replied=Count("pk", filter=Q(replied_at__isnull=False)))
        .order_by()
    ):
        counts[row["procedure_id"]] = (row["n"], row["replied"])
        total[0] += row["n"]
        total[1] += row["replied"]
    counts[None] = tuple(total)
    return counts


def _indicators(organisation, period, procedure, figures: dict, experiences: dict) -> dict:
    empty = dict.fromkeys(selectors.FLOW_FIELDS, 0)
    cases = figures.get(Subject.CASE, empty)
    feedback = figures.get(Subject.FEEDBACK, empty)
    callbacks = figures.get(Subject.CALLBACK, empty)
    durations = selectors.Durations(selectors.histogram(cases))
    satisfaction = selectors.satisfaction_figures(feedback)
    published, replied = experiences.get(procedure.pk if procedure else None, (0, 0))
    return {
        "organisation": organisation.slug,
        "organisation_name": organisation.name,
        "period": period.key,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "procedure": procedure.code if procedure else None,
        "procedure_title": procedure.title if procedure else None,
        "cases_received": _count(cases["started"]),
        "decisions": _count(cases["accepted"] + cases["rejected"]),
        "decisions_with_commitment": _count(cases["with_commitment"]),
        "within_commitment_rate": _share(cases["within_commitment"], cases["with_commitment"]),
        "median_days_to_decision": round(durations.median, 1) if durations.enough else None,
        "p90_days_to_decision": round(durations.p90, 1) if durations.enough else None,
        "satisfaction_responses": _count(satisfaction["n"]),
        "satisfaction_mean": (
            round(satisfaction["mean"], 2) if satisfaction["mean"] is not None else None
        ),
        "satisfied_rate": (
            round(satisfaction["satisfied"], 4) if satisfaction["satisfied"] is not None else None
        ),
        "net_satisfaction": (
            round(satisfaction["net"], 4) if satisfaction["net"] is not None else None
        ),
        "callbacks_requested": _count(callbacks["started"]),
        "callbacks_made_rate": _share(callbacks["completed"], callbacks["started"]),
        "experiences_published": published,
        "experiences_replied": replied,
    }


def _period_rows(organisation, period: Period, procedures: list[Procedure]) -> list[dict]:
    """The organisation's row then each procedure's, from one grouped query."""
    by_procedure: dict[object, dict] = {}
    overall: dict[str, dict] = {}
    rows = (
        DailySummary.objects.filter(
            organisation_id=organisation.pk, day__gte=period.start, day__lte=period.end
        )
        # Call-backs asked for today are not due yet: only past days count.
        .exclude(subject=Subject.CALLBACK, day__gte=timezone.localdate())
        .values("procedure_id", "subject")
        .annotate(**selectors.sums())
        .order_by()
    )
    for row in rows:
        by_procedure.setdefault(row["procedure_id"], {})[row["subject"]] = row
        total = overall.setdefault(row["subject"], dict.fromkeys(selectors.FLOW_FIELDS, 0))
        for name in selectors.FLOW_FIELDS:
            total[name] += row[name]
    experiences = _experiences(organisation.pk, period)
    listed = [_indicators(organisation, period, None, overall, experiences)]
    listed.extend(
        _indicators(
            organisation, period, procedure, by_procedure.get(procedure.pk, {}), experiences
        )
        for procedure in procedures
    )
    return listed


def indicators(
    organisation: Organisation, period: Period, procedure: Procedure | None = None
) -> dict:
    """The indicators of the organisation, or of one of its procedures, over a period."""
    rows = _period_rows(organisation, period, [procedure] if procedure else [])
    return rows[-1]


def open_data(organisation: Organisation, today: datetime.date) -> list[dict]:
    """Every row of the open data: each period, the whole organisation then each of its
    published procedures."""
    procedures = list(Procedure.objects.published().filter(organisation=organisation))
    rows = []
    for period in periods(organisation, today):
        rows.extend(_period_rows(organisation, period, procedures))
    return rows
