"""Durations in days, counted in fixed buckets so that medians and 90th percentiles can
be computed from the daily statistics without reading a single case again.

Bucket i holds the durations d with EDGES[i-1] <= d < EDGES[i] (EDGES[-1] = 0 before
the first, no upper edge after the last). Percentiles are read by linear interpolation
inside the bucket where they fall: their error is at most the width of that bucket,
one day up to a week, a few days up to a month.
"""

import math
from collections.abc import Sequence

EDGES = (1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 75, 90, 120, 180, 365)
COUNT = len(EDGES) + 1
FIELDS = tuple(f"h{i:02d}" for i in range(COUNT))
# For the open last bucket, percentiles are placed inside a bucket of this width.
LAST_WIDTH = 185


def index(days: float) -> int:
    for i, edge in enumerate(EDGES):
        if days < edge:
            return i
    return COUNT - 1


def bounds(i: int) -> tuple[float, float]:
    low = 0 if i == 0 else EDGES[i - 1]
    high = EDGES[i] if i < len(EDGES) else EDGES[-1] + LAST_WIDTH
    return low, high


def label(i: int) -> str:
    low, high = bounds(i)
    if i == COUNT - 1:
        return f"≥ {low:g}"
    return f"{low:g}–{high:g}"


def percentile(counts: Sequence[int], q: float) -> float | None:
    """The q-th quantile (0 < q < 1) of the durations counted in ``counts``."""
    total = sum(counts)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for i, count in enumerate(counts):
        if count and seen + count >= rank:
            low, high = bounds(i)
            return low + (high - low) * (rank - seen) / count
        seen += count
    return float(bounds(COUNT - 1)[1])


def rank_sum_test(group: Sequence[int], rest: Sequence[int]) -> tuple[float, float] | None:
    """Mann-Whitney U test on bucketed durations, one-sided: are the group's durations
    longer than the others'? Durations in one bucket are ties. Returns (z, p) with the
    normal approximation and the tie correction, or None if a side is empty."""
    n1, n2 = sum(group), sum(rest)
    if n1 == 0 or n2 == 0:
        return None
    n = n1 + n2
    rank_sum, below, ties = 0.0, 0, 0.0
    for a, b in zip(group, rest, strict=True):
        t = a + b
        if t:
            mid_rank = below + (t + 1) / 2
            rank_sum += a * mid_rank
            ties += t**3 - t
            below += t
    u = rank_sum - n1 * (n1 + 1) / 2
    mean = n1 * n2 / 2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0
    if variance <= 0:
        return 0.0, 1.0
    z = (u - mean) / math.sqrt(variance)
    return z, normal_upper_tail(z)


def normal_upper_tail(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def proportion_test(bad: int, n: int, rest_bad: int, rest_n: int) -> tuple[float, float] | None:
    """Chi-square test of a 2×2 table (the group against the others, bad outcome or
    not), one-sided: is the group's rate of bad outcomes higher? Returns (chi2, p).
    The one-sided p is half the chi-square's when the group is worse, else above 0.5."""
    if n == 0 or rest_n == 0:
        return None
    total, total_bad = n + rest_n, bad + rest_bad
    good, rest_good = n - bad, rest_n - rest_bad
    if total_bad == 0 or total_bad == total:
        return 0.0, 1.0
    denominator = n * rest_n * total_bad * (total - total_bad)
    chi2 = total * (bad * rest_good - good * rest_bad) ** 2 / denominator
    z = math.sqrt(chi2) if bad / n > rest_bad / rest_n else -math.sqrt(chi2)
    return chi2, normal_upper_tail(z)


def mean_test(
    total: float, squares: float, n: int, rest_total: float, rest_squares: float, rest_n: int
) -> tuple[float, float] | None:
    """Welch's z test on means from sums and sums of squares, one-sided: is the group's
    mean lower (satisfaction)? Returns (z, p)."""
    if n < 2 or rest_n < 2:
        return None
    mean, rest_mean = total / n, rest_total / rest_n
    var = max((squares - n * mean**2) / (n - 1), 0)
    rest_var = max((rest_squares - rest_n * rest_mean**2) / (rest_n - 1), 0)
    se = math.sqrt(var / n + rest_var / rest_n)
    if se == 0:
        return 0.0, 1.0 if mean >= rest_mean else 0.0
    z = (rest_mean - mean) / se
    return z, normal_upper_tail(z)
