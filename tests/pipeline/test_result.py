"""`IndexResult`: the frames of scores, stages, indicators and effective weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import gdindex
from gdindex.methods import growth
from tests.conftest import INDICATOR_COLUMNS, SCORE_COLUMNS, SPEC_YAML, write_project


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


def _prepared_project(root: Path) -> Path:
    """The tiny project, imputed (a flag) and log-treated: raw ≠ prepared."""
    return write_project(
        root,
        SPEC_YAML.replace(
            "indicators:\n",
            "defaults:\n  impute: {method: group_mean}\n"
            "  treat: {method: log}\nindicators:\n",
        ),
    )


def test_indicator_table_is_the_stages_unpivoted(tmp_path: Path) -> None:
    # arrange: built from the arrays, it must equal the wide stage frames in long
    # form, rows by indicator (spec order), unit, period
    result = gdindex.compute(_prepared_project(tmp_path))
    ids = [ind.id for ind in result.spec.indicators]
    keys = ["unit", "period"]

    def long(stage: str, name: str) -> pl.DataFrame:
        return result.stages[stage].unpivot(
            ids, index=keys, variable_name="indicator", value_name=name
        )

    # act
    table = result.indicator_table()

    # assert
    expected = long("raw", "raw").with_columns(
        long("treated", "prepared")["prepared"],
        long("normalised", "normalised")["normalised"],
    )
    assert_frame_equal(table.drop("flag"), expected)
    assert table["raw"].to_list() != table["prepared"].to_list()
    flagged = table.filter(pl.col("flag").is_not_null())
    assert set(flagged["flag"]) >= {"imputed:group_mean;log"}


def test_contributions_rows_by_node_child_period_unit(tiny_spec: Path) -> None:
    # arrange: the formula applied node by node, in the documented row order
    result = gdindex.compute(tiny_spec)
    spec = result.spec
    wide = result.stages["aggregated"]
    units, periods = result.units["unit"].to_list(), result.periods
    expected = []
    for node, _ in spec.tree.walk():
        if node.is_leaf:
            continue
        kids = [k.id for k in node.children or []]
        w = result.weighting.nodes[node.id].weights if result.weighting else []

        def values(node_id: str) -> np.ndarray:
            return wide[node_id].to_numpy().reshape(len(units), len(periods))

        table = growth.contributions(
            values(node.id), np.stack([values(k) for k in kids], axis=-1), w
        )
        for k, child in enumerate(kids):
            for p in range(1, len(periods)):
                for u, unit in enumerate(units):
                    value = table[u, p, k]
                    expected.append(
                        (
                            unit,
                            periods[p],
                            node.id,
                            child,
                            float(w[k]),
                            None if np.isnan(value) else float(value),
                        )
                    )

    # act
    rows = result.contributions.rows()

    # assert
    assert result.contributions.columns == [
        "unit",
        "period",
        "node",
        "child",
        "weight",
        "contribution",
    ]
    assert rows == expected  # the same formula on the same values: exactly
    assert len(rows) == 3 * 1 * (2 + 2 + 2)


def test_the_long_tables_in_blocks_are_the_tables(tmp_path: Path) -> None:
    # arrange: 3 units × 2 periods = 6 rows per indicator, 3 per child of a node
    result = gdindex.compute(_prepared_project(tmp_path))

    # act
    indicators = list(result.indicator_blocks(rows=7))
    contributions = list(result.contribution_blocks(rows=3))

    # assert: whole indicators (children) per block, in the tables' row order
    assert [b["indicator"].unique().to_list() for b in indicators] == [
        ["i1"],
        ["i2"],
        ["i3"],
        ["i4"],
    ]
    assert_frame_equal(pl.concat(indicators), result.indicator_table())
    assert [b.height for b in contributions] == [3] * 6
    assert_frame_equal(pl.concat(contributions), result.contributions)
    # once built, the frame itself is given
    (whole,) = result.contribution_blocks(rows=3)
    assert whole is result.contributions


def test_a_node_is_named_in_its_language_then_the_other_then_by_id() -> None:
    from gdindex.analysis.common import node_label
    from gdindex.pipeline.result import NodeInfo

    both = NodeInfo("p1", "aggregate", 1, "idx", "基础", "Infrastructure", "arith")
    only_zh = NodeInfo("p2", "aggregate", 1, "idx", "产业", "", "arith")
    none = NodeInfo("p3", "aggregate", 1, "idx", "", "", "arith")

    assert both.name("zh") == "基础" and both.name("en") == "Infrastructure"
    assert only_zh.name("en") == "产业" and none.name("en") == "p3"
    assert node_label([both, only_zh], "p2", "en") == "产业"
    assert node_label([both], "missing", "zh") == "missing"
