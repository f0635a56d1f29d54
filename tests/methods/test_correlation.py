"""Rank statistics: Spearman's rho as the Pearson correlation of average ranks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from gdindex.methods import growth, normalise
from gdindex.methods.correlation import (
    average_ranks,
    count_below,
    magnitude,
    spearman,
    tied,
)
from gdindex.methods.normalise import RankSpec


def test_spearman_with_ties_is_pearson_of_average_ranks() -> None:
    # average ranks a: 1, 2.5, 2.5, 4; b: 1, 3, 2, 4 → ρ = 4.5 / sqrt(4.5 · 5)
    rho = spearman(np.array([1.0, 2.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0, 4.0]))

    assert rho == pytest.approx(math.sqrt(0.9), rel=1e-12)


def test_spearman_reversed_missing_constant_and_too_few() -> None:
    x = np.array([1.0, 2.0, 3.0, np.nan])

    assert spearman(x, np.array([9.0, 5.0, 1.0, 0.0])) == pytest.approx(-1.0)
    assert spearman(x, np.array([4.0, 4.0, 4.0, 1.0])) is None  # constant
    assert spearman(np.array([1.0, np.nan]), np.array([2.0, 3.0])) is None


# ---- ties: scores within 1e-9 of the set's scale are one score (DESIGN §4.5) ---- #

NOISY_THIRD = 33.333333333333336  # 0.1 + … sums that land one ulp above 100/3


def test_tied_is_relative_and_nan_is_tied_to_nothing() -> None:
    a = np.array([NOISY_THIRD, 1.0, 0.0, np.nan, 1e9])

    got = tied(a, np.array([100 / 3, 1.0 + 1e-8, 0.0, np.nan, 1e9 + 0.5]))

    assert got.tolist() == [True, False, True, False, True]


def test_average_ranks_treat_floating_point_noise_as_a_tie() -> None:
    x = np.array([NOISY_THIRD, 100 / 3, 10.0, 100 / 3])

    assert average_ranks(x).tolist() == [3.0, 3.0, 1.0, 3.0]


def test_spearman_of_noisy_ties_equals_that_of_exact_ties() -> None:
    a = np.array([NOISY_THIRD, 100 / 3, 10.0, 50.0])
    exact = np.array([100 / 3, 100 / 3, 10.0, 50.0])
    b = np.array([2.0, 1.0, 0.0, 3.0])

    assert spearman(a, b) == spearman(exact, b)


def test_count_below_skips_values_tied_to_x() -> None:
    ref = np.sort(np.array([100 / 3, NOISY_THIRD, 10.0, 50.0]))

    got = count_below(ref, np.array([NOISY_THIRD, 100 / 3, 50.0, 5.0, 60.0]))

    assert got.tolist() == [1.0, 1.0, 3.0, 0.0, 4.0]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    copies=st.lists(st.integers(1, 4), min_size=6, max_size=6),
    ulps=st.lists(st.integers(-4, 4), min_size=24, max_size=24),
)
def test_a_few_ulps_of_noise_never_change_tied_ranks(
    values: list[float], copies: list[int], ulps: list[int]
) -> None:
    # arrange: distinct values (relative gaps ≫ 1e-9), each repeated, then nudged
    assume(all(not tied(a, b) for a in values for b in values if a != b))
    exact = np.repeat(values, copies[: len(values)])
    noisy = exact.copy()
    for k, steps in enumerate(ulps[: len(exact)]):
        for _ in range(abs(steps)):
            noisy[k] = np.nextafter(noisy[k], np.inf if steps > 0 else -np.inf)

    # act / assert: ranks, the rank normaliser and average ranks do not move
    col = exact[:, None]
    assert_array_equal(growth.ranks(noisy[:, None]), growth.ranks(col))
    assert_array_equal(
        normalise.rank(noisy, noisy, RankSpec()),
        normalise.rank(exact, exact, RankSpec()),
    )
    assert_array_equal(average_ranks(noisy), average_ranks(exact))


def test_values_near_zero_tie_at_the_scale_of_the_set() -> None:
    # 0.0, 1.1e-16 and 2.2e-16 among scores of size ~1: one score; a relative-only
    # rule never ties anything to 0.0 (review of issue 11, finding 1)
    near_zero = np.array([0.0, 1.1e-16, 2.2e-16, 0.1 + 0.2 - 0.3])

    assert not tied(near_zero, 0.0)[1:].any()  # no scale: relative only
    assert tied(near_zero, 0.0, scale=1.0).all()
    assert not tied(1e-6, 0.0, scale=1.0)  # a real difference stays one
    assert magnitude(np.array([-3.0, np.nan, 2.0])) == 3.0
    assert count_below(
        np.sort(np.array([0.0, 5.55e-17, 0.5, 1.0])), np.array([5.55e-17, 0.0, 0.5])
    ).tolist() == [0.0, 0.0, 2.0]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, 0.25, -0.5, 1.0, 3.0, 75.0, -20.0]),
        min_size=2,
        max_size=7,
        unique=True,
    ),
    copies=st.lists(st.integers(1, 3), min_size=7, max_size=7),
    noise=st.lists(st.integers(-4, 4), min_size=21, max_size=21),
)
def test_absolute_noise_near_zero_never_changes_ranks(
    values: list[float], copies: list[int], noise: list[int]
) -> None:
    # arrange: tied groups, 0 among them, nudged by a few ulps *of 1* (the noise a
    # sum of terms of size ~1 leaves on a result of 0), not of the value itself
    exact = np.repeat(values, copies[: len(values)])
    noisy = exact + np.array(noise[: len(exact)]) * np.spacing(1.0)

    # act / assert: ranks, the rank normaliser and average ranks do not move
    assert_array_equal(growth.ranks(noisy[:, None]), growth.ranks(exact[:, None]))
    assert_array_equal(
        normalise.rank(noisy, noisy, RankSpec()),
        normalise.rank(exact, exact, RankSpec()),
    )
    assert_array_equal(average_ranks(noisy), average_ranks(exact))
