"""The charts of the report as Vega-Lite (altair) specs: ranking bars, pillar
heatmap, level × growth quadrants, trend small multiples, group comparison and unit
profile, with the look they share (fonts with CJK first, palette, labels).

Every chart function takes an `IndexResult` and returns an altair chart built from
the result's frames; nothing is computed here beyond selecting, sorting and the
medians that the charts draw. Rendering to SVG is `gdindex.report.charts.svg`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from gdindex.methods.growth import QUADRANTS
from gdindex.pipeline import IndexResult
from gdindex.report.charts.frames import (
    _group_domain,
    _score_domain,
    groupings,
    node_name,
    period_scores,
    pillar_nodes,
    ranked_units,
    unit_names,
)
from gdindex.report.charts.placement import (
    MULTILINE,
    place_labels,
    text_width,
    wrap_label,
)
from gdindex.spec import GroupSpec, Period

FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    "sans-serif"
)
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
QUADRANT_COLOURS = {
    "leader": "#2e7d32",
    "dark_horse": "#ef6c00",
    "steady": "#1565c0",
    "lagging": "#8d8d8d",
}
LABELS = {
    "score": {"zh": "得分", "en": "Score"},
    "growth": {"zh": "增速（%）", "en": "Growth (%)"},
    "change": {"zh": "得分变化", "en": "Score change"},
    "period": {"zh": "时期", "en": "Period"},
    "median": {"zh": "中位数", "en": "Median"},
    "range": {"zh": "最低—最高", "en": "Min–max"},
    "unit": {"zh": "地区", "en": "Unit"},
    "node": {"zh": "指标", "en": "Node"},
    "group": {"zh": "分组", "en": "Group"},
    "quadrant": {"zh": "象限", "en": "Quadrant"},
    "this": {"zh": "本地区", "en": "This unit"},
    "units": {"zh": "地区数", "en": "Units"},
}


def _t(key: str, lang: str) -> str:
    return LABELS[key][lang]


def _colour_range(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def chart_config() -> Any:
    """Fonts (CJK first) and the plain look shared by every chart."""
    return alt.Config(
        font=FONT,
        background="white",
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=11, titleFontSize=11, gridColor="#e6e6e6"),
        legend=alt.LegendConfig(labelFontSize=11, titleFontSize=11, orient="bottom"),
        title=alt.TitleConfig(fontSize=14, fontWeight="bold"),
    )


def _style(chart: Any, title: str | None = None) -> Any:
    """Set the shared config (and a title) on a chart built here.

    The config is assigned, not added with `configure_*`: each of those copies the
    whole chart, which costs more than rendering a small one.
    """
    if title is not None:
        chart.title = alt.TitleParams(title, anchor="start")
    chart.config = _shared_config()
    return chart


@functools.cache
def _shared_config() -> Any:
    """`chart_config()`, made once for every chart: making it validates each of its
    parts, and a chart's `to_dict` reads it without changing it."""
    return chart_config()


def _fmt_period(period: Period) -> str:
    return str(period)


def ranking_chart(
    result: IndexResult,
    period: Period,
    lang: str = "zh",
    units: Sequence[str] | None = None,
) -> Any:
    """Horizontal bars of the index score, ranked, coloured by the first grouping
    (only `units`, when given: a large report's top and bottom)."""
    root = result.nodes[0]
    names = unit_names(result, lang)
    order = ranked_units(result, period)
    frame = period_scores(result, period, [root.id]).filter(
        pl.col("score").is_not_null()
    )
    if units is not None:
        frame = frame.filter(pl.col("unit").is_in(list(units)))
    groups = groupings(result)
    label_of: dict[str, str] = {}
    domain: list[str] = []
    if groups:
        g = groups[0]
        col = f"group:{g.column}"
        raw = dict(zip(result.units["unit"], result.units[col], strict=True))
        label_of = {u: g.label(v, lang) if v else "—" for u, v in raw.items()}
        domain = _group_domain(g, list(raw.values()), lang)
    data = frame.with_columns(
        name=pl.col("unit").replace_strict(names, return_dtype=pl.String),
        group=pl.col("unit").replace_strict(
            label_of, default="", return_dtype=pl.String
        ),
        label=pl.col("score").round(1).cast(pl.String),
    )
    sort = [names[u] for u in order if u in set(data["unit"].to_list())]
    y = alt.Y("name:N", sort=sort, title=None)
    x = alt.X("score:Q", title=f"{node_name(root, lang)} · {_t('score', lang)}")
    colour: Any = (
        alt.Color(
            "group:N",
            title=groups[0].title(lang),
            scale=alt.Scale(domain=domain, range=_colour_range(len(domain))),
        )
        if groups
        else alt.value(PALETTE[0])
    )
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height={"band": 0.75}).encode(x=x, color=colour)
    text = base.mark_text(align="left", dx=3, fontSize=10, color="#333").encode(
        x="score:Q", text="label:N"
    )
    chart = (bars + text).properties(width=660, height={"step": 20})
    return _style(chart, f"{result.spec.name.get(lang)} · {_fmt_period(period)}")


def heatmap_chart(
    result: IndexResult,
    period: Period,
    lang: str = "zh",
    units: Sequence[str] | None = None,
) -> Any:
    """Cities × (index and pillars) coloured by score, cities in rank order (only
    `units`, when given)."""
    root = result.nodes[0]
    nodes = [root, *pillar_nodes(result)]
    names = unit_names(result, lang)
    labels = {n.id: node_name(n, lang) for n in nodes}
    step = max(118, math.ceil(max(text_width(t, 11.0) for t in labels.values()) + 16))
    data = (
        period_scores(result, period, [n.id for n in nodes])
        .filter(pl.col("score").is_not_null())
        .with_columns(
            name=pl.col("unit").replace_strict(names, return_dtype=pl.String),
            column=pl.col("node").replace_strict(labels, return_dtype=pl.String),
            label=pl.col("score").round(1).cast(pl.String),
        )
    )
    if units is not None:
        data = data.filter(pl.col("unit").is_in(list(units)))
    lo, hi = _score_domain(data["score"])
    mid = lo + (hi - lo) * 0.6
    shown = set(data["unit"].to_list())
    order = [names[u] for u in ranked_units(result, period) if u in shown]
    y = alt.Y("name:N", sort=order, title=None)
    x = alt.X(
        "column:N",
        sort=[labels[n.id] for n in nodes],
        title=None,
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    base = alt.Chart(data).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "score:Q",
            title=_t("score", lang),
            scale=alt.Scale(scheme="blues", domain=[lo, hi]),
            legend=alt.Legend(orient="right", gradientLength=160),
        )
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition(
            f"datum.score > {mid!r}", alt.value("white"), alt.value("#222")
        ),
    )
    chart = (rect + text).properties(width={"step": step}, height={"step": 21})
    return _style(chart)


def _padded(lo: float, hi: float, share: float = 0.08) -> tuple[float, float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - span * share, hi + span * share


def quadrant_chart(
    result: IndexResult,
    period: Period,
    lang: str = "zh",
    labelled: Sequence[str] | None = None,
) -> Any:
    """Level × growth scatter of the index in `period`, with labelled units (only
    `labelled`, when given: placing 3,000 labels is quadratic and unreadable), the
    median lines and the four quadrants (双高 / 黑马 / 稳健 / 追赶). Growth is the
    growth % or the score change, as the spec's `quadrant.growth` says."""
    root = result.nodes[0]
    names = unit_names(result, lang)
    axis = "change" if result.spec.quadrant.growth == "change" else "growth"
    quads = result.quadrants.filter(
        (pl.col("period") == period) & (pl.col("node") == root.id)
    ).with_columns(  # the chart's y is `growth_pct`, whichever axis it shows
        growth_pct=pl.col("change" if axis == "change" else "growth_pct")
    )
    W, H, size = 820.0, 480.0, 11.5
    if quads.height == 0:
        empty = pl.DataFrame({"score": [], "growth_pct": []})
        return _style(alt.Chart(empty).mark_point().properties(width=W, height=H))
    ms = float(quads["score"].median())  # type: ignore[arg-type]
    mg = float(quads["growth_pct"].median())  # type: ignore[arg-type]
    x0, x1 = _padded(float(quads["score"].min()), float(quads["score"].max()))  # type: ignore[arg-type]
    y0, y1 = _padded(
        float(quads["growth_pct"].min()),  # type: ignore[arg-type]
        float(quads["growth_pct"].max()),  # type: ignore[arg-type]
        0.12,
    )

    def px(x: float) -> float:
        return (x - x0) / (x1 - x0) * W

    def py(y: float) -> float:
        return H - (y - y0) / (y1 - y0) * H

    rows = quads.with_columns(
        name=pl.col("unit").replace_strict(names, return_dtype=pl.String),
        label=pl.col("quadrant").replace_strict(
            {k: v[lang] for k, v in QUADRANTS.items()}, return_dtype=pl.String
        ),
    ).sort("score", descending=True)
    dots = rows
    if labelled is not None:
        rows = rows.filter(pl.col("unit").is_in(list(labelled)))
    pts = [
        (px(r["score"]), py(r["growth_pct"]), r["name"])
        for r in rows.iter_rows(named=True)
    ]
    rules = [(px(ms) - 1, 0.0, px(ms) + 1, H), (0.0, py(mg) - 1, W, py(mg) + 1)]
    placed = place_labels(pts, W, H, size, lines=rules)
    labels = rows.with_columns(
        lx=pl.Series([x0 + p[0] / W * (x1 - x0) for p in placed]),
        ly=pl.Series([y0 + (H - p[1]) / H * (y1 - y0) for p in placed]),
        moved=pl.Series([p[3] for p in placed]),
    )
    xs = alt.Scale(domain=[x0, x1], nice=False, zero=False)
    ys = alt.Scale(domain=[y0, y1], nice=False, zero=False)
    x_title = f"{node_name(root, lang)} · {_t('score', lang)}"
    domain = [v[lang] for v in QUADRANTS.values()]
    colour = alt.Color(
        "label:N",
        title=_t("quadrant", lang),
        scale=alt.Scale(domain=domain, range=list(QUADRANT_COLOURS.values())),
    )
    points = (
        alt.Chart(labels if labelled is None else dots)
        .mark_circle(
            size=64 if labelled is None else 16,
            opacity=0.9 if labelled is None else 0.5,
            stroke="white",
            strokeWidth=1 if labelled is None else 0,
        )
        .encode(
            x=alt.X("score:Q", scale=xs, title=x_title),
            y=alt.Y("growth_pct:Q", scale=ys, title=_t(axis, lang)),
            color=colour,
        )
    )
    leaders = (
        alt.Chart(labels.filter(pl.col("moved")))
        .mark_rule(color="#9e9e9e", strokeWidth=0.7)
        .encode(x="score:Q", y="growth_pct:Q", x2="lx:Q", y2="ly:Q")
    )
    text = (
        alt.Chart(labels)
        .mark_text(align="left", baseline="middle", fontSize=size, color="#222")
        .encode(x=alt.X("lx:Q", scale=xs), y=alt.Y("ly:Q", scale=ys), text="name:N")
    )
    medians = pl.DataFrame({"score": [ms], "growth_pct": [mg]})
    vline = (
        alt.Chart(medians)
        .mark_rule(strokeDash=[5, 4], color="#555")
        .encode(x=alt.X("score:Q", scale=xs))
    )
    hline = (
        alt.Chart(medians)
        .mark_rule(strokeDash=[5, 4], color="#555")
        .encode(y=alt.Y("growth_pct:Q", scale=ys))
    )
    pad_x, pad_y = (x1 - x0) * 0.01, (y1 - y0) * 0.02
    places: list[tuple[str, float, float, Any, Any]] = [
        ("leader", x1 - pad_x, y1 - pad_y, "right", "top"),
        ("dark_horse", x0 + pad_x, y1 - pad_y, "left", "top"),
        ("steady", x1 - pad_x, y0 + pad_y, "right", "bottom"),
        ("lagging", x0 + pad_x, y0 + pad_y, "left", "bottom"),
    ]
    corner_layers = [
        alt.Chart(pl.DataFrame({"x": [x], "y": [y], "text": [QUADRANTS[k][lang]]}))
        .mark_text(align=a, baseline=b, fontSize=13, fontWeight="bold", opacity=0.55)
        .encode(
            x=alt.X("x:Q", scale=xs),
            y=alt.Y("y:Q", scale=ys),
            text="text:N",
            color=alt.value(QUADRANT_COLOURS[k]),
        )
        for k, x, y, a, b in places
    ]
    note = pl.DataFrame(
        {
            "x": [ms, x1 - pad_x],
            "y": [y0 + pad_y * 6, mg],
            "text": [
                # as many digits as the tables, so that a unit on the line is
                # seen to be on it (medians count as above: quadrants.csv)
                f"{_t('median', lang)} {ms:.2f}",
                f"{_t('median', lang)} {mg:+.2f}%",
            ],
        }
    )
    notes = (
        alt.Chart(note)
        .mark_text(align="right", baseline="bottom", dx=-3, dy=-2, fontSize=10)
        .encode(
            x=alt.X("x:Q", scale=xs),
            y=alt.Y("y:Q", scale=ys),
            text="text:N",
            color=alt.value("#555"),
        )
    )
    chart = alt.layer(
        *corner_layers, vline, hline, notes, leaders, points, text
    ).properties(width=W, height=H)
    return _style(chart)


def trend_chart(
    result: IndexResult,
    lang: str = "zh",
    columns: int = 7,
    units: Sequence[str] | None = None,
) -> Any:
    """Small multiples: each unit's index over the periods, against the median and
    the min–max band of all units (units in the latest period's rank order; only
    `units`, when given).

    Each panel has its own y scale, fitted to the unit's scores (a fixed 0–100 axis
    flattens the lower units): the band is cut to the panel, and the median is drawn
    only where it falls inside it."""
    root = result.nodes[0]
    names = unit_names(result, lang)
    idx = result.scores.filter(pl.col("node") == root.id).select(
        "unit", "period", "score"
    )
    stats = idx.group_by("period").agg(
        median=pl.col("score").median(),
        lo=pl.col("score").min(),
        hi=pl.col("score").max(),
    )
    own = idx.group_by("unit").agg(
        umin=pl.col("score").min(), umax=pl.col("score").max()
    )
    pad = pl.max_horizontal((pl.col("umax") - pl.col("umin")) * 0.25, pl.lit(1.0))
    data = (
        idx.join(stats, on="period", how="left")
        .join(own, on="unit", how="left")
        .with_columns(w_lo=pl.col("umin") - pad, w_hi=pl.col("umax") + pad)
        .with_columns(
            lo=pl.col("lo").clip(pl.col("w_lo"), pl.col("w_hi")),
            hi=pl.col("hi").clip(pl.col("w_lo"), pl.col("w_hi")),
            median=pl.when(
                pl.col("median").is_between(pl.col("w_lo"), pl.col("w_hi"))
            ).then(pl.col("median")),
            name=pl.col("unit").replace_strict(names, return_dtype=pl.String),
            p=pl.col("period").cast(pl.String),
        )
        .drop("umin", "umax", "w_lo", "w_hi")
        .sort("unit", "period")
    )
    if units is not None:
        data = data.filter(pl.col("unit").is_in(list(units)))
    shown = set(data["unit"].to_list())
    order = [names[u] for u in ranked_units(result, result.latest_period) if u in shown]
    periods = [_fmt_period(p) for p in result.periods]
    x = alt.X("p:O", sort=periods, title=None, axis=alt.Axis(labelAngle=0))
    ys = alt.Scale(zero=False, nice=False)
    axis = alt.Axis(tickCount=3)
    base = alt.Chart().encode(x=x)
    band = base.mark_area(color="#e3e8ef").encode(
        y=alt.Y("lo:Q", scale=ys, axis=axis, title=None), y2="hi:Q"
    )
    median = base.mark_line(strokeDash=[4, 3], color="#777", strokeWidth=1).encode(
        y=alt.Y("median:Q", scale=ys)
    )
    line = base.mark_line(
        color=PALETTE[0], strokeWidth=2, point=alt.OverlayMarkDef(size=22)
    ).encode(y=alt.Y("score:Q", scale=ys))
    chart = (
        alt.layer(band, median, line, data=data)
        .properties(width=124, height=84)
        .facet(
            facet=alt.Facet(
                "name:N",
                sort=order,
                title=None,
                header=alt.Header(labelFontSize=12, labelFontWeight="bold"),
            ),
            columns=columns,
            spacing={"row": 12, "column": 16},
        )
        .resolve_scale(y="independent")
    )
    return _style(chart)


def group_chart(
    result: IndexResult, grouping: GroupSpec, period: Period, lang: str = "zh"
) -> Any:
    """One grouping: mean index and pillar scores per group in `period` (bars) and
    each group's mean index over the periods (lines)."""
    root = result.nodes[0]
    nodes = [root, *pillar_nodes(result)]
    width = 440
    labels = {
        n.id: wrap_label(node_name(n, lang), width / len(nodes) - 8) for n in nodes
    }
    rows = result.groups.filter(pl.col("group_by") == grouping.column)
    values = rows["group"].to_list()
    domain = _group_domain(grouping, values, lang)
    colour = alt.Color(
        "label:N",
        title=grouping.title(lang),
        scale=alt.Scale(domain=domain, range=_colour_range(len(domain))),
    )
    label_map = {v: grouping.label(v, lang) for v in set(values)}
    data = rows.with_columns(
        label=pl.col("group").replace_strict(label_map, return_dtype=pl.String),
        p=pl.col("period").cast(pl.String),
    )
    now = data.filter(
        (pl.col("period") == period) & pl.col("node").is_in(list(labels))
    ).with_columns(
        column=pl.col("node").replace_strict(labels, return_dtype=pl.String),
        text=pl.col("score").round(1).cast(pl.String),
    )
    x = alt.X(
        "column:N",
        sort=[labels[n.id] for n in nodes],
        title=None,
        axis=alt.Axis(labelAngle=0, labelExpr=MULTILINE),
    )
    bars = (
        alt.Chart(now)
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("label:N", sort=domain),
            y=alt.Y("score:Q", title=_t("score", lang)),
            color=colour,
        )
        .properties(width=width, height=200, title=_fmt_period(period))
    )
    periods = [_fmt_period(p) for p in result.periods]
    trend = (
        alt.Chart(data.filter(pl.col("node") == root.id))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("p:O", sort=periods, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", title=node_name(root, lang)),
            color=colour,
        )
        .properties(width=220, height=200, title=node_name(root, lang))
    )
    chart = alt.hconcat(bars, trend, spacing=30).resolve_scale(color="shared")
    return _style(chart)


def profile_chart(
    result: IndexResult,
    unit: str,
    period: Period,
    lang: str = "zh",
    history: int = 5,
    reference: dict[str, float | None] | None = None,
) -> Any:
    """One unit: its index and pillar scores in the last `history` periods up to
    `period` (bars from light to dark, the darkest is `period`), with the median of
    all units in `period` (red ticks) — or `reference`, a score per node (the
    report's profiles pass `explain`'s: the median unit's scores).

    Kept light on text (no legend, no value labels: the report's tables beside it
    carry the numbers) because every label costs a font measurement."""
    root = result.nodes[0]
    nodes = [root, *pillar_nodes(result)]
    labels = {n.id: node_name(n, lang) for n in nodes}
    upto = result.periods[: result.periods.index(period) + 1][-history:]
    names = [_fmt_period(p) for p in upto]
    scores = result.scores.filter(
        pl.col("node").is_in(list(labels)) & pl.col("period").is_in(upto)
    ).select("unit", "period", "node", "score")
    now = scores.filter(pl.col("period") == period)
    medians = (
        now.group_by("node").agg(median=pl.col("score").median())
        if reference is None
        else pl.DataFrame(
            {"node": list(reference), "median": list(reference.values())},
            schema={"node": pl.String, "median": pl.Float64},
        )
    )
    mine = (
        scores.filter(pl.col("unit") == unit)
        .join(medians, on="node", how="left")
        .with_columns(
            column=pl.col("node").replace_strict(labels, return_dtype=pl.String),
            p=pl.col("period").cast(pl.String),
        )
        .sort("node", "period")
    )
    lo, hi = _score_domain(scores["score"].drop_nulls())
    xs = alt.Scale(domain=[min(lo, 0.0), hi], nice=False)
    y = alt.Y("column:N", sort=[labels[n.id] for n in nodes], title=None)
    shades = _shades(len(names))
    bars = (
        alt.Chart(mine)
        .mark_bar(height={"band": 0.8})
        .encode(
            y=y,
            yOffset=alt.YOffset("p:N", sort=names),
            x=alt.X(
                "score:Q",
                scale=xs,
                title=None,
                axis=alt.Axis(tickCount=3, grid=True),
            ),
            color=alt.Color(
                "p:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=shades),
                legend=None,
            ),
        )
    )
    latest = mine.filter(pl.col("period") == period)
    ticks = (
        alt.Chart(latest)
        .mark_tick(color="#d62728", thickness=2.5, size=26)
        .encode(y=y, x=alt.X("median:Q", scale=xs))
    )
    chart = alt.layer(bars, ticks)
    # set, not `properties()`: that validates each value, a cost 21 profiles repeat
    chart.width, chart.height = 300, 34 * len(nodes)
    return _style(chart)


def _shades(n: int) -> list[str]:
    """`n` blues from light (oldest) to dark (latest)."""
    ramp = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
    return ramp[len(ramp) - n :] if n <= len(ramp) else ramp
