"""Aggregators (DESIGN §4.3): each method on hand-computed arrays with unequal weights,
reweighting over present children, `min_coverage` and the zero policy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from gdindex.errors import IssueLog
from gdindex.methods.aggregate import AGGREGATORS, aggregate_node
from gdindex.spec import (
    ArithmeticSpec,
    GeometricSpec,
    HarmonicSpec,
    PowerMeanSpec,
    TopsisSpec,
)

nan = np.nan
# sibling weights 2 : 1 : 1, already rescaled
W3 = np.array([0.5, 0.25, 0.25])
UNITS2 = ["gz", "sz"]
PERIOD1 = [2021]


def cube(rows: list[list[float]]) -> np.ndarray:
    """rows[unit] = children's values in one period → X[unit, 1, child]."""
    return np.array(rows, dtype=np.float64)[:, None, :]


def test_registry_holds_the_five_methods() -> None:
    # act
    names = set(AGGREGATORS.names())

    # assert
    assert names == {"arithmetic", "geometric", "harmonic", "power_mean", "topsis"}


@pytest.mark.parametrize(
    ("params", "rows", "expected"),
    [
        # arithmetic: gz 0.5·40 + 0.25·60 + 0.25·80 = 20 + 15 + 20 = 55
        #             sz 0.5·10 + 0.25·20 + 0.25·40 = 5 + 5 + 10 = 20
        (ArithmeticSpec(), [[40, 60, 80], [10, 20, 40]], [55, 20]),
        # geometric: gz 16^0.5 · 1^0.25 · 256^0.25 = 4 · 1 · 4 = 16
        #            sz 4^0.5 · 16^0.25 · 81^0.25 = 2 · 2 · 3 = 12
        (GeometricSpec(), [[16, 1, 256], [4, 16, 81]], [16, 12]),
        # harmonic: gz 1 / (0.5/2 + 0.25/4 + 0.25/4) = 1 / 0.375 = 8/3
        #           sz 1 / (0.5/5 + 0.25/10 + 0.25/2.5) = 1 / 0.225 = 40/9
        (HarmonicSpec(), [[2, 4, 4], [5, 10, 2.5]], [8 / 3, 40 / 9]),
        # power mean p = 2: gz sqrt(0.5·1 + 0.25·9 + 0.25·25) = sqrt(9) = 3
        #                   sz sqrt(0.5·49 + 0.25·1 + 0.25·1) = sqrt(25) = 5
        (PowerMeanSpec(p=2), [[1, 3, 5], [7, 1, 1]], [3, 5]),
        # power mean p = −1 is the harmonic mean: same numbers as above
        (PowerMeanSpec(p=-1), [[2, 4, 4], [5, 10, 2.5]], [8 / 3, 40 / 9]),
    ],
)
def test_weighted_means_on_hand_computed_values(
    params: Any, rows: list[list[float]], expected: list[float]
) -> None:
    # arrange
    X = cube(rows)
    log = IssueLog()

    # act
    out = aggregate_node("node", X, W3, params, UNITS2, PERIOD1, log)

    # assert
    assert out.shape == (2, 1)
    assert_allclose(out[:, 0], expected, rtol=1e-12)
    assert log.issues == []


def test_topsis_textbook_distances_on_the_weighted_matrix() -> None:
    # arrange: weights 16 : 9 → 0.64, 0.36; panel best (100, 100), worst (0, 0)
    X = cube([[0, 0], [100, 0], [0, 100], [50, 50]])
    w = np.array([0.64, 0.36])

    # act
    out = aggregate_node(
        "node", X, w, TopsisSpec(), ["a", "b", "c", "d"], PERIOD1, IssueLog()
    )

    # assert: v = w·x, ideal v± = w·(100, 100) and w·(0, 0); d± = √Σ (v − v±)²
    #   a: v (0, 0):    d+ = √(64² + 36²), d− = 0                 → 0
    #   b: v (64, 0):   d+ = √(0 + 36²) = 36, d− = √(64²) = 64    → 100·64/100
    #   c: v (0, 36):   d+ = 64, d− = 36                          → 36
    #   d: v (32, 18):  d+ = d− = √(32² + 18²)                    → 50
    assert_allclose(out[:, 0], [0, 64, 36, 50], rtol=1e-12, atol=1e-12)


def test_topsis_weighted_distance_keeps_the_square_root_of_w() -> None:
    # arrange: the same units with `distance: weighted`
    X = cube([[0, 0], [100, 0], [0, 100], [50, 50]])
    w = np.array([0.64, 0.36])

    # act
    out = aggregate_node(
        "node",
        X,
        w,
        TopsisSpec(distance="weighted"),
        ["a", "b", "c", "d"],
        PERIOD1,
        IssueLog(),
    )

    # assert: d± = sqrt(Σ w_j (x_j − best/worst_j)²)
    #   a: d+ = sqrt(.64·100² + .36·100²) = 100, d− = 0            → 0
    #   b: d+ = sqrt(.36·100²) = 60, d− = sqrt(.64·100²) = 80      → 100·80/140
    #   c: d+ = sqrt(.64·100²) = 80, d− = sqrt(.36·100²) = 60      → 100·60/140
    #   d: d+ = sqrt(.64·50² + .36·50²) = 50, d− = 50              → 50
    assert_allclose(out[:, 0], [0, 400 / 7, 300 / 7, 50], rtol=1e-12, atol=1e-12)


def test_topsis_child_without_any_value_adds_nothing_and_warns_nothing() -> None:
    # arrange: the second child is missing everywhere (an all-NaN column once
    # made numpy print "All-NaN slice encountered"; warnings are errors here)
    X = cube([[0, nan], [100, nan], [50, nan]])
    w = np.array([0.5, 0.5])

    # act
    out = aggregate_node(
        "node", X, w, TopsisSpec(), ["a", "b", "c"], PERIOD1, IssueLog()
    )

    # assert: the first child alone decides
    assert_allclose(out[:, 0], [0, 100, 50], rtol=1e-12)


def test_topsis_period_scope_takes_best_and_worst_per_period() -> None:
    # arrange: 2 units × 2 periods × 2 children, equal weights
    #   2020: a (0, 0), b (10, 10); 2021: a (10, 10), b (30, 30)
    X = np.array(
        [
            [[0, 0], [10, 10]],
            [[10, 10], [30, 30]],
        ],
        dtype=np.float64,
    )
    w = np.array([0.5, 0.5])

    # act
    period = aggregate_node(
        "node", X, w, TopsisSpec(scope="period"), ["a", "b"], [2020, 2021], IssueLog()
    )
    panel = aggregate_node(
        "node", X, w, TopsisSpec(scope="panel"), ["a", "b"], [2020, 2021], IssueLog()
    )

    # assert: per period a is the worst (0) and b the best (100) in both periods
    assert_allclose(period, [[0, 0], [100, 100]])
    # panel: best (30, 30), worst (0, 0); a 2021 d+ = 20, d− = 10 → 100·10/30;
    #   b 2020 d+ = 20, d− = 10 → 100/3 as well
    assert_allclose(panel, [[0, 100 / 3], [100 / 3, 100]])


# ---- missing children and coverage ---- #


@pytest.mark.parametrize(
    ("params", "row", "expected"),
    [
        # present weights 0.5, 0.25 → 2/3, 1/3: 2/3·40 + 1/3·80 = 160/3
        (ArithmeticSpec(), [40, nan, 80], 160 / 3),
        # 8^(2/3) · 1^(1/3) = 4
        (GeometricSpec(), [8, nan, 1], 4.0),
        # 1 / (2/3 / 2 + 1/3 / 1) = 1 / (2/3) = 1.5
        (HarmonicSpec(), [2, nan, 1], 1.5),
        # first child missing: weights 0.25, 0.25 → 1/2, 1/2: (20 + 40) / 2 = 30
        (ArithmeticSpec(), [nan, 20, 40], 30.0),
    ],
)
def test_missing_child_rescales_the_present_weights(
    params: Any, row: list[float], expected: float
) -> None:
    # arrange
    X = cube([row])

    # act
    out = aggregate_node("node", X, W3, params, ["a"], PERIOD1, IssueLog())

    # assert
    assert out[0, 0] == pytest.approx(expected, rel=1e-12)


def test_all_children_missing_makes_the_node_missing() -> None:
    # arrange
    X = cube([[nan, nan, nan], [10, 20, 40]])

    # act
    out = aggregate_node("node", X, W3, ArithmeticSpec(), UNITS2, PERIOD1, IssueLog())

    # assert: sz 5 + 5 + 10 = 20
    assert np.isnan(out[0, 0])
    assert out[1, 0] == pytest.approx(20)


@pytest.mark.parametrize(
    ("min_coverage", "expected"),
    [
        # gz present share 0.25 + 0.25 = 0.5; sz present share 0.5 + 0.25 = 0.75
        # 0.5 reached by both: gz (0.25·40 + 0.25·80) / 0.5 = 60
        #                      sz (0.5·10 + 0.25·30) / 0.75 = 12.5 / 0.75 = 50/3
        (0.5, [60, 50 / 3]),
        # 0.6: gz below → missing
        (0.6, [nan, 50 / 3]),
        # 0.75: sz exactly at it → kept (only a share *below* makes it missing)
        (0.75, [nan, 50 / 3]),
        # 0.8: both below
        (0.8, [nan, nan]),
    ],
)
def test_min_coverage(min_coverage: float, expected: list[float]) -> None:
    # arrange
    X = cube([[nan, 40, 80], [10, nan, 30]])
    params = ArithmeticSpec(min_coverage=min_coverage)

    # act
    out = aggregate_node("node", X, W3, params, UNITS2, PERIOD1, IssueLog())

    # assert
    assert_allclose(out[:, 0], expected, rtol=1e-12)


# ---- zero policy ---- #


@pytest.mark.parametrize("params", [GeometricSpec(), HarmonicSpec()])
def test_zero_policy_error_names_the_unit_and_suggests_a_positive_range(
    params: Any,
) -> None:
    # arrange: sz has a 0
    X = cube([[16, 1, 256], [0, 16, 81]])
    log = IssueLog()

    # act
    aggregate_node("digital", X, W3, params, UNITS2, PERIOD1, log)

    # assert: one error for the node (the pipeline then stops on it)
    assert len(log.errors) == 1
    text = str(log.errors[0])
    assert "sz" in text
    assert "gz" not in log.errors[0].message
    assert "digital" in text
    assert "range: [1, 100]" in text


def test_zero_policy_error_is_the_default() -> None:
    # act
    params = GeometricSpec()

    # assert
    assert params.zero_policy == "error"


def test_zero_policy_shift_adds_epsilon() -> None:
    # arrange: epsilon 1 shifts the node's values
    #   gz (0, 3, 3) → (1, 4, 4); sz (3, 8, 8) → (4, 9, 9)
    X = cube([[0, 3, 3], [3, 8, 8]])
    params = GeometricSpec(zero_policy="shift", epsilon=1.0)
    log = IssueLog()

    # act
    out = aggregate_node("node", X, W3, params, UNITS2, PERIOD1, log)

    # assert: gz 1^0.5 · 4^0.25 · 4^0.25 = 2; sz 4^0.5 · 9^0.25 · 9^0.25 = 2 · 3 = 6
    assert_allclose(out[:, 0], [2, 6], rtol=1e-12)
    assert log.errors == []


def test_zero_policy_floor_replaces_non_positive_values_by_epsilon() -> None:
    # arrange: gz (0, 4, 4) → (1, 4, 4); sz (−5, 9, 9) → (1, 9, 9); epsilon 1
    X = cube([[0, 4, 4], [-5, 9, 9]])
    params = GeometricSpec(zero_policy="floor", epsilon=1.0)
    log = IssueLog()

    # act
    out = aggregate_node("node", X, W3, params, UNITS2, PERIOD1, log)

    # assert: gz 1 · 4^0.25 · 4^0.25 = 2; sz 1 · 9^0.25 · 9^0.25 = 3
    assert_allclose(out[:, 0], [2, 3], rtol=1e-12)
    assert log.errors == []


def test_zero_policy_floor_leaves_positive_values_alone() -> None:
    # arrange: gz (0, 4, 4) → (0.01, 4, 4); sz untouched
    X = cube([[0, 4, 4], [4, 16, 81]])
    params = GeometricSpec(zero_policy="floor")

    # act
    out = aggregate_node("node", X, W3, params, UNITS2, PERIOD1, IssueLog())

    # assert: gz 0.01^0.5 · 4^0.5 = 0.1 · 2 = 0.2; sz 2 · 2 · 3 = 12
    assert_allclose(out[:, 0], [0.2, 12], rtol=1e-12)


def test_arithmetic_accepts_zero_and_negative_values() -> None:
    # arrange
    X = cube([[0, -8, 4]])
    log = IssueLog()

    # act
    out = aggregate_node("node", X, W3, ArithmeticSpec(), ["a"], PERIOD1, log)

    # assert: 0 − 2 + 1 = −1
    assert out[0, 0] == pytest.approx(-1)
    assert log.issues == []


def test_topsis_unknown_base_period_is_an_error() -> None:
    from gdindex.spec import TopsisSpec

    log = IssueLog()
    X = np.array([[[1.0, 2.0]], [[3.0, 4.0]]])

    out = aggregate_node(
        "n",
        X,
        np.array([1.0, 1.0]),
        TopsisSpec(scope="base", base_period=2019),
        ["a", "b"],
        [2021],
        log,
    )

    assert np.isnan(out).all()
    assert log.errors and "2019" in log.errors[0].message


def test_zero_in_a_zero_weight_child_is_ignored() -> None:
    from gdindex.spec import GeometricSpec

    log = IssueLog()
    X = np.array([[[4.0, 0.0, 9.0]]])

    out = aggregate_node(
        "n", X, np.array([1.0, 0.0, 1.0]), GeometricSpec(), ["a"], [2021], log
    )

    assert log.errors == []
    assert out[0, 0] == pytest.approx(6.0)  # sqrt(4 · 9)


def test_power_mean_half_accepts_zero_and_odd_p_keeps_sign() -> None:
    from gdindex.spec import PowerMeanSpec

    log = IssueLog()
    half = aggregate_node(
        "n",
        np.array([[[0.0, 4.0]]]),
        np.array([1.0, 1.0]),
        PowerMeanSpec(p=0.5),
        ["a"],
        [2021],
        log,
    )
    cubic = aggregate_node(
        "n",
        np.array([[[-2.0, -2.0]]]),
        np.array([1.0, 1.0]),
        PowerMeanSpec(p=3),
        ["a"],
        [2021],
        log,
    )

    assert log.errors == []
    assert half[0, 0] == pytest.approx(1.0)  # ((0 + 2) / 2)^2
    assert cubic[0, 0] == pytest.approx(-2.0)  # cube root of −8


def test_zero_policy_error_names_the_child() -> None:
    from gdindex.spec import HarmonicSpec

    log = IssueLog()
    aggregate_node(
        "n",
        np.array([[[1.0, 0.0]]]),
        np.array([1.0, 1.0]),
        HarmonicSpec(),
        ["a"],
        [2021],
        log,
        children=["x1", "x2"],
    )

    assert "('a', 2021, 'x2')" in log.errors[0].message


@pytest.mark.parametrize("p", [160.0, 200.0, 1000.0, -160.0, -300.0, 161.0])
def test_power_mean_with_a_large_p_stays_finite(p: float) -> None:
    from gdindex.spec import PowerMeanSpec

    log = IssueLog()
    X = np.array([[[100.0, 50.0, 1.0]], [[1e308, 1e300, 5.0]]])

    got = aggregate_node(
        "n", X, np.ones(3), PowerMeanSpec(p=p), ["a", "b"], [2021], log
    )

    assert np.isfinite(got).all() and not log.issues
    # the mean lies between the smallest and the largest child, near the max for
    # large p and near the min for large negative p
    for row, (x,) in zip(got, X, strict=True):
        assert x.min() <= row[0] <= x.max() * (1 + 1e-12)
        assert row[0] == pytest.approx(x.max() if p > 0 else x.min(), rel=0.01)


def test_a_non_finite_mean_is_missing_with_a_warning() -> None:
    from gdindex.spec import GeometricSpec

    log = IssueLog()
    X = np.array([[[np.inf, 1.0]], [[4.0, 4.0]]])  # an infinite child

    got = aggregate_node("n", X, np.ones(2), GeometricSpec(), ["a", "b"], [2021], log)

    assert np.isnan(got[0, 0]) and got[1, 0] == pytest.approx(4.0)
    (issue,) = log.issues
    assert issue.code == "non-finite" and "'a', 2021" in issue.message
