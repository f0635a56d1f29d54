"""The group comparison section."""

from __future__ import annotations

import polars as pl

import gdindex
from gdindex.pipeline import IndexResult
from gdindex.report.sections import groups
from gdindex.report.sections.view import View
from tests.conftest import make_spec
from tests.report.conftest import tables, text


def test_groups_section_needs_groupings(tiny: IndexResult) -> None:
    spec = make_spec(["a", "b"])
    frame = pl.DataFrame(
        {
            "unit": ["x", "y", "x", "y"],
            "period": [1, 1, 2, 2],
            "a": [1.0, 2, 3, 4],
            "b": [4.0, 3, 2, 1],
        }
    )
    plain = gdindex.compute(spec, data=frame)

    assert groups._group_section(View(plain, 2, "zh")) is None
    grouped = groups._group_section(View(tiny, 2022, "zh"))
    assert grouped is not None
    assert [text(r[0]) for r in tables(grouped)[0].rows] == ["北", "南"]
