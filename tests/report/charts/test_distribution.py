"""The distribution chart of a large report: counted bins, stacked by group."""

from __future__ import annotations

from pathlib import Path

from gdindex.report.charts.distribution import BINS, distribution_chart
from tests.report.conftest import synthetic_result


def test_the_histogram_counts_every_unit_in_at_most_bins_rows(tmp_path: Path) -> None:
    result = synthetic_result(tmp_path, 300)

    chart = distribution_chart(result, result.latest_period, "en").to_dict()

    rows = next(iter(chart["datasets"].values()))
    assert sum(r["n"] for r in rows) == 300
    assert len({r["bin"] for r in rows}) <= BINS
    assert chart["encoding"]["color"]["field"] == "group"
