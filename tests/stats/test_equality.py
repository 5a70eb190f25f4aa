"""The equality flag on constructed data sets, and the suppression of small groups."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.stats import buckets
from parcours.stats.enums import Dimension
from parcours.stats.selectors import Scope, equality
from tests.backoffice.conftest import verified

from .conftest import stat_row

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 5)


def spread(days, n):
    """``n`` durations cycling over ``days``."""
    return [days[i % len(days)] for i in range(n)]


@pytest.fixture
def unfair(organisation, unit_1):
    """Online: quick, few refusals. Phone: twice as slow, four times the refusals.
    Post: 5 decisions only (too few to show)."""
    stat_row(
        organisation,
        unit_1,
        day=DAY,
        channel="online",
        durations=spread([2, 4, 6, 9, 12], 200),
        accepted=180,
        rejected=20,
    )
    stat_row(
        organisation,
        unit_1,
        day=DAY,
        channel="phone",
        durations=spread([8, 12, 20, 25, 40], 60),
        accepted=36,
        rejected=24,
    )
    stat_row(
        organisation,
        unit_1,
        day=DAY,
        channel="post",
        durations=[50, 60, 70, 80, 90],
        accepted=1,
        rejected=4,
    )


@pytest.fixture
def fair(organisation, unit_1):
    stat_row(
        organisation,
        unit_1,
        day=DAY,
        channel="online",
        durations=spread([2, 4, 6, 9, 12], 200),
        accepted=180,
        rejected=20,
    )
    stat_row(
        organisation,
        unit_1,
        day=DAY,
        channel="phone",
        durations=spread([2, 4, 6, 9, 12], 60),
        accepted=54,
        rejected=6,
    )


def scope(organisation):
    return Scope(organisation_id=organisation.pk, since=DAY, until=DAY)


def by_value(result):
    return {group.value: group for group in result["groups"]}


@pytest.mark.sqlite
def test_a_group_treated_worse_is_flagged(organisation, unfair):
    groups = by_value(equality(scope(organisation), Dimension.CHANNEL))
    phone = groups["phone"]
    assert phone.measures["processing"].worse
    assert phone.measures["rejection"].worse
    assert phone.measures["rejection"].value == pytest.approx(0.4)
    assert phone.measures["processing"].p_value < 0.001
    assert not groups["online"].flagged  # the better group is never flagged


@pytest.mark.sqlite
def test_the_same_treatment_is_not_flagged(organisation, fair):
    result = equality(scope(organisation), Dimension.CHANNEL)
    assert result["flagged"] == []
    assert by_value(result)["phone"].measures["processing"].p_value > 0.05


@pytest.mark.sqlite
def test_a_small_group_is_suppressed_and_not_tested(organisation, unfair):
    post = by_value(equality(scope(organisation), Dimension.CHANNEL))["post"]
    for key in ("processing", "rejection"):
        measure = post.measures[key]
        assert measure.suppressed
        assert measure.value is None
        assert measure.p_value is None
        assert not measure.worse


@pytest.mark.sqlite
def test_the_rank_test_on_buckets_matches_a_hand_computation():
    # Group: 3 items in bucket 0; others: 1 in bucket 0, 2 in bucket 1. Ranks: the four
    # ties of bucket 0 share rank 2.5; the group's rank sum is 7.5, U = 7.5 − 6 = 1.5.
    counts = [0] * buckets.COUNT
    group, rest = counts.copy(), counts.copy()
    group[0], rest[0], rest[1] = 3, 1, 2
    z, p = buckets.rank_sum_test(group, rest)
    # mean 4.5; variance 3·3/12 · (7 − (4³−4 + 2³−2)/(6·5)) = 0.75 · 4.8 = 3.6
    assert z == pytest.approx((1.5 - 4.5) / 3.6**0.5)
    assert p > 0.5  # the group is quicker, not slower


@pytest.mark.sqlite
def test_the_proportion_test_matches_a_hand_computation():
    chi2, p = buckets.proportion_test(24, 60, 20, 200)
    # 2×2 table [[24, 36], [20, 180]]: χ² = 260·(24·180 − 36·20)² / (60·200·44·216)
    assert chi2 == pytest.approx(260 * (24 * 180 - 36 * 20) ** 2 / (60 * 200 * 44 * 216))
    assert p < 0.001


def test_the_page_flags_the_group_and_hides_the_small_one(client, manager, organisation, unfair):
    verified(client, manager.user)
    response = client.get(
        reverse("stats:equality"), {"since": DAY.isoformat(), "until": DAY.isoformat()}
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Des groupes semblent moins bien traités" in html
    assert "Nettement moins bien traité" in html
    assert "groupe trop petit" in html


def test_the_csv_suppresses_the_small_group(client, manager, organisation, unfair):
    verified(client, manager.user)
    response = client.get(
        reverse("stats:equality"),
        {"since": DAY.isoformat(), "until": DAY.isoformat(), "format": "csv"},
    )
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    post = next(r for r in rows if r[0] == "Par courrier")
    phone = next(r for r in rows if r[0] == "Par téléphone")
    # Effectif, value, flag of each measure: nothing shown for the small group.
    assert post[1:7] == ["", "", "", "", "", ""]
    assert phone[1:4] == ["60", phone[2], "oui"]
    assert "90.00" not in ";".join(post)


@pytest.mark.parametrize("dimension", ["territory", "assisted", "language"])
def test_every_breakdown_renders(client, manager, organisation, unfair, dimension):
    verified(client, manager.user)
    response = client.get(
        reverse("stats:equality"),
        {"since": DAY.isoformat(), "until": DAY.isoformat(), "dimension": dimension},
    )
    assert response.status_code == HTTPStatus.OK
