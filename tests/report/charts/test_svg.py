"""Static SVG of the charts: byte-stable, ids renamed, every chart renders."""

from __future__ import annotations

import re

from gdindex.pipeline import IndexResult
from gdindex.report.charts import plots
from gdindex.report.charts.svg import _rename_ids, start_renderer, to_svg
from tests.report.conftest import all_charts


def test_to_svg_is_byte_identical_and_renames_ids(guangdong: IndexResult) -> None:
    chart = plots.heatmap_chart(guangdong, 2023)  # a gradient legend has an id

    first = to_svg(chart, "heat")
    again = to_svg(plots.heatmap_chart(guangdong, 2023), "heat")

    assert first == again
    assert first.startswith("<svg")
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(re.fullmatch(r"heat-\d+", i) for i in ids)
    assert all(f"url(#{i})" in first for i in ids)


def test_start_renderer_changes_no_svg(guangdong: IndexResult) -> None:
    before = to_svg(plots.ranking_chart(guangdong, 2023), "rank")

    start_renderer()
    start_renderer()  # again: the engine is already there

    assert to_svg(plots.ranking_chart(guangdong, 2023), "rank") == before


def test_rename_ids_rewrites_references() -> None:
    svg = (
        '<svg><defs><clipPath id="clip7"><rect/></clipPath></defs>'
        '<g clip-path="url(#clip7)"/><use href="#clip7"/></svg>'
    )

    out = _rename_ids(svg, "p")

    assert out == (
        '<svg><defs><clipPath id="p-1"><rect/></clipPath></defs>'
        '<g clip-path="url(#p-1)"/><use href="#p-1"/></svg>'
    )


def test_quadrant_chart_of_a_first_period_is_empty_but_renders(
    tiny: IndexResult,
) -> None:
    chart = plots.quadrant_chart(tiny, tiny.periods[0])

    assert to_svg(chart).startswith("<svg")


def test_tiny_index_charts_render(tiny: IndexResult) -> None:
    for name, chart in all_charts(tiny, "en").items():
        svg = to_svg(chart, name)

        assert svg.startswith("<svg") and "</svg>" in svg
