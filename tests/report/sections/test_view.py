"""The view of one period that the sections share."""

from __future__ import annotations

import polars as pl
import pytest

from gdindex.pipeline import IndexResult
from gdindex.report.sections.view import View


def test_view_orders_units_and_takes_medians(tiny: IndexResult) -> None:
    view = View(tiny, 2022, "en")
    index = tiny.scores.filter(pl.col("node") == "idx", pl.col("period") == 2022)

    assert view.order == index.sort("rank")["unit"].to_list()
    assert view.has_growth and view.previous == 2021
    assert view.medians["idx"] == pytest.approx(index["score"].median())
    assert view.labels["A"] == "Alpha 甲城" and view.names["A"] == "Alpha"
    assert view.n_scored == 3
