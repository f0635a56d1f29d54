"""Rank statistics: Spearman's rho as the Pearson correlation of average ranks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdindex.methods.correlation import spearman


def test_spearman_with_ties_is_pearson_of_average_ranks() -> None:
    # average ranks a: 1, 2.5, 2.5, 4; b: 1, 3, 2, 4 → ρ = 4.5 / sqrt(4.5 · 5)
    rho = spearman(np.array([1.0, 2.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0, 4.0]))

    assert rho == pytest.approx(math.sqrt(0.9), rel=1e-12)


def test_spearman_reversed_missing_constant_and_too_few() -> None:
    x = np.array([1.0, 2.0, 3.0, np.nan])

    assert spearman(x, np.array([9.0, 5.0, 1.0, 0.0])) == pytest.approx(-1.0)
    assert spearman(x, np.array([4.0, 4.0, 4.0, 1.0])) is None  # constant
    assert spearman(np.array([1.0, np.nan]), np.array([2.0, 3.0])) is None
