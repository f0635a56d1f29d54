"""Rank and correlation statistics on paired arrays (Spearman 1904), and the one rule
for when two scores are equal.

Pure functions: missing values (NaN) are dropped pairwise; ties get average ranks.
Scores that differ only by floating-point noise are ties (DESIGN §4.5): `a` and `b`
are tied when `|a − b| ≤ TIE_RTOL · max(|a|, |b|, scale)`, where `scale` is the
magnitude of the values compared together — the largest |value| of the comparison
set (the scores of a period, the values of an indicator, the growths of a quadrant
chart). The scale is what makes values near 0 tie: 0.0, 1.1e-16 and 2.2e-16 among
scores of size 1–100 are one score, as a purely relative rule would never say.
Every comparison of scores for equality (ranks, changes and growth, the `rank` and
`percentile` normalisers, quadrant medians, compare's rank statistics) goes through
`tied`, `tie_starts`, `count_below` or `at_least`.
"""

from __future__ import annotations

import numpy as np

#: Relative difference up to which two scores are the same score.
TIE_RTOL = 1e-9


def magnitude(
    x: np.ndarray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> np.ndarray:
    """The scale of a comparison set: the largest |value| along `axis` (0 where
    every value is missing)."""
    a = np.abs(np.asarray(x, dtype=np.float64))
    a = np.where(np.isfinite(a), a, 0.0)
    if a.size == 0:
        return np.zeros(()) if axis is None else np.zeros(0)
    return np.max(a, axis=axis, keepdims=keepdims)


def tied(
    a: np.ndarray | float, b: np.ndarray | float, scale: np.ndarray | float = 0.0
) -> np.ndarray:
    """`|a − b| ≤ TIE_RTOL · max(|a|, |b|, scale)` elementwise (NaN is tied to
    nothing); `scale` is the magnitude of the comparison set (`magnitude`)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.maximum(np.maximum(np.abs(a), np.abs(b)), scale)
        return np.abs(a - b) <= TIE_RTOL * size


def at_least(
    a: np.ndarray | float, b: np.ndarray | float, scale: np.ndarray | float = 0.0
) -> np.ndarray:
    """`a ≥ b`, counting `a` tied to `b` (at `scale`) as equal."""
    with np.errstate(invalid="ignore"):
        return (np.asarray(a) >= b) | tied(a, b, scale)


def tie_starts(
    ordered: np.ndarray, scale: np.ndarray | float | None = None
) -> np.ndarray:
    """Along the last axis of sorted values: True where a new value begins, i.e. the
    value is not tied to the one before it (the first is always True). `scale`
    (default: the largest |value| along the last axis) must broadcast against
    `ordered[..., 1:]`."""
    if scale is None:
        scale = magnitude(ordered, axis=-1, keepdims=True)
    new = np.ones(ordered.shape, dtype=bool)
    new[..., 1:] = ~tied(ordered[..., 1:], ordered[..., :-1], scale)
    return new


def count_below(ref: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each `x`, the number of values of sorted `ref` below it and not tied to it
    (a value tied to `x` through a chain of ties in `ref` counts as tied); the scale
    of the ties is the largest |value| of `ref`."""
    pos = np.searchsorted(ref, x, side="left")  # values strictly below x
    if ref.size == 0:
        return pos.astype(np.float64)
    scale = magnitude(ref)
    idx = np.arange(ref.size)
    group_start = np.maximum.accumulate(np.where(tie_starts(ref, scale), idx, 0))
    prev = np.clip(pos - 1, 0, ref.size - 1)
    joins = (pos > 0) & tied(ref[prev], x, scale)
    return np.where(joins, group_start[prev], pos).astype(np.float64)


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ascending ranks 1..n of `x`; tied values get the mean of their positions."""
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    group = np.cumsum(tie_starts(ordered)) - 1
    counts = np.bincount(group)
    ends = np.cumsum(counts)
    out = np.empty(len(x))
    out[order] = (ends - (counts - 1) / 2.0)[group]
    return out


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's ρ of paired values: the Pearson correlation of their average ranks,
    `Σ (ra − r̄a)(rb − r̄b) / sqrt(Σ (ra − r̄a)² · Σ (rb − r̄b)²)`.

    Pairs with a missing value are dropped first; None with fewer than 2 pairs or when
    either side is constant.
    """
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2:
        return None
    ra, rb = average_ranks(a), average_ranks(b)
    if np.array_equal(ra, rb) and ra.min() != ra.max():
        return 1.0
    da, db = ra - ra.mean(), rb - rb.mean()
    saa, sbb = float(da @ da), float(db @ db)
    if saa == 0 or sbb == 0:
        return None
    return float(np.clip(float(da @ db) / np.sqrt(saa * sbb), -1.0, 1.0))
