"""Charts: valid Vega-Lite from altair, static SVG that is byte-stable, labels that
do not collide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gdindex
from gdindex.pipeline import IndexResult
from gdindex.report import charts
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def guangdong() -> IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


@pytest.fixture
def tiny(tiny_spec: Path) -> IndexResult:
    return gdindex.compute(tiny_spec)


def all_charts(result: IndexResult, lang: str = "zh") -> dict[str, object]:
    period = result.latest_period
    found: dict[str, object] = {
        "ranking": charts.ranking_chart(result, period, lang),
        "heatmap": charts.heatmap_chart(result, period, lang),
        "quadrant": charts.quadrant_chart(result, period, lang),
        "trend": charts.trend_chart(result, lang),
        "profile": charts.profile_chart(result, result.units["unit"][0], period, lang),
    }
    for g in charts.groupings(result):
        found[f"group-{g.column}"] = charts.group_chart(result, g, period, lang)
    return found


def test_every_chart_is_a_valid_vega_lite_spec(guangdong: IndexResult) -> None:
    made = all_charts(guangdong)

    assert {"group-prd", "group-region", "group-zone"} <= set(made)
    for chart in made.values():
        spec = chart.to_dict()  # type: ignore[attr-defined]  # validates the schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert spec["config"]["font"].startswith('"Noto Sans CJK SC"')


def test_charts_carry_the_data_inline_and_no_urls(guangdong: IndexResult) -> None:
    for chart in all_charts(guangdong).values():
        text = str(chart.to_dict())  # type: ignore[attr-defined]

        assert "'url':" not in text


def test_ranking_chart_orders_units_by_rank(guangdong: IndexResult) -> None:
    spec = charts.ranking_chart(guangdong, 2023).to_dict()

    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order[:3] == ["深圳", "广州", "佛山"]
    assert len(order) == 21


def test_labels_follow_the_language(guangdong: IndexResult) -> None:
    zh = str(charts.heatmap_chart(guangdong, 2023, "zh").to_dict())
    en = str(charts.heatmap_chart(guangdong, 2023, "en").to_dict())

    assert "深圳" in zh and "基础" in zh
    assert "Shenzhen" in en and "Infrastructure" in en and "深圳" not in en


def test_to_svg_is_byte_identical_and_renames_ids(guangdong: IndexResult) -> None:
    chart = charts.heatmap_chart(guangdong, 2023)  # a gradient legend has an id

    first = charts.to_svg(chart, "heat")
    again = charts.to_svg(charts.heatmap_chart(guangdong, 2023), "heat")

    assert first == again
    assert first.startswith("<svg")
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(re.fullmatch(r"heat-\d+", i) for i in ids)
    assert all(f"url(#{i})" in first for i in ids)


def test_rename_ids_rewrites_references() -> None:
    svg = (
        '<svg><defs><clipPath id="clip7"><rect/></clipPath></defs>'
        '<g clip-path="url(#clip7)"/><use href="#clip7"/></svg>'
    )

    out = charts._rename_ids(svg, "p")

    assert out == (
        '<svg><defs><clipPath id="p-1"><rect/></clipPath></defs>'
        '<g clip-path="url(#p-1)"/><use href="#p-1"/></svg>'
    )


def test_quadrant_chart_of_a_first_period_is_empty_but_renders(
    tiny: IndexResult,
) -> None:
    chart = charts.quadrant_chart(tiny, tiny.periods[0])

    assert charts.to_svg(chart).startswith("<svg")


def test_tiny_index_charts_render(tiny: IndexResult) -> None:
    for name, chart in all_charts(tiny, "en").items():
        svg = charts.to_svg(chart, name)

        assert svg.startswith("<svg") and "</svg>" in svg


def test_place_labels_avoids_overlaps() -> None:
    # Ten points packed in a 40 px square: every label must still get its own box.
    points = [
        (100.0 + (i % 5) * 8, 100.0 + (i // 5) * 8, f"城市{i}") for i in range(10)
    ]

    placed = charts.place_labels(points, 400.0, 300.0, size=11.0)

    boxes = [
        (x, y - 6.6, x + charts.text_width(t, 11.0), y + 6.6)
        for (x, y, _, _), (_, _, t) in zip(placed, points, strict=True)
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 0 or overlap_h <= 0
    assert any(moved for *_, moved in placed)  # some needed a leader line


def test_place_labels_puts_a_lone_label_right_of_its_point() -> None:
    [(x, y, align, moved)] = charts.place_labels([(50.0, 50.0, "A")], 200, 100)

    assert x > 50 and y == 50 and align == "left" and not moved


def test_text_width_counts_cjk_as_full_width() -> None:
    assert charts.text_width("深圳", 10) == 20
    assert 0 < charts.text_width("ab", 10) < 20


def test_score_domain() -> None:
    import polars as pl

    assert charts._score_domain(pl.Series([3.0, 97.0])) == (0.0, 100.0)
    assert charts._score_domain(pl.Series([-1.5, 2.0])) == (-1.5, 2.0)
    assert charts._score_domain(pl.Series([120.0, 120.0])) == (119.0, 121.0)


def test_wrap_label_breaks_at_spaces_within_the_width() -> None:
    assert charts.wrap_label("Innovation & entrepreneurship", 80) == (
        "Innovation &\nentrepreneurship"
    )
    assert charts.wrap_label("基础", 10) == "基础"  # no spaces: never broken
    assert "\\n" in charts.MULTILINE and charts.MULTILINE.startswith("split(")
