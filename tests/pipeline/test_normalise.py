"""The normalise stage: scopes, direction applied once, constants, references."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from gdindex.errors import IssueLog
from gdindex.pipeline.normalise import normalise_values
from gdindex.spec import (
    IndexSpec,
)
from tests.conftest import make_spec

nan = np.nan

UNITS = ["a", "b", "c"]


PERIODS = [2020, 2021]


def one_indicator(
    values: list[list[float]], **indicator: Any
) -> tuple[np.ndarray, IndexSpec]:
    """values[unit][period] of one indicator `v` → (array[unit, period, 1], spec)."""
    spec = make_spec([{"id": "v", **indicator}])
    return np.array(values, dtype=np.float64)[:, :, None], spec


# values[unit][period], periods 2020, 2021
SCOPED = [[1.0, 5.0], [3.0, 7.0], [5.0, 9.0]]


@pytest.mark.parametrize(
    ("normalise", "expected"),
    [
        # period: 2020 min 1 max 5 → (x − 1) / 4; 2021 min 5 max 9 → (x − 5) / 4
        ({"scope": "period"}, [[0, 0], [50, 50], [100, 100]]),
        # panel: pooled min 1 max 9 → (x − 1) / 8 · 100
        ({"scope": "panel"}, [[0, 50], [25, 75], [50, 100]]),
        # base 2020: min 1 max 5 for both periods → (x − 1) / 4 · 100
        #   2021: (5 − 1) / 4 = 100, (7 − 1) / 4 = 150, (9 − 1) / 4 = 200
        (
            {"scope": "base", "base_period": 2020},
            [[0, 100], [50, 150], [100, 200]],
        ),
    ],
)
def test_minmax_scopes(normalise: dict[str, Any], expected: list[list[float]]) -> None:
    # arrange
    values, spec = one_indicator(SCOPED, normalise={"method": "minmax", **normalise})
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert
    assert_allclose(out[:, :, 0], expected)
    assert log.issues == []


def test_zscore_period_scope_uses_each_period_alone() -> None:
    # arrange: 2020 values 1, 3, 5 (mean 3, sd 2); 2021 values 5, 7, 9 (mean 7, sd 2)
    values, spec = one_indicator(
        SCOPED, normalise={"method": "zscore", "scope": "period"}
    )

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert
    assert_allclose(out[:, :, 0], [[-1, -1], [0, 0], [1, 1]])


def test_percentile_panel_scope_pools_all_periods() -> None:
    # arrange: pooled values 1, 5, 3, 7, 5, 9 (n = 6, n − 1 = 5)
    values, spec = one_indicator(SCOPED, normalise={"method": "percentile"})

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert: #(lower) — 1: 0, 5: 2 (1, 3), 3: 1, 7: 4, 5: 2, 9: 5; · 100 / 5
    assert_allclose(out[:, :, 0], [[0, 40], [20, 80], [40, 100]])


def test_missing_raw_value_stays_missing_and_is_ignored_by_the_statistics() -> None:
    # arrange: unit a has no 2021 value
    values, spec = one_indicator([[1.0, nan], [3.0, 7.0], [5.0, 9.0]])

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert: panel min 1 max 9 → (x − 1) / 8 · 100
    assert_allclose(out[:, :, 0], [[0.0, nan], [25.0, 75.0], [50.0, 100.0]])


def test_direction_minus_one_makes_lower_raw_values_score_higher() -> None:
    # arrange
    values, spec = one_indicator(SCOPED, direction=-1)

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert: x = −raw, min −9 max −1 → (x + 9) / 8 · 100 = (9 − raw) / 8 · 100
    #   a: 8/8, 4/8; b: 6/8, 2/8; c: 4/8, 0/8
    assert_allclose(out[:, :, 0], [[100, 50], [75, 25], [50, 0]])


def test_target_with_direction_minus_one_uses_the_negated_target() -> None:
    # arrange: lower is better, target 30, raw 50, 40, 20 in one period
    values, spec = one_indicator(
        [[50.0], [40.0], [20.0]],
        direction=-1,
        normalise={"method": "target", "target": 30},
    )

    # act
    out = normalise_values(values, spec, UNITS, [2020], IssueLog())

    # assert: x = −50, −40, −20; T' = −30; min −50
    #   (x + 50) / (−30 + 50) · 100 = 0, 50, 150 → capped 100
    assert_allclose(out[:, :, 0], [[0], [50], [100]])


@pytest.mark.parametrize("direction", [1, -1])
def test_goalposts_with_worst_above_best_follow_the_raw_formula(direction: int) -> None:
    # arrange: worst 50 > best 20, so lower raw values are better whatever direction
    values, spec = one_indicator(
        [[50.0], [35.0], [10.0], [60.0]],
        direction=direction,
        normalise={"method": "goalposts", "worst": 50, "best": 20},
    )

    # act
    out = normalise_values(values, spec, ["a", "b", "c", "d"], [2020], IssueLog())

    # assert: (raw − 50) / (20 − 50) · 100
    #   50 → 0, 35 → 50, 10 → 133.3 → clipped 100, 60 → −33.3 → clipped 0
    assert_allclose(out[:, :, 0], [[0], [50], [100], [0]])


def test_direction_is_applied_per_indicator() -> None:
    # arrange: same raw values, one indicator each way
    spec = make_spec([{"id": "up"}, {"id": "down", "direction": -1}])
    raw = np.array([[1.0], [3.0], [5.0]])
    values = np.stack([raw, raw], axis=-1)

    # act
    out = normalise_values(values, spec, UNITS, [2020], IssueLog())

    # assert: up (x − 1) / 4 · 100; down (5 − x) / 4 · 100
    assert_allclose(out[:, 0, 0], [0, 50, 100])
    assert_allclose(out[:, 0, 1], [100, 50, 0])


@pytest.mark.parametrize(
    "normalise",
    [
        {"method": "minmax"},
        {"method": "zscore"},
        {"method": "rank"},
        {"method": "percentile"},
    ],
)
def test_constant_indicator_becomes_missing_with_a_warning(
    normalise: dict[str, Any],
) -> None:
    # arrange: every value is 0.3, one of them as 0.1 + 0.2 (an ulp above): float
    # noise is no spread to stretch over [0, 100] (DESIGN §4.5 ties)
    values, spec = one_indicator(
        [[0.3, 0.3], [0.3, 0.1 + 0.2], [0.3, 0.3]], normalise=normalise
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert
    assert np.isnan(out).all()
    assert [i.code for i in log.issues] == ["constant-indicator"]
    assert log.issues[0].severity == "warning"
    assert "'v'" in str(log.issues[0])


def test_goalposts_need_no_spread_so_constant_data_are_scored() -> None:
    # arrange: every value is 7; fixed goalposts 2 → 12
    values, spec = one_indicator(
        [[7.0, 7.0], [7.0, 7.0], [7.0, 7.0]],
        normalise={"method": "goalposts", "worst": 2, "best": 12},
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert: (7 − 2) / (12 − 2) · 100 = 50
    assert_allclose(out[:, :, 0], np.full((3, 2), 50.0))
    assert log.issues == []


def test_constant_in_one_period_is_missing_only_there() -> None:
    # arrange: 2020 all 4 (constant), 2021 values 1, 2, 3
    values, spec = one_indicator(
        [[4.0, 1.0], [4.0, 2.0], [4.0, 3.0]], normalise={"scope": "period"}
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert: 2021 min 1 max 3 → (x − 1) / 2 · 100
    assert_allclose(out[:, :, 0], [[nan, 0], [nan, 50], [nan, 100]])
    assert [i.code for i in log.warnings] == ["constant-indicator"]
    assert "2020" in log.warnings[0].message


def test_ratio_to_a_reference_unit_per_period() -> None:
    # arrange: reference unit b; 2020: 2, 4, 6; 2021: 3, 6, 12
    values, spec = one_indicator(
        [[2.0, 3.0], [4.0, 6.0], [6.0, 12.0]],
        normalise={"method": "ratio", "reference": "b", "scope": "period"},
    )

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert: 2020 x / 4 · 100; 2021 x / 6 · 100
    assert_allclose(out[:, :, 0], [[50, 50], [100, 100], [150, 200]])


def test_ratio_reference_unit_missing_in_a_period_leaves_it_missing() -> None:
    # arrange: reference unit b has no 2021 value
    values, spec = one_indicator(
        [[2.0, 3.0], [4.0, nan], [6.0, 12.0]],
        normalise={"method": "ratio", "reference": "b", "scope": "period"},
    )

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, IssueLog())

    # assert: 2020 x / 4 · 100; 2021 has no reference value → missing
    assert_allclose(out[:, :, 0], [[50, nan], [100, nan], [150, nan]])


def test_ratio_to_an_unknown_unit_is_an_error() -> None:
    # arrange
    values, spec = one_indicator(
        SCOPED, normalise={"method": "ratio", "reference": "zz"}
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert
    assert np.isnan(out).all()
    assert [i.code for i in log.errors] == ["unknown-unit"]
    assert "zz" in log.errors[0].message


def test_vector_of_a_cost_indicator_scores_the_smallest_raw_value_highest() -> None:
    # arrange: raw 3, 4 and 12 (√(9 + 16 + 144) = 13), lower is better, one period
    values, spec = one_indicator(
        [[3.0, nan], [4.0, nan], [12.0, nan]],
        direction=-1,
        normalise={"method": "vector", "scope": "period"},
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert: x = −raw → −3/13, −4/13, −12/13 (· 100); the smallest raw is best, and
    # the distances between units are those of the textbook raw / √Σ raw²
    assert_allclose(out[:, 0, 0], [-300 / 13, -400 / 13, -1200 / 13], rtol=1e-12)
    assert np.isnan(out[:, 1, 0]).all()


def test_vector_of_all_zero_values_is_missing_with_a_warning() -> None:
    # arrange
    values, spec = one_indicator(
        [[0.0, 1.0], [0.0, 2.0], [0.0, 2.0]],
        normalise={"method": "vector", "scope": "period"},
    )
    log = IssueLog()

    # act
    out = normalise_values(values, spec, UNITS, PERIODS, log)

    # assert: 2020 cannot be normalised; 2021: √(1 + 4 + 4) = 3
    assert np.isnan(out[:, 0, 0]).all()
    assert_allclose(out[:, 1, 0], [100 / 3, 200 / 3, 200 / 3])
    assert "every value is 0" in str(log.warnings[0])
