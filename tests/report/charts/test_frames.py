"""What the charts select from a result: the domain of a score axis."""

from __future__ import annotations

from gdindex.report.charts import frames


def test_score_domain() -> None:
    import polars as pl

    assert frames._score_domain(pl.Series([3.0, 97.0])) == (0.0, 100.0)
    assert frames._score_domain(pl.Series([-1.5, 2.0])) == (-1.5, 2.0)
    assert frames._score_domain(pl.Series([120.0, 120.0])) == (119.0, 121.0)
