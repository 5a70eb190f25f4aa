"""The daily statistics against figures computed by hand on a small fixed data set."""

import datetime

import pytest
from django.core.management import call_command

from parcours.stats import buckets
from parcours.stats.aggregation import compute_day, compute_period
from parcours.stats.models import DailyStat
from parcours.stats.selectors import Scope, backlog_series, compliance_by_month, totals

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

OCT = datetime.date(2026, 10, 1)


def day(n: int) -> datetime.date:
    return OCT.replace(day=n)


@pytest.fixture
def scope(organisation, fixed_cases):
    compute_period(day(1), day(20))
    return Scope(organisation_id=organisation.pk, since=day(1), until=day(20))


def test_flows_outcomes_and_compliance_match_the_hand_count(scope):
    figures = totals(scope)
    assert figures["received"] == 5
    assert figures["completed"] == 4  # two acceptances, one refusal, one withdrawal
    assert figures["decided"] == 3
    # Commitment: 10 days. Decided on day 2 and day 5: within. The refusal came 18
    # days after receipt, 5 of them waiting for the citizen: due on 12 + 5 = 17
    # October, decided on the 20th: late.
    assert figures["with_commitment"] == 3
    assert figures["compliance"] == pytest.approx(2 / 3)


def test_processing_times_exclude_the_time_waiting_for_the_citizen(scope):
    rows = DailyStat.objects.filter(subject="case")
    counts = [sum(getattr(r, name) for r in rows) for name in buckets.FIELDS]
    # 2 days, 5 days, 18 − 5 = 13 days.
    assert counts[buckets.index(2)] == 1
    assert counts[buckets.index(5)] == 1
    assert counts[buckets.index(13)] == 1
    assert sum(counts) == 3
    assert sum(r.duration_sum for r in rows) == pytest.approx(20)
    figures = totals(scope)
    # Read from the buckets [2, 3), [5, 7), [10, 14): the median falls half-way
    # into [5, 7) (rank 1.5 of 3), the 90th percentile at 70 % of [10, 14).
    assert figures["median"] == pytest.approx(6.0)
    assert figures["p90"] == pytest.approx(12.8)


def test_backlog_is_the_stock_at_the_end_of_each_day(scope):
    series = {row["day"]: (row["backlog"], row["overdue"]) for row in backlog_series(scope)}
    assert series[day(1)] == (2, 0)
    assert series[day(2)] == (3, 0)  # the first decision comes on the 3rd
    assert series[day(3)] == (2, 0)
    assert series[day(5)] == (3, 0)
    assert series[day(6)] == (3, 0)  # one decided, one received
    assert series[day(8)] == (2, 0)  # withdrawn on the 8th
    assert series[day(16)] == (2, 1)  # the open case's legal date was the 15th
    assert series[day(20)] == (1, 1)
    assert totals(scope)["backlog"] == 1
    assert totals(scope)["overdue"] == 1


def test_compliance_per_month(scope):
    (october,) = compliance_by_month(scope)
    assert (october["with_commitment"], october["within_commitment"]) == (3, 2)


def test_dimensions_of_a_case(scope, fixed_cases):
    rows = DailyStat.objects.filter(subject="case", day=day(1))
    assert {(r.channel, r.territory, r.assisted, r.language) for r in rows} == {
        ("online", "45000", False, "fr")
    }


def test_recomputing_a_day_replaces_its_rows(scope):
    before = DailyStat.objects.count()
    assert compute_day(day(3)) == DailyStat.objects.filter(day=day(3)).count()
    assert DailyStat.objects.count() == before


def test_the_command_recomputes_a_period(organisation, fixed_cases, capsys):
    call_command("compute_stats", "--from", "2026-10-01", "--to", "2026-10-03")
    assert "3 days recomputed" in capsys.readouterr().out
    assert set(DailyStat.objects.values_list("day", flat=True)) == {day(1), day(2), day(3)}


def test_the_command_refuses_a_period_backwards(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--from"):
        call_command("compute_stats", "--from", "2026-10-03", "--to", "2026-10-01")
