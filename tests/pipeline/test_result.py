"""`IndexResult`: the frames of scores, stages, indicators and effective weights."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import gdindex
from tests.conftest import INDICATOR_COLUMNS, SCORE_COLUMNS, write_project


def test_scores_frame_shape_and_columns(tiny_spec: Path) -> None:
    result = gdindex.compute(tiny_spec)

    assert result.scores.columns == SCORE_COLUMNS
    # 3 units × 2 periods × (1 index + 2 pillars + 4 indicators)
    assert result.scores.height == 3 * 2 * 7
    kinds = dict(result.scores.select("node", "kind").unique().iter_rows())
    assert kinds == {
        "idx": "index",
        "p1": "aggregate",
        "p2": "aggregate",
        "i1": "indicator",
        "i2": "indicator",
        "i3": "indicator",
        "i4": "indicator",
    }
    depths = dict(result.scores.select("node", "depth").unique().iter_rows())
    assert depths["idx"] == 0 and depths["p1"] == 1 and depths["i4"] == 2


def test_effective_weights(tiny_spec: Path) -> None:
    result = gdindex.compute(tiny_spec)

    w = dict(
        zip(result.weights["node"], result.weights["effective_weight"], strict=True)
    )
    # p1 = 2/3 → i1 = i2 = 1/3; p2 = 1/3 → i3 = 1/12, i4 = 3/12
    assert w["i1"] == pytest.approx(1 / 3)
    assert w["i3"] == pytest.approx(1 / 12)
    assert w["i4"] == pytest.approx(0.25)
    assert sum(w[i] for i in ("i1", "i2", "i3", "i4")) == pytest.approx(1.0)


def test_stages_are_kept(tiny_spec: Path) -> None:
    result = gdindex.compute(tiny_spec)

    assert set(result.stages) >= {
        "raw",
        "denominated",
        "imputed",
        "treated",
        "normalised",
        "aggregated",
    }
    raw = result.stages["raw"]
    assert raw.columns == ["unit", "period", "i1", "i2", "i3", "i4"]
    assert raw.filter(pl.col("unit") == "B")["i3"].to_list() == [None, 3.0]
    norm = result.stages["normalised"].filter(pl.col("unit") == "C")
    assert norm["i4"].to_list() == pytest.approx([80.0, 100.0])


def test_indicator_table(tiny_spec: Path) -> None:
    table = gdindex.compute(tiny_spec).indicator_table()

    assert table.columns == INDICATOR_COLUMNS
    assert table.height == 3 * 2 * 4
    row = table.filter(
        (pl.col("unit") == "A")
        & (pl.col("period") == 2022)
        & (pl.col("indicator") == "i4")
    )
    assert row.row(0) == ("A", 2022, "i4", 90.0, 90.0, 20.0, None)


def test_group_means_follow_a_unit_that_changes_group(tmp_path: Path) -> None:
    from tests.io.helpers import TINY_IDX
    from tests.io.test_units import PANEL_SPEC, PANEL_UNITS

    result = gdindex.compute(write_project(tmp_path, PANEL_SPEC, units=PANEL_UNITS))

    idx = result.groups.filter(pl.col("node") == "idx")
    got = {(r["group"], r["period"]): r for r in idx.iter_rows(named=True)}
    a, b, c = (TINY_IDX[(u, 2021)] for u in "ABC")
    a2, b2, c2 = (TINY_IDX[(u, 2022)] for u in "ABC")
    # 2021: 北 = {A}, 南 = {B, C}; 2022: A moved to 南, C to 北
    assert got[("北", 2021)]["score"] == pytest.approx(a)
    assert got[("南", 2021)]["score"] == pytest.approx((b + c) / 2)
    assert got[("北", 2022)]["score"] == pytest.approx(c2)
    assert got[("南", 2022)]["score"] == pytest.approx((a2 + b2) / 2)
    assert got[("南", 2022)]["n_units"] == 2 and got[("北", 2022)]["n_units"] == 1
    assert got[("北", 2022)]["growth_pct"] == pytest.approx(100 * (c2 / a - 1))


def test_weighted_group_means_use_each_period_weights(tmp_path: Path) -> None:
    from tests.io.helpers import TINY_IDX
    from tests.io.test_units import PANEL_SPEC, PANEL_UNITS

    spec = PANEL_SPEC.replace(
        "  period: period", "  period: period\n  group_weight: pop"
    )

    result = gdindex.compute(write_project(tmp_path, spec, units=PANEL_UNITS))

    south = result.groups.filter(
        (pl.col("node") == "idx") & (pl.col("group") == "南")
    ).sort("period")["score"]
    b, c = TINY_IDX[("B", 2021)], TINY_IDX[("C", 2021)]
    a2, b2 = TINY_IDX[("A", 2022)], TINY_IDX[("B", 2022)]
    assert south.to_list() == pytest.approx(
        [(1 * b + 2 * c) / 3, (3 * a2 + 1 * b2) / 4]
    )
