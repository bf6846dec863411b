"""Agreement statistics for `viva eval`, in plain Python: Pearson, Spearman, quadratic weighted kappa.

QWK needs categories, so scores are first normalised to 0-1 (by the row's maximum) and then binned to
the nearest of ``QWK_LEVELS`` evenly spaced levels (5 levels: 0, 0.25, 0.5, 0.75, 1 - the grid most
human grades in the SAF data sit on). Both the human and the predicted scores are binned the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

QWK_LEVELS = 5


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when undefined (fewer than 2 values or a constant series)."""
    if len(xs) != len(ys):
        raise ValueError("series differ in length")
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            result[order[k]] = mean_rank
        i = j + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the tie-averaged ranks."""
    if len(xs) != len(ys):
        raise ValueError("series differ in length")
    return pearson(ranks(xs), ranks(ys))


def to_level(value: float, levels: int = QWK_LEVELS) -> int:
    """Bin a 0-1 score to the nearest of ``levels`` evenly spaced levels (0 .. levels-1)."""
    clipped = min(1.0, max(0.0, value))
    return int(math.floor(clipped * (levels - 1) + 0.5))


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], levels: int = QWK_LEVELS) -> float | None:
    """Cohen's kappa with quadratic disagreement weights for integer ratings 0..levels-1."""
    if len(a) != len(b):
        raise ValueError("series differ in length")
    n = len(a)
    if n == 0:
        return None
    observed = [[0.0] * levels for _ in range(levels)]
    for x, y in zip(a, b):
        observed[x][y] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(levels)) for j in range(levels)]
    numerator = denominator = 0.0
    for i in range(levels):
        for j in range(levels):
            weight = (i - j) ** 2 / (levels - 1) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * hist_a[i] * hist_b[j] / n
    if denominator == 0:
        return None  # both raters used one and the same level throughout
    return 1.0 - numerator / denominator


def qwk_scores(human: Sequence[float], predicted: Sequence[float], levels: int = QWK_LEVELS) -> float | None:
    """QWK of two series of 0-1 scores after binning both to ``levels`` levels."""
    return quadratic_weighted_kappa([to_level(h, levels) for h in human], [to_level(p, levels) for p in predicted], levels)
