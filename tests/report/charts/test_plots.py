"""Charts: valid Vega-Lite from altair, data inline, units in rank order, labels
in the report's language."""

from __future__ import annotations

from gdindex.pipeline import IndexResult
from gdindex.report.charts import plots
from tests.report.conftest import all_charts


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
    spec = plots.ranking_chart(guangdong, 2023).to_dict()

    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order[:3] == ["深圳", "广州", "佛山"]
    assert len(order) == 21


def test_labels_follow_the_language(guangdong: IndexResult) -> None:
    zh = str(plots.heatmap_chart(guangdong, 2023, "zh").to_dict())
    en = str(plots.heatmap_chart(guangdong, 2023, "en").to_dict())

    assert "深圳" in zh and "基础" in zh
    assert "Shenzhen" in en and "Infrastructure" in en and "深圳" not in en


def test_trend_panels_are_scaled_to_their_own_data(guangdong: IndexResult) -> None:
    spec = plots.trend_chart(guangdong).to_dict(validate=False)

    assert spec["resolve"]["scale"]["y"] == "independent"
    rows = next(iter(spec["datasets"].values()))
    low = [r for r in rows if r["unit"] == "441500"]  # 汕尾, the lowest
    top = max(r["score"] for r in low)
    assert all(r["hi"] <= top + max(0.25 * top, 1.0) + 1e-9 for r in low)


def test_quadrant_median_labels_print_two_decimals(guangdong: IndexResult) -> None:
    text = str(plots.quadrant_chart(guangdong, 2023).to_dict(validate=False))

    quads = guangdong.quadrants.filter(
        (guangdong.quadrants["period"] == 2023)
        & (guangdong.quadrants["node"] == guangdong.nodes[0].id)
    )
    assert f"中位数 {quads['score'].median():.2f}" in text
    assert f"中位数 {quads['growth_pct'].median():+.2f}%" in text
