"""Property tests (hypothesis, derandomised): normaliser ranges, weight sums, and
invariants of `gdindex.compute` on in-memory frames."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from polars.testing import assert_frame_equal

import gdindex
from gdindex.errors import IssueLog
from gdindex.pipeline.normalise import normalise_values
from gdindex.pipeline.tree_weights import child_weights, weight_rows
from tests.conftest import make_spec

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)

UNITS = ["u1", "u2", "u3", "u4"]
PERIODS = [2020, 2021, 2022]


def frame(columns: dict[str, list[float]]) -> pl.DataFrame:
    """Wide frame: one row per unit × period (units vary fastest) and the columns."""
    units = [u for _ in PERIODS for u in UNITS]
    periods = [p for p in PERIODS for _ in UNITS]
    return pl.DataFrame({"unit": units, "period": periods, **columns})


def root_scores(result: Any) -> pl.DataFrame:
    return result.scores.filter(pl.col("node") == "root").sort(["period", "unit"])


N_ROWS = len(UNITS) * len(PERIODS)
column = st.lists(st.integers(-1000, 1000).map(float), min_size=N_ROWS, max_size=N_ROWS)
positive_weight = st.floats(min_value=0.001, max_value=1000.0)


# ---- normalisers ---- #


@SETTINGS
@given(
    values=arrays(
        np.float64,
        st.tuples(st.integers(2, 6), st.integers(1, 3)),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    ),
    lo=st.integers(-100, 100),
    width=st.integers(1, 1000),
)
def test_minmax_lies_in_range_and_reaches_both_ends(
    values: np.ndarray, lo: int, width: int
) -> None:
    # arrange: finite, non-constant data in panel scope
    assume(values.max() > values.min())
    hi = lo + width
    spec = make_spec(
        [{"id": "v"}], defaults={"normalise": {"method": "minmax", "range": [lo, hi]}}
    )
    units = [f"u{i}" for i in range(values.shape[0])]
    periods = list(range(2000, 2000 + values.shape[1]))

    # act
    out = normalise_values(values[:, :, None], spec, units, periods, IssueLog())

    # assert
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    assert np.all(out >= lo - tol)
    assert np.all(out <= hi + tol)
    assert out.min() == pytest.approx(lo, abs=tol)
    assert out.max() == pytest.approx(hi, abs=tol)


# ---- weights ---- #


@SETTINGS
@given(
    pillars=st.lists(positive_weight, min_size=1, max_size=4),
    leaves=st.lists(positive_weight, min_size=4, max_size=4),
    scale=st.floats(min_value=0.01, max_value=100.0),
)
def test_sibling_and_effective_weights_sum_to_one(
    pillars: list[float], leaves: list[float], scale: float
) -> None:
    # arrange: each pillar k has indicators k_1..k_4 with the `leaves` weights
    def tree(factor: float) -> dict[str, Any]:
        return {
            "id": "root",
            "children": [
                {
                    "id": f"p{k}",
                    "weight": wp * factor,
                    "children": [
                        {"id": f"i{k}_{j}", "weight": wl * factor}
                        for j, wl in enumerate(leaves)
                    ],
                }
                for k, wp in enumerate(pillars)
            ],
        }

    ids = [{"id": f"i{k}_{j}"} for k in range(len(pillars)) for j in range(len(leaves))]
    spec = make_spec(ids, tree(1.0))
    scaled = make_spec(ids, tree(scale))

    # act
    siblings = [child_weights(spec, n) for n, _ in spec.tree.walk() if not n.is_leaf]
    rows = weight_rows(spec)
    effective = [r.effective_weight for r in rows if r.node.startswith("i")]

    # assert
    for w in siblings:
        assert w.sum() == pytest.approx(1.0)
        assert np.all(w > 0)
    assert sum(effective) == pytest.approx(1.0)
    # scaling every weight by a constant changes nothing
    np.testing.assert_allclose(
        [r.effective_weight for r in weight_rows(scaled)],
        [r.effective_weight for r in rows],
        rtol=1e-12,
    )


# ---- compute: invariants ---- #


@SETTINGS
@given(a=column, b=column, order=st.permutations(range(N_ROWS)))
def test_row_order_of_the_input_does_not_matter(
    a: list[float], b: list[float], order: list[int]
) -> None:
    # arrange
    spec = make_spec([{"id": "a"}, {"id": "b", "direction": -1}])
    data = frame({"a": a, "b": b})
    shuffled = data[order]

    # act
    first = gdindex.compute(spec, data=data)
    second = gdindex.compute(spec, data=shuffled)

    # assert
    keys = ["node", "period", "unit"]
    assert_frame_equal(first.scores.sort(keys), second.scores.sort(keys))


@SETTINGS
@given(
    a=column,
    b=column,
    weights=st.tuples(positive_weight, positive_weight),
    direction_b=st.sampled_from([1, -1]),
    row=st.integers(0, N_ROWS - 1),
    raise_by=st.integers(1, 500).map(float),
)
def test_raising_a_positive_indicator_never_lowers_the_units_composite(
    a: list[float],
    b: list[float],
    weights: tuple[float, float],
    direction_b: int,
    row: int,
    raise_by: float,
) -> None:
    # arrange
    assume(len(set(a)) > 1 and len(set(b)) > 1)
    spec = make_spec(
        [{"id": "a"}, {"id": "b", "direction": direction_b}],
        tree={
            "id": "root",
            "children": [
                {"id": "a", "weight": weights[0]},
                {"id": "b", "weight": weights[1]},
            ],
        },
    )
    raised = list(a)
    raised[row] += raise_by
    unit, period = UNITS[row % len(UNITS)], PERIODS[row // len(UNITS)]

    # act
    before = gdindex.compute(spec, data=frame({"a": a, "b": b}))
    after = gdindex.compute(spec, data=frame({"a": raised, "b": b}))

    # assert
    def score(result: Any) -> float:
        cell = root_scores(result).filter(
            (pl.col("unit") == unit) & (pl.col("period") == period)
        )
        return float(cell["score"].item())

    assert score(after) >= score(before) - 1e-9


@SETTINGS
@given(
    values=st.lists(
        st.integers(-1000, 1000).map(float),
        min_size=N_ROWS,
        max_size=N_ROWS,
        unique=True,
    )
)
def test_flipping_the_direction_reverses_the_ranking(values: list[float]) -> None:
    # arrange: one indicator, distinct values, every unit present in every period
    up = make_spec([{"id": "v", "direction": 1}])
    down = make_spec([{"id": "v", "direction": -1}])
    data = frame({"v": values})
    n = len(UNITS)

    # act
    rank_up = root_scores(gdindex.compute(up, data=data))["rank"]
    rank_down = root_scores(gdindex.compute(down, data=data))["rank"]

    # assert: rank r among n becomes n + 1 − r
    assert rank_up.null_count() == 0
    assert (rank_down == n + 1 - rank_up).all()


@SETTINGS
@given(a=column, b=column)
def test_computing_twice_gives_identical_scores(a: list[float], b: list[float]) -> None:
    # arrange
    spec = make_spec([{"id": "a"}, {"id": "b"}])
    data = frame({"a": a, "b": b})

    # act
    first = gdindex.compute(spec, data=data)
    second = gdindex.compute(spec, data=data)

    # assert
    assert_frame_equal(first.scores, second.scores)
    assert_frame_equal(first.weights, second.weights)


def test_compute_on_an_in_memory_frame_without_a_units_table() -> None:
    # arrange: 4 units × 3 periods; a = 1..12 (units fastest), b = 0..4 repeating
    a = [float(k) for k in range(1, N_ROWS + 1)]
    b = [float(k % 5) for k in range(N_ROWS)]
    spec = make_spec([{"id": "a"}, {"id": "b"}])

    # act
    result = gdindex.compute(spec, data=frame({"a": a, "b": b}))

    # assert: units come from the data; scores cover unit × period × node
    assert result.units["unit"].to_list() == UNITS
    assert result.periods == PERIODS
    assert result.scores.height == len(UNITS) * len(PERIODS) * 3
    # a: panel minmax (x − 1) / 11 · 100 → u1 2020 is 0, u4 2022 is 100
    a_scores = result.scores.filter(pl.col("node") == "a").sort(["period", "unit"])
    assert a_scores["score"][0] == pytest.approx(0.0)
    assert a_scores["score"][-1] == pytest.approx(100.0)
