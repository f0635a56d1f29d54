"""The sensitivity section of `gdindex report --with sensitivity`.

Two charts (altair, rendered to SVG like `gdindex.report.charts`) and their words:
- the rank intervals: units sorted by nominal rank, a bar from the 5 % to the 95 %
  quantile of their rank over the runs, the median rank as a dot and the nominal
  rank as a diamond;
- the Sobol indices (sobol only): each input's first-order and total index with
  its 5–95 % bootstrap interval, and a table and sentences saying what share of the
  rank uncertainty each input explains.

It formats a `SensitivityResult`; it computes nothing.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from gdindex.analysis.sensitivity import SensitivityResult
from gdindex.errors import text_in
from gdindex.report.charts import plots as charts
from gdindex.report.charts.svg import render_into, rendering_beside
from gdindex.report.document import Bullets, Figure, Para, Section, Table
from gdindex.report.sensitivity import explanations, runs_line, title

LABELS = {
    "section": {
        "zh": "排名稳健性（不确定性与敏感性分析）",
        "en": "How far the ranks can be trusted",
    },
    "rank": {"zh": "排名", "en": "Rank"},
    "median": {"zh": "中位数", "en": "Median"},
    "nominal": {"zh": "名义排名", "en": "Nominal"},
    "marker": {"zh": "标记", "en": "Marker"},
    "interval": {"zh": "5%–95% 区间", "en": "5–95 % interval"},
    "ranks_caption": {
        "zh": "各地区在全部运行中的排名：横条为 5%–95% 区间，圆点为中位数，"
        "菱形为名义排名。",
        "en": "Each unit's rank over the runs: bars span the 5–95 % quantiles, dots "
        "mark the median, diamonds the nominal rank.",
    },
    "index": {"zh": "指数", "en": "Index"},
    "value": {"zh": "Sobol 指数", "en": "Sobol index"},
    "input": {"zh": "输入", "en": "Input"},
    "S1": {"zh": "一阶 S1", "en": "First order S1"},
    "ST": {"zh": "总效应 ST", "en": "Total ST"},
    "sobol_caption": {
        "zh": "各不确定输入对平均排名绝对变动的 Sobol 指数，误差线为 5%–95% 自助区间。",
        "en": "Sobol indices of each uncertain input for the mean |rank change|, with "
        "5–95 % bootstrap intervals.",
    },
    "share": {"zh": "占比", "en": "Share"},
}


def _t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def _names(result: SensitivityResult, lang: str) -> dict[str, str]:
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    if result.units is None:
        return {}
    return {
        row["unit"]: row.get(first) or row.get(second) or row["unit"]
        for row in result.units.iter_rows(named=True)
    }


def rank_interval_chart(result: SensitivityResult, lang: str = "zh") -> Any:
    """Units by nominal rank: 5–95 % bars, median dots, nominal diamonds."""
    names = _names(result, lang)
    stats = result.rank_stats.filter(pl.col("nominal").is_not_null()).sort("nominal")
    data = stats.with_columns(
        name=pl.col("unit").replace_strict(names, default=pl.col("unit"))
    )
    order = data["name"].to_list()
    y = alt.Y("name:N", sort=order, title=None)
    n_units = max(1, data.height)
    x_scale = alt.Scale(domain=[1, n_units], nice=False)
    bars = (
        alt.Chart(data)
        .mark_bar(height={"band": 0.55}, color="#c6d5e6")
        .encode(
            y=y,
            x=alt.X("q05:Q", title=_t("rank", lang), scale=x_scale),
            x2="q95:Q",
        )
    )
    marks = data.select("name", "median", "nominal").unpivot(
        ["median", "nominal"], index="name", variable_name="marker", value_name="rank"
    )
    marks = marks.with_columns(
        marker=pl.col("marker").replace_strict(
            {"median": _t("median", lang), "nominal": _t("nominal", lang)}
        )
    )
    domain = [_t("median", lang), _t("nominal", lang)]
    points = (
        alt.Chart(marks)
        .mark_point(filled=True, size=55)
        .encode(
            y=y,
            x=alt.X("rank:Q", scale=x_scale),
            color=alt.Color(
                "marker:N",
                title=_t("marker", lang),
                scale=alt.Scale(domain=domain, range=[charts.PALETTE[0], "#e15759"]),
            ),
            shape=alt.Shape(
                "marker:N",
                title=_t("marker", lang),
                scale=alt.Scale(domain=domain, range=["circle", "diamond"]),
            ),
        )
    )
    chart = (bars + points).properties(width=620, height={"step": 18})
    return charts._style(chart, title(result, lang))


def sobol_chart(result: SensitivityResult, lang: str = "zh") -> Any:
    """Grouped bars of S1 and ST per input, with their 5–95 % intervals."""
    assert result.indices is not None
    idx = result.indices
    rows = []
    for key in ("S1", "ST"):
        rows.append(
            idx.select(
                pl.col("input"),
                pl.lit(_t(key, lang)).alias("index"),
                pl.col(key).alias("value"),
                pl.col(f"{key}_q05").alias("lo"),
                pl.col(f"{key}_q95").alias("hi"),
            )
        )
    data = pl.concat(rows)
    domain = [_t("S1", lang), _t("ST", lang)]
    colour = alt.Color(
        "index:N",
        title=_t("index", lang),
        scale=alt.Scale(domain=domain, range=[charts.PALETTE[0], charts.PALETTE[1]]),
    )
    base = alt.Chart(data).encode(
        y=alt.Y("input:N", sort=idx["input"].to_list(), title=_t("input", lang)),
        yOffset=alt.YOffset("index:N", sort=domain),
    )
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=_t("value", lang)), color=colour
    )
    errors = base.mark_rule(color="#333").encode(x="lo:Q", x2="hi:Q")
    chart = (bars + errors).properties(width=560, height={"step": 16})
    return charts._style(chart, _t("value", lang))


def _figure(name: str, kind: str, caption: str, chart: Any) -> Figure:
    figure = Figure(name=name, kind=kind, caption=caption, svg="")
    render_into(chart, name, figure)
    return figure


def sensitivity_section(result: SensitivityResult, lang: str = "zh") -> Section:
    """The report section: the runs, the rank-interval chart, and for sobol the
    indices chart, table and sentences."""
    with rendering_beside():  # its charts render in the process beside this one
        return _sensitivity_section(result, lang)


def _sensitivity_section(result: SensitivityResult, lang: str) -> Section:
    blocks: list[Any] = [Para(f"{title(result, lang)}. {runs_line(result, lang)}")]
    if result.failed:
        blocks.append(
            Bullets(
                [
                    f"{text_in(reason, lang)} ({count})"
                    for reason, count in result.failed.items()
                ]
            )
        )
    blocks.append(
        _figure(
            "sensitivity-ranks",
            "sensitivity-ranks",
            _t("ranks_caption", lang),
            rank_interval_chart(result, lang),
        )
    )
    if result.indices is not None:
        blocks.append(
            _figure(
                "sensitivity-sobol",
                "sensitivity-sobol",
                _t("sobol_caption", lang),
                sobol_chart(result, lang),
            )
        )
        table_rows: list[list[Any]] = []
        for row in result.indices.iter_rows(named=True):
            table_rows.append(
                [
                    row["input"],
                    _interval(row["S1"], row["S1_q05"], row["S1_q95"]),
                    _interval(row["ST"], row["ST_q05"], row["ST_q95"]),
                ]
            )
        blocks.append(
            Table(
                header=[_t("input", lang), _t("S1", lang), _t("ST", lang)],
                rows=table_rows,
                numeric=[False, True, True],
            )
        )
        blocks.append(Bullets(explanations(result, lang)))
    if result.notes:
        blocks.append(Bullets([text_in(note, lang) for note in result.notes]))
    return Section("sensitivity", _t("section", lang), blocks)


def _interval(value: Any, lo: Any, hi: Any) -> str:
    def f(v: Any) -> str:
        return "–" if v is None else f"{v:.2f}"

    return f"{f(value)} [{f(lo)}, {f(hi)}]"
