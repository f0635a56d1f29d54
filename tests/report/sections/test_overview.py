"""The method section: the indicator tree table."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.sections import overview
from gdindex.report.sections.view import View


def test_tree_table_has_one_row_per_node(tiny: IndexResult) -> None:
    table = overview._tree_table(View(tiny, 2022, "zh"))

    assert [r[1] for r in table.rows] == [n.id for n in tiny.nodes]
    weights = {r[1]: r[2] for r in table.rows}
    assert weights["p1"] == "0.6667" and weights["p2"] == "0.3333"
    directions = {r[1]: r[5] for r in table.rows}
    assert directions["i4"] == "↓" and directions["i1"] == "↑"
