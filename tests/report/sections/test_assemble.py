"""The whole report document: its sections in order, its title and subtitle."""

from __future__ import annotations

import polars as pl

import gdindex
from gdindex.pipeline import IndexResult
from gdindex.report.sections.assemble import report_document
from gdindex.report.sections.view import View
from tests.conftest import make_spec


def test_sections_in_order_with_title_and_subtitle(tiny: IndexResult) -> None:
    doc = report_document(View(tiny, 2022, "en"), {"gdindex_version": "0"})

    assert [s.anchor for s in doc.sections] == [
        "method",
        "ranking",
        "pillars",
        "quadrants",
        "trend",
        "groups",
        "profiles",
        "notes",
        "manifest",
    ]
    assert doc.title == "Tiny index · 2022" and doc.lang == "en"
    assert doc.subtitle.startswith("Report for 2022 · 3 units · 2 pillars")


def test_no_groups_section_without_groupings() -> None:
    spec = make_spec(["a", "b"])
    frame = pl.DataFrame(
        {"unit": ["x", "y"], "period": [1, 1], "a": [1.0, 2], "b": [4.0, 3]}
    )
    plain = gdindex.compute(spec, data=frame)

    doc = report_document(View(plain, 1, "zh"), {})

    assert "groups" not in [s.anchor for s in doc.sections]
