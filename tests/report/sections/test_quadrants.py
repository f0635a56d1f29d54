"""The level × growth quadrant section: a note in the first period, the chart and
the members of each quadrant later."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.document import Figure, Para
from gdindex.report.sections import quadrants
from gdindex.report.sections.view import View
from tests.report.conftest import tables, text


def test_first_period_has_only_a_note(tiny: IndexResult) -> None:
    section = quadrants._quadrant_section(View(tiny, 2021, "en"))

    [note] = section.blocks
    assert isinstance(note, Para) and "first period" in note.text


def test_members_of_each_quadrant_in_rank_order(tiny: IndexResult) -> None:
    section = quadrants._quadrant_section(View(tiny, 2022, "en"))

    assert [f.kind for f in section.blocks if isinstance(f, Figure)] == ["quadrant"]
    [table] = tables(section)
    assert [[text(c) for c in row] for row in table.rows] == [
        ["Leader", "1", "Gamma"],
        ["Dark horse", "1", "Alpha"],
        ["Steady", "1", "Beta"],
        ["Lagging", "0", ""],
    ]
