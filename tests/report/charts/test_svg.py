"""Static SVG of the charts: byte-stable, ids renamed, every chart renders."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from gdindex.pipeline import IndexResult
from gdindex.report.charts import plots, svg
from gdindex.report.charts.svg import (
    _rename_ids,
    render_into,
    rendering_beside,
    start_renderer,
    to_svg,
)
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


@dataclass
class Target:
    svg: str = ""


def test_rendering_beside_gives_to_svg_s_bytes_in_order(guangdong: IndexResult) -> None:
    charts = {
        "rank": plots.ranking_chart(guangdong, 2023),
        "heat": plots.heatmap_chart(guangdong, 2023),  # ids renamed as to_svg's
        "trend": plots.trend_chart(guangdong),
    }
    targets = {name: Target() for name in charts}

    start_renderer()
    with rendering_beside():
        for name, chart in charts.items():
            render_into(chart, name, targets[name])
        assert all(t.svg == "" for t in targets.values())  # not yet

    for name, chart in charts.items():
        assert targets[name].svg == to_svg(chart, name)


def test_render_into_outside_a_block_renders_at_once(guangdong: IndexResult) -> None:
    target = Target()
    chart = plots.ranking_chart(guangdong, 2023)

    render_into(chart, "rank", target)

    assert target.svg == to_svg(chart, "rank")


def test_without_the_process_charts_render_here(
    guangdong: IndexResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    svg.stop_renderer()
    monkeypatch.setattr(svg, "start_renderer", lambda: None)
    target = Target()
    chart = plots.heatmap_chart(guangdong, 2023)

    with rendering_beside():
        render_into(chart, "heat", target)

    assert target.svg == to_svg(chart, "heat")


def test_a_process_that_dies_leaves_its_charts_to_this_one(
    guangdong: IndexResult,
) -> None:
    chart = plots.heatmap_chart(guangdong, 2023)
    targets = [Target(), Target()]

    start_renderer()
    with rendering_beside():
        render_into(chart, "a", targets[0])
        assert svg._renderer is not None
        svg._renderer._process.kill()
        render_into(chart, "b", targets[1])

    assert [t.svg for t in targets] == [to_svg(chart, "a"), to_svg(chart, "b")]
    svg.stop_renderer()


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
