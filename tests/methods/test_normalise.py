"""Normalisers (DESIGN §4.2): each method on hand-computed arrays, then scopes,
direction, constant indicators and references through `normalise_values`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from gdindex.methods.normalise import NORMALISERS
from gdindex.spec import (
    GoalpostsSpec,
    MinMaxSpec,
    PercentileSpec,
    RankSpec,
    RatioSpec,
    TargetSpec,
    VectorSpec,
    ZScoreSpec,
)

nan = np.nan


def test_registry_holds_the_eight_methods() -> None:
    # act
    names = set(NORMALISERS.names())

    # assert
    assert names == {
        "minmax",
        "zscore",
        "target",
        "goalposts",
        "rank",
        "percentile",
        "ratio",
        "vector",
    }


@pytest.mark.parametrize(
    ("method", "x", "params", "expected"),
    [
        # minmax [0, 100]: min 2, max 10 → (x − 2) / 8 · 100
        ("minmax", [2, 4, 6, 10], MinMaxSpec(range=(0, 100)), [0, 25, 50, 100]),
        # minmax [1, 100]: (x − 2) / 8 · 99 + 1 → 1, 2/8·99+1 = 25.75, 50.5, 100
        ("minmax", [2, 4, 6, 10], MinMaxSpec(range=(1, 100)), [1, 25.75, 50.5, 100]),
        # zscore: mean 4, sample sd sqrt((4 + 0 + 4) / 2) = 2 → (x − 4) / 2
        # (the population sd sqrt(8/3) would give ±1.2247)
        ("zscore", [2, 4, 6], ZScoreSpec(), [-1, 0, 1]),
        # zscore rescaled: z · 10 + 100
        ("zscore", [2, 4, 6], ZScoreSpec(mean=100, sd=10), [90, 100, 110]),
        # target 30: min 10 → (x − 10) / (30 − 10) · 100 = 0, 50, 150 → capped 100
        ("target", [10, 20, 40], TargetSpec(target=30), [0, 50, 100]),
        ("target", [10, 20, 40], TargetSpec(target=30, cap=False), [0, 50, 150]),
        # goalposts W=0, B=50: raw / 50 · 100 = −20, 50, 120 → clipped 0, 50, 100
        ("goalposts", [-10, 25, 60], GoalpostsSpec(worst=0, best=50), [0, 50, 100]),
        (
            "goalposts",
            [-10, 25, 60],
            GoalpostsSpec(worst=0, best=50, clip=False),
            [-20, 50, 120],
        ),
        # goalposts W=50 > B=0: (raw − 50) / (0 − 50) · 100
        #   10 → 80, 25 → 50, 60 → −20 → clipped 0
        ("goalposts", [10, 25, 60], GoalpostsSpec(worst=50, best=0), [80, 50, 0]),
        # rank ascending, 1 = worst, ties share the lowest: sorted 1, 3, 5, 5
        #   5 → 1 + #(<5) = 3, 3 → 2, 1 → 1
        ("rank", [5, 3, 5, 1], RankSpec(), [3, 2, 3, 1]),
        # percentile: 100 · #(lower) / (n − 1), n = 4 → 5: 200/3, 3: 100/3, 1: 0
        ("percentile", [5, 3, 5, 1], PercentileSpec(), [200 / 3, 100 / 3, 200 / 3, 0]),
        # values one ulp apart are ties (DESIGN §4.5): 0.1 + 0.2 ≠ 0.3 in floats
        ("rank", [0.1 + 0.2, 0.3, 0.5, 0.1], RankSpec(), [2, 2, 4, 1]),
        ("percentile", [0.1 + 0.2, 0.3, 0.1], PercentileSpec(), [50, 50, 0]),
        # ratio to the mean (1 + 2 + 3 + 6) / 4 = 3 → x / 3 · 100
        ("ratio", [1, 2, 3, 6], RatioSpec(), [100 / 3, 200 / 3, 100, 200]),
        # vector: √(1 + 4 + 4 + 16) = 5 → x / 5 · 100
        ("vector", [1, 2, 2, 4], VectorSpec(), [20, 40, 40, 80]),
    ],
)
def test_normaliser_on_hand_computed_values(
    method: str, x: list[float], params: Any, expected: list[float]
) -> None:
    # arrange
    fn = NORMALISERS.get(method).fn
    arr = np.array(x, dtype=np.float64)

    # act
    out = fn(arr, arr.copy(), params)

    # assert
    assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        # finite ref 2, 6, 10: min 2, max 10 → 0, nan, 100, 50
        ("minmax", MinMaxSpec(range=(0, 100)), [0, nan, 100, 50]),
        # finite ref 2, 6, 10: mean 6, sd sqrt((16 + 0 + 16) / 2) = 4
        ("zscore", ZScoreSpec(), [-1, nan, 1, 0]),
        # target 10, min 2: (x − 2) / 8 · 100
        ("target", TargetSpec(target=10), [0, nan, 100, 50]),
        ("goalposts", GoalpostsSpec(worst=2, best=10), [0, nan, 100, 50]),
        # sorted finite ref 2, 6, 10
        ("rank", RankSpec(), [1, nan, 3, 2]),
        # n = 3 non-missing: 100 · #(lower) / 2
        ("percentile", PercentileSpec(), [0, nan, 100, 50]),
        # mean of 2, 6, 10 = 6 → x / 6 · 100
        ("ratio", RatioSpec(), [100 / 3, nan, 500 / 3, 100]),
        # √(4 + 36 + 100) = √140
        ("vector", VectorSpec(), np.array([2, nan, 10, 6]) / np.sqrt(140) * 100),
    ],
)
def test_missing_values_are_ignored_and_stay_missing(
    method: str, params: Any, expected: list[float]
) -> None:
    # arrange
    fn = NORMALISERS.get(method).fn
    x = np.array([2.0, nan, 10.0, 6.0])

    # act
    with np.errstate(invalid="raise"):
        out = fn(x, x.copy(), params)

    # assert
    assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_minmax_of_a_value_outside_the_reference_leaves_the_range() -> None:
    # arrange: statistics from ref 2..10, as with the `base` scope
    x = np.array([12.0, 0.0])
    ref = np.array([2.0, 10.0])

    # act
    out = NORMALISERS.get("minmax").fn(x, ref, MinMaxSpec(range=(0, 100)))

    # assert: (12 − 2) / 8 · 100 = 125, (0 − 2) / 8 · 100 = −25
    assert_allclose(out, [125, -25])


def test_ratio_to_a_unit_reference_divides_by_that_value() -> None:
    # arrange: ref holds the reference unit's value 4
    x = np.array([1.0, 2.0, 3.0, 6.0])

    # act
    out = NORMALISERS.get("ratio").fn(x, np.array([4.0]), RatioSpec(reference="b"))

    # assert: x / 4 · 100
    assert_allclose(out, [25, 50, 75, 150])


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ratio", RatioSpec()),
        ("minmax", MinMaxSpec()),
        ("zscore", ZScoreSpec()),
        ("target", TargetSpec(target=1.7e308)),
    ],
)
def test_values_near_the_float_limit_give_finite_scores(name: str, params: Any) -> None:
    x = np.array([10.0, 20.0, 1e308, 1.5e308])

    got = NORMALISERS.get(name).fn(x, x, params)

    assert np.isfinite(got).all()
    if name == "ratio":  # 100 · x / mean(x): the mean is 6.25e307
        assert got[2:] == pytest.approx([160.0, 240.0])
    if name == "minmax":
        assert got[[0, 3]] == pytest.approx([0.0, 100.0])


def test_rank_ties_zero_with_float_noise_around_zero() -> None:
    # 0.1 + 0.2 − 0.3 = 5.55e-17 is 0 in exact arithmetic: it shares rank 1 with 0.0
    # (a relative-only tie rule gave it rank 3 — review of issue 11, finding 1c)
    x = np.array([0.0, 0.1 + 0.2 - 0.3, 0.5, 1.0, -0.0])

    got = NORMALISERS.get("rank").fn(x, x, RankSpec())

    assert got.tolist() == [1.0, 1.0, 4.0, 5.0, 1.0]
