"""`IndexResult`: the frames of scores, stages, indicators and effective weights."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import gdindex
from tests.conftest import INDICATOR_COLUMNS, SCORE_COLUMNS


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
