"""The distribution chart of a large report: how the index scores of every unit
are spread (a histogram, stacked by the first grouping), for panels too large for
one bar per unit (a county index: ~2,800 units)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from gdindex.pipeline import IndexResult
from gdindex.report.charts.frames import (
    _group_domain,
    _score_domain,
    groupings,
    node_name,
    period_scores,
)
from gdindex.report.charts.plots import PALETTE, _colour_range, _fmt_period, _style, _t
from gdindex.spec import Period

BINS = 40


def distribution_chart(result: IndexResult, period: Period, lang: str = "zh") -> Any:
    """A histogram of the index scores of all units in `period`, in `BINS` equal
    bins over the score range, stacked by the first grouping. The bins are counted
    here, so the chart holds at most `BINS` × groups rows whatever the units."""
    root = result.nodes[0]
    frame = period_scores(result, period, [root.id]).filter(
        pl.col("score").is_not_null() & pl.col("score").is_finite()
    )
    lo, hi = _score_domain(frame["score"])
    width = (hi - lo) / BINS
    groups = groupings(result)
    label_of: dict[str, str] = {}
    domain: list[str] = []
    if groups:
        g = groups[0]
        raw = dict(
            zip(result.units["unit"], result.units[f"group:{g.column}"], strict=True)
        )
        label_of = {u: g.label(v, lang) if v else "—" for u, v in raw.items()}
        domain = _group_domain(g, list(raw.values()), lang)
    counts = (
        frame.with_columns(
            bin=((pl.col("score") - lo) / width).floor().clip(0, BINS - 1),
            group=pl.col("unit").replace_strict(
                label_of, default="", return_dtype=pl.String
            ),
        )
        .group_by("bin", "group")
        .agg(n=pl.len())
        .with_columns(
            start=pl.col("bin") * width + lo, end=(pl.col("bin") + 1) * width + lo
        )
        .sort("bin", "group")
    )
    colour: Any = (
        alt.Color(
            "group:N",
            title=groups[0].title(lang),
            scale=alt.Scale(domain=domain, range=_colour_range(len(domain))),
        )
        if groups
        else alt.value(PALETTE[0])
    )
    x_title = f"{node_name(root, lang)} · {_t('score', lang)}"
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", scale=alt.Scale(domain=[lo, hi]), title=x_title),
            x2="end:Q",
            y=alt.Y("sum(n):Q", title=_t("units", lang), stack="zero"),
            color=colour,
        )
        .properties(width=660, height=260)
    )
    return _style(chart, f"{result.spec.name.get(lang)} · {_fmt_period(period)}")
