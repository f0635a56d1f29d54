"""The trend section: the small multiples and the table of scores by period."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.document import Figure
from gdindex.report.sections import trends
from gdindex.report.sections.view import View
from tests.report.conftest import tables, text


def test_trend_table_has_every_period_and_the_cagr(tiny: IndexResult) -> None:
    section = trends._trend_section(View(tiny, 2021, "en"))

    assert [f.kind for f in section.blocks if isinstance(f, Figure)] == ["trend"]
    [table] = tables(section)
    assert table.header == ["Unit", "2021", "2022", "CAGR %"]
    # the latest period's rank order, whatever the report period
    assert [text(r[0]) for r in table.rows] == ["Gamma 丙城", "Beta 乙城", "Alpha 甲城"]
    assert text(table.rows[0][3]) == "+38.58"
