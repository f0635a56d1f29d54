"""Which rows feed data-driven weights: `pool: panel` vs `pool: base`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import DataError
from tests.weights_helpers import (
    DATA2,
    DIRECTION,
    IDS,
    INDS,
    PROPS,
    RAW2,
    compute_project,
    derived,
    directed,
    entropy_by_hand,
    memory_spec,
    nodes_of,
    panels,
    project,
    scores_of,
    weighted_sum,
)

# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).


# 4 units × 2 periods, every raw value positive (cv can use every child).


def test_entropy_pools_every_unit_and_period(tmp_path: Path) -> None:
    # arrange: 4 units × 2 periods → 8 rows; panel minmax over both periods
    result = compute_project(tmp_path, {"method": "entropy"}, DATA2)
    pooled = {
        k: [DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS
    }

    # act: entropy is unchanged by the (affine) minmax normaliser
    expected = entropy_by_hand([pooled[k] for k in INDS])

    # assert: one set of weights for both periods, from all 8 rows
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert nodes_of(result)["idx"].components[0].rows == 8
    for period in (2021, 2022):
        columns = [scores_of(result, k, period) for k in INDS]
        assert_allclose(
            scores_of(result, "idx", period),
            weighted_sum(expected, columns),
            rtol=1e-10,
        )


BASE_POOL = {"pool": "base", "base_period": 2021}


def data2(changes: dict[tuple[str, int, str], float]) -> str:
    """DATA2 with some raw cells (unit, period, indicator) replaced."""
    lines = DATA2.strip().splitlines()
    header = lines[0].split(",")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        unit, period = cells[0], int(cells[1])
        for k, name in enumerate(header[2:], start=2):
            if (unit, period, name) in changes:
                cells[k] = str(changes[unit, period, name])
        out.append(",".join(cells))
    text = "\n".join(out) + "\n"
    assert text != DATA2 or not changes
    return text


def test_base_pool_weights_come_from_the_base_period_rows(tmp_path: Path) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "entropy", **BASE_POOL}, DATA2)

    # act: entropy over the 4 rows of 2021 only
    expected = entropy_by_hand(directed(RAW2[2021]))
    panel = entropy_by_hand(
        [[DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS]
    )

    # assert
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert not np.allclose(expected, panel, rtol=1e-4)
    comp = nodes_of(result)["idx"].components[0]
    assert comp.rows == 4
    assert comp.params["pool"] == "base" and comp.params["base_period"] == 2021


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_ignores_changes_in_other_periods(
    tmp_path: Path, method: str
) -> None:
    # arrange: 2022 changes a lot (also the panel minmax of every indicator)
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)
    changed = data2(
        {
            ("A", 2022, "x1"): 500,
            ("B", 2022, "x2"): 1,
            ("C", 2022, "x3"): 90,
            ("D", 2022, "x3"): 1,
        }
    )

    # act
    after = compute_project(tmp_path / "b", weights, changed)

    # assert: the data change took effect, the weights did not move
    assert not np.allclose(
        scores_of(before, "idx", 2022), scores_of(after, "idx", 2022)
    )
    assert_allclose(derived(after), derived(before), rtol=1e-9)


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_follows_changes_in_the_base_period(
    tmp_path: Path, method: str
) -> None:
    # arrange
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)

    # act: one 2021 cell changes
    after = compute_project(
        tmp_path / "b", weights, data2({("D", 2021, "x2"): 7, ("B", 2021, "x1"): 50})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_panel_pool_follows_changes_in_any_period(tmp_path: Path) -> None:
    # arrange: the contrast to the base pool
    before = compute_project(tmp_path / "a", {"method": "entropy"}, DATA2)

    # act
    after = compute_project(
        tmp_path / "b", {"method": "entropy"}, data2({("A", 2022, "x1"): 500})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_base_period_outside_the_data_is_a_data_error(tmp_path: Path) -> None:
    # arrange: no `periods:` in the spec, so only the data can tell
    path = project(
        tmp_path, {"method": "entropy", "pool": "base", "base_period": 1999}, DATA2
    )

    # act
    with pytest.raises(DataError) as info:
        gdindex.compute(gdindex.load_spec(path))

    # assert
    [issue] = info.value.issues
    assert issue.where == "tree.weights.base_period"
    assert "1999" in issue.message and issue.code == "bad-base-period"


@PROPS
@given(frame=panels(), seed=st.integers(0, 2**32 - 1))
def test_property_reordering_a_periods_rows_leaves_pooled_weights_unchanged(
    frame: pl.DataFrame, seed: int
) -> None:
    # arrange: the last period's rows shuffled and moved to the top
    assume(frame["period"].n_unique() == 2)
    spec = memory_spec(
        {"id": "root", "weights": {"method": "entropy"}, "children": list(IDS)}
    )
    first = frame.filter(pl.col("period") == 2021)
    second = frame.filter(pl.col("period") == 2022)
    order = np.random.default_rng(seed).permutation(second.height)
    reordered = pl.concat([second[order.tolist()], first])

    # act
    w0 = nodes_of(gdindex.compute(spec, frame))["root"].weights
    w1 = nodes_of(gdindex.compute(spec, reordered))["root"].weights

    # assert
    assert_allclose(w1, w0, rtol=1e-9, atol=1e-12)
