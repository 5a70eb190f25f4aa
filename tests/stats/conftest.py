import datetime
import itertools

import pytest
from django.utils import timezone

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.stats import buckets
from parcours.stats.models import DailyStat, DailySummary
from tests.backoffice.conftest import manager_2, org_admin  # noqa: F401 — fixtures
from tests.factories import CaseFactory

_numbers = itertools.count(1)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def make_case(procedure, person, *, submitted, state, decided=None, ended=None, **fields):
    """A case as the life cycle leaves it, written directly (dates in October 2026)."""
    case = CaseFactory(procedure=procedure, person=person, **fields)
    received = datetime.date.fromisoformat(submitted)
    Case.objects.filter(pk=case.pk).update(
        reference=f"2026-{procedure.code}-{next(_numbers):06d}",
        state=state,
        submitted_at=at(submitted),
        received_on=received,
        decision_due_on=fields.get("decision_due_on", received + datetime.timedelta(days=60)),
        decided_at=at(decided) if decided else None,
        updated_at=at(ended or decided or submitted),
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def decision_commitment(organisation, procedure):
    return Commitment.objects.create(
        organisation=organisation,
        procedure=procedure,
        kind=CommitmentKind.DECISION,
        target=10,
        target_unit=DelayUnit.DAYS,
        wording="Nous décidons sous 10 jours.",
    )


@pytest.fixture
def fixed_cases(procedure, citizen_a, citizen_b, decision_commitment):
    """Five cases whose figures are computed by hand in the tests."""
    return [
        make_case(
            procedure,
            citizen_a,
            submitted="2026-10-01",
            decided="2026-10-03",
            state=CaseState.ACCEPTED,
        ),
        make_case(
            procedure,
            citizen_b,
            submitted="2026-10-01",
            decided="2026-10-06",
            state=CaseState.ACCEPTED,
        ),
        make_case(
            procedure,
            citizen_a,
            submitted="2026-10-02",
            decided="2026-10-20",
            state=CaseState.REJECTED,
            suspended_days=5,
        ),
        make_case(
            procedure,
            citizen_b,
            submitted="2026-10-05",
            state=CaseState.IN_REVIEW,
            decision_due_on=datetime.date(2026, 10, 15),
        ),
        make_case(
            procedure,
            citizen_a,
            submitted="2026-10-06",
            ended="2026-10-08",
            state=CaseState.WITHDRAWN,
        ),
    ]


def stat_row(
    organisation, unit, *, day, subject="case", durations=(), accepted=0, rejected=0, **fields
):
    """A day's figures written directly, as a fine row and as its summary: for the
    tests of the reading side."""
    counts = [0] * buckets.COUNT
    for days in durations:
        counts[buckets.index(days)] += 1
    measures = {
        "organisation": organisation,
        "unit": unit,
        "day": day,
        "subject": subject,
        "accepted": accepted,
        "rejected": rejected,
        "completed": fields.pop("completed", accepted + rejected),
        "duration_sum": sum(durations),
        **dict(zip(buckets.FIELDS, counts, strict=True)),
        **fields,
    }
    DailySummary.objects.create(
        **{k: v for k, v in measures.items() if k not in ("territory", "assisted", "language")}
    )
    return DailyStat.objects.create(**measures)
