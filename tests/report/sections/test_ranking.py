"""The ranking section: its table's columns with and without growth."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.sections import ranking
from gdindex.report.sections.view import View
from tests.report.conftest import tables


def test_ranking_table_columns(tiny: IndexResult) -> None:
    section = ranking._ranking_section(View(tiny, 2022, "en"))
    [table] = tables(section)

    assert table.header == [
        "Rank",
        "Rank Δ",
        "Unit",
        "Index",
        "Change",
        "Growth %",
        "P1",
        "P2",
        "Quadrant",
    ]
    assert len(table.rows) == 3
    assert [f.kind for f in section.blocks if hasattr(f, "kind")] == ["ranking"]


def test_first_period_ranking_has_no_growth_columns(tiny: IndexResult) -> None:
    [table] = tables(ranking._ranking_section(View(tiny, 2021, "en")))

    assert table.header == ["Rank", "Unit", "Index", "P1", "P2"]
