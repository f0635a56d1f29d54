"""Rank and correlation statistics on paired arrays (Spearman 1904).

Pure functions: missing values (NaN) are dropped pairwise; ties get average ranks.
"""

from __future__ import annotations

import numpy as np


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ascending ranks 1..n of `x`; tied values get the mean of their positions."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return (ends - (counts - 1) / 2.0)[inverse.reshape(-1)]


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
