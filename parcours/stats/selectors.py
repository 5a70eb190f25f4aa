"""Reading the daily statistics: the figures of the managers' dashboards, the equality
dashboards, the public results and the procedure pages. Every function reads
``DailyStat`` rows only, never a case.

Small groups are suppressed (``MIN_GROUP``): a figure computed on fewer items is not
shown, in pages and in every export, because it is not meaningful and could point to
a person.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from parcours.cases.enums import CaseChannel
from parcours.people.enums import Channel, Language

from . import buckets
from .enums import Dimension, Subject
from .models import DailyStat, DailySummary

# Groups of fewer than this many items are suppressed (the usual statistical-secrecy
# threshold of French public statistics for counts of people: 11).
MIN_GROUP = 11
# Significance level of the equality tests, shared among the groups of a breakdown
# (Bonferroni: each of k groups is tested at ALPHA / k).
ALPHA = 0.05

FLOW_FIELDS = (
    "started",
    "completed",
    "accepted",
    "rejected",
    "closed",
    "withdrawn",
    "implicit",
    "with_commitment",
    "within_commitment",
    "duration_sum",
    "satisfaction_count",
    "satisfaction_sum",
    "satisfaction_squares",
    "satisfied",
    "dissatisfied",
    *buckets.FIELDS,
)


def sums(fields=FLOW_FIELDS) -> dict:
    return {name: Sum(name, default=0) for name in fields}


@dataclass
class Scope:
    """Which statistics a page reads: an organisation, some of its units (None: all),
    a period, and optional filters."""

    organisation_id: int
    since: datetime.date
    until: datetime.date
    unit_ids: list[int] | None = None
    procedure_id: int | None = None
    channel: str = ""

    def rows(self, subject: str | None = None, *, equality: bool = False) -> QuerySet:
        """The daily summaries, or with ``equality`` the finer rows that carry the
        territory, assisted and language dimensions."""
        model = DailyStat if equality else DailySummary
        rows = model.objects.filter(
            organisation_id=self.organisation_id, day__gte=self.since, day__lte=self.until
        )
        if subject:
            rows = rows.filter(subject=subject)
        if self.unit_ids is not None:
            rows = rows.filter(unit_id__in=self.unit_ids)
        if self.procedure_id:
            rows = rows.filter(procedure_id=self.procedure_id)
        if self.channel:
            rows = rows.filter(channel=self.channel)
        return rows


def histogram(values: dict) -> list[int]:
    return [values.get(name) or 0 for name in buckets.FIELDS]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Durations:
    counts: list[int]

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def median(self) -> float | None:
        return buckets.percentile(self.counts, 0.5)

    @property
    def p90(self) -> float | None:
        return buckets.percentile(self.counts, 0.9)

    @property
    def enough(self) -> bool:
        return self.n >= MIN_GROUP


def satisfaction_figures(values: dict) -> dict:
    """Services Publics+ indicators: mean satisfaction on 5, share satisfied (4–5),
    net satisfaction (share satisfied minus share dissatisfied (1–2), in points)."""
    n = values.get("satisfaction_count") or 0
    if n < MIN_GROUP:
        return {"n": n, "mean": None, "satisfied": None, "net": None, "suppressed": n > 0}
    return {
        "n": n,
        "mean": values["satisfaction_sum"] / n,
        "satisfied": values["satisfied"] / n,
        "net": (values["satisfied"] - values["dissatisfied"]) / n,
        "suppressed": False,
    }


# --- the managers' dashboard ---------------------------------------------------------


def backlog_series(scope: Scope) -> list[dict]:
    """Open cases and cases past their legal date at the end of each day."""
    return list(
        scope.rows(Subject.CASE)
        .values("day")
        .annotate(
            backlog=Sum("backlog"),
            overdue=Sum("overdue"),
            started=Sum("started"),
            completed=Sum("completed"),
        )
        .order_by("day")
    )


def processing_distribution(scope: Scope) -> dict:
    """How long decisions took (days, time waiting for the citizen excluded)."""
    values = scope.rows(Subject.CASE).aggregate(**sums((*buckets.FIELDS, "duration_sum")))
    durations = Durations(histogram(values))
    return {
        "durations": durations,
        "mean": values["duration_sum"] / durations.n if durations.n else None,
        "buckets": [
            {"label": buckets.label(i), "count": count} for i, count in enumerate(durations.counts)
        ],
    }


def by_month(rows: QuerySet) -> list[dict]:
    return list(
        rows.annotate(month=TruncMonth("day")).values("month").annotate(**sums()).order_by("month")
    )


def compliance_by_month(scope: Scope) -> list[dict]:
    """Share of decisions within the published commitment, per month."""
    return [
        {
            "month": values["month"],
            "with_commitment": values["with_commitment"],
            "within_commitment": values["within_commitment"],
            "rate": rate(values["within_commitment"], values["with_commitment"]),
        }
        for values in by_month(scope.rows(Subject.CASE))
    ]


def satisfaction_by_month(scope: Scope) -> list[dict]:
    return [
        {"month": values["month"], **satisfaction_figures(values)}
        for values in by_month(scope.rows(Subject.FEEDBACK))
    ]


def totals(scope: Scope) -> dict:
    cases = scope.rows(Subject.CASE).aggregate(**sums())
    last_day = (
        scope.rows(Subject.CASE)
        .filter(day=scope.until)
        .aggregate(backlog=Sum("backlog", default=0), overdue=Sum("overdue", default=0))
    )
    feedback = scope.rows(Subject.FEEDBACK).aggregate(**sums())
    durations = Durations(histogram(cases))
    return {
        "received": cases["started"],
        "decided": cases["accepted"] + cases["rejected"],
        "completed": cases["completed"],
        "backlog": last_day["backlog"],
        "overdue": last_day["overdue"],
        "compliance": rate(cases["within_commitment"], cases["with_commitment"]),
        "with_commitment": cases["with_commitment"],
        "median": durations.median,
        "p90": durations.p90,
        "decisions_measured": durations.n,
        "satisfaction": satisfaction_figures(feedback),
    }


# --- equality ------------------------------------------------------------------------


DIMENSION_FIELDS = {
    Dimension.CHANNEL: "channel",
    Dimension.TERRITORY: "territory",
    Dimension.ASSISTED: "assisted",
    Dimension.LANGUAGE: "language",
}


def group_label(dimension: str, value) -> str:
    if dimension == Dimension.ASSISTED:
        return str(_("Accompagné") if value else _("Autonome"))
    if value in ("", None):
        return str(_("Non renseigné"))
    if dimension == Dimension.CHANNEL:
        labels = {**dict(Channel.choices), **dict(CaseChannel.choices)}
        return str(labels.get(value, value))
    if dimension == Dimension.LANGUAGE:
        return str(dict(Language.choices).get(value, value))
    return str(value)


@dataclass
class Measure:
    """One figure of one group, with the equality test against the other groups."""

    n: int
    value: float | None = None
    p90: float | None = None
    p_value: float | None = None
    worse: bool = False
    suppressed: bool = False


@dataclass
class Group:
    value: object
    label: str
    measures: dict[str, Measure] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return any(m.worse for m in self.measures.values())


MEASURES = {
    "processing": _("Délai de décision (jours, médiane)"),
    "rejection": _("Part de refus"),
    "appointment_wait": _("Attente d'un rendez-vous (jours, médiane)"),
    "satisfaction": _("Satisfaction moyenne (sur 5)"),
}


def _grouped(rows: QuerySet, column: str) -> dict:
    return {values[column]: values for values in rows.values(column).annotate(**sums()).order_by()}


def _durations_measures(groups: dict, key: str, out: dict[object, Group]) -> None:
    tested = [v for v, values in groups.items() if sum(histogram(values)) >= MIN_GROUP]
    level = ALPHA / max(len(tested), 1)
    everything = (
        [sum(c) for c in zip(*(histogram(v) for v in groups.values()), strict=True)]
        if groups
        else []
    )
    for value, values in groups.items():
        counts = histogram(values)
        durations = Durations(counts)
        if not durations.enough:
            out[value].measures[key] = Measure(n=durations.n, suppressed=True)
            continue
        rest = [a - b for a, b in zip(everything, counts, strict=True)]
        test = buckets.rank_sum_test(counts, rest)
        p = test[1] if test and sum(rest) >= MIN_GROUP else None
        out[value].measures[key] = Measure(
            n=durations.n,
            value=durations.median,
            p90=durations.p90,
            p_value=p,
            worse=p is not None and p < level,
        )


def equality(scope: Scope, dimension: str) -> dict:
    """Each group of ``dimension``: decision times, rejection rate, waiting time for an
    appointment and satisfaction, each tested against all the other groups together.

    Tests (one-sided: is this group treated worse?), at ALPHA shared by the groups
    tested (Bonferroni):

    * times (decisions, appointments): Mann-Whitney U on the bucketed durations, ties
      within a bucket, normal approximation with tie correction;
    * rejection rate (refusals among decisions): chi-square test of the 2×2 table;
    * satisfaction (1–5): Welch's z test on the means.

    A group with fewer than MIN_GROUP items for a figure is suppressed for that figure,
    and not tested.
    """
    column = DIMENSION_FIELDS[dimension]
    cases = _grouped(scope.rows(Subject.CASE, equality=True), column)
    waits = _grouped(scope.rows(Subject.APPOINTMENT, equality=True), column)
    feedback = (
        _grouped(scope.rows(Subject.FEEDBACK, equality=True), column)
        if dimension == Dimension.CHANNEL
        else {}
    )
    values = sorted(
        set(cases) | set(waits) | set(feedback), key=lambda v: (v in ("", None), str(v))
    )
    groups = {v: Group(value=v, label=group_label(dimension, v)) for v in values}

    _durations_measures(cases, "processing", groups)
    _durations_measures(waits, "appointment_wait", groups)

    decided = {v: (x["rejected"], x["accepted"] + x["rejected"]) for v, x in cases.items()}
    all_bad = sum(b for b, _n in decided.values())
    all_n = sum(n for _b, n in decided.values())
    tested = [v for v, (_b, n) in decided.items() if n >= MIN_GROUP]
    level = ALPHA / max(len(tested), 1)
    for value, (bad, n) in decided.items():
        if n < MIN_GROUP:
            groups[value].measures["rejection"] = Measure(n=n, suppressed=True)
            continue
        rest_n = all_n - n
        test = buckets.proportion_test(bad, n, all_bad - bad, rest_n)
        p = test[1] if test and rest_n >= MIN_GROUP else None
        groups[value].measures["rejection"] = Measure(
            n=n, value=bad / n, p_value=p, worse=p is not None and p < level
        )

    totals_ = {
        k: sum(x[k] for x in feedback.values())
        for k in ("satisfaction_count", "satisfaction_sum", "satisfaction_squares")
    }
    tested = [v for v, x in feedback.items() if x["satisfaction_count"] >= MIN_GROUP]
    level = ALPHA / max(len(tested), 1)
    for value, x in feedback.items():
        n = x["satisfaction_count"]
        if n < MIN_GROUP:
            groups[value].measures["satisfaction"] = Measure(n=n, suppressed=True)
            continue
        rest_n = totals_["satisfaction_count"] - n
        test = buckets.mean_test(
            x["satisfaction_sum"],
            x["satisfaction_squares"],
            n,
            totals_["satisfaction_sum"] - x["satisfaction_sum"],
            totals_["satisfaction_squares"] - x["satisfaction_squares"],
            rest_n,
        )
        p = test[1] if test and rest_n >= MIN_GROUP else None
        groups[value].measures["satisfaction"] = Measure(
            n=n, value=x["satisfaction_sum"] / n, p_value=p, worse=p is not None and p < level
        )
    listed = list(groups.values())
    return {
        "dimension": dimension,
        "groups": listed,
        "flagged": [g for g in listed if g.flagged],
        "measures": MEASURES,
    }


# --- the procedure pages --------------------------------------


PROCEDURE_WINDOW_DAYS = 183


def procedure_times(procedure_id: int, today: datetime.date) -> dict:
    """Measured time to a decision of a procedure over the last six months (time
    waiting for the citizen excluded), or too few decisions to say."""
    since = today - datetime.timedelta(days=PROCEDURE_WINDOW_DAYS)
    values = DailySummary.objects.filter(
        procedure_id=procedure_id, subject=Subject.CASE, day__gte=since, day__lt=today
    ).aggregate(**sums(buckets.FIELDS))
    durations = Durations(histogram(values))
    return {
        "n": durations.n,
        "enough": durations.enough,
        "median": durations.median if durations.enough else None,
        "p90": durations.p90 if durations.enough else None,
        "since": since,
    }
