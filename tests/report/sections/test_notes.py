"""The data notes section."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.sections import notes
from gdindex.report.sections.view import View
from tests.report.conftest import tables


def test_notes_without_preparation_say_so(tiny: IndexResult) -> None:
    section = notes._notes_section(View(tiny, 2022, "en"))

    assert "No data preparation" in section.blocks[0].text  # type: ignore[union-attr]
    missing = tables(section)[-1]
    assert [r[2] for r in missing.rows] == ["1", "0"]  # B's i3 in 2021
