"""What every section of the report shares: the `View` of one period of a result
(its units in rank order, names, pillars, score rows, quadrants and medians) and
the `_figure` block that renders a chart to inline SVG.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from gdindex.methods.growth import QUADRANTS
from gdindex.pipeline import IndexResult, NodeInfo
from gdindex.report.charts.frames import (
    node_name,
    period_scores,
    pillar_nodes,
    ranked_units,
    unit_names,
)
from gdindex.report.charts.svg import render_into
from gdindex.report.document import Figure, Para
from gdindex.report.sections.formats import _bilingual, _missing
from gdindex.spec import Period

#: Above this many units the report is "large": it shows the top and bottom
#: `SHOWN_EACH` units in full (tables, bars, heatmap, trends, labels), summarises
#: the rest as distributions, and has at most `PROFILE_CAP` unit profiles. Every
#: unit stays in report.xlsx and in the result files of `compute --out`.
LARGE_REPORT = 60
SHOWN_EACH = 10
PROFILE_CAP = 10


class View:
    """What the sections share: the report period, names, pillars and the
    period's index and pillar rows, and the units shown in full (`shown`: all of
    them, or the top and bottom of a large report)."""

    def __init__(self, result: IndexResult, period: Period, lang: str):
        self.result = result
        self.period = period
        self.lang = lang
        self.root = result.nodes[0]
        self.pillars = pillar_nodes(result)
        self.units = result.units
        self.names = unit_names(result, lang)
        self.labels = {
            r["unit"]: _bilingual(r.get("name_zh"), r.get("name_en"), lang)
            for r in result.units.iter_rows(named=True)
        }
        self.order = ranked_units(result, period)
        self.large = len(self.order) > LARGE_REPORT
        self.shown = (
            self.order[:SHOWN_EACH] + self.order[-SHOWN_EACH:]
            if self.large
            else list(self.order)
        )
        idx = result.periods.index(period)
        self.has_growth = idx > 0
        self.previous = result.periods[idx - 1] if idx > 0 else None
        ids = [self.root.id, *[p.id for p in self.pillars]]
        rows = period_scores(result, period, ids)
        self.cells: dict[tuple[str, str], dict[str, Any]] = {
            (r["unit"], r["node"]): r for r in rows.iter_rows(named=True)
        }
        self.n_scored = sum(
            1
            for u in self.order
            if not _missing(self.cells.get((u, self.root.id), {}).get("score"))
        )
        quads = result.quadrants.filter(
            (pl.col("period") == period) & (pl.col("node") == self.root.id)
        )
        self.quadrant = dict(
            zip(quads["unit"].to_list(), quads["quadrant"].to_list(), strict=True)
        )
        self.medians = {
            node: rows.filter(pl.col("node") == node)["score"].median() for node in ids
        }

    def node_name(self, node: NodeInfo) -> str:
        return node_name(node, self.lang)

    def score(self, unit: str, node: str) -> dict[str, Any]:
        return self.cells.get((unit, node), {})

    def quadrant_label(self, unit: str) -> str:
        q = self.quadrant.get(unit)
        return QUADRANTS[q][self.lang] if q else "—"


def _figure(name: str, kind: str, caption: str, chart: Any) -> Figure:
    """The figure of `chart`; its SVG is filled in at once, or at the end of the
    report's `rendering_beside()` block."""
    figure = Figure(name=name, kind=kind, caption=caption, svg="")
    render_into(chart, name, figure)
    return figure


def _large_note(v: View, what_zh: str, what_en: str) -> Para:
    """The note of a large report's section: what is shown, where the rest is."""
    n, k = len(v.order), SHOWN_EACH
    text = (
        f"共 {n:,} 个地区：{what_zh}只列出排名前 {k} 位和后 {k} 位；全部地区见 "
        "report.xlsx（及 compute --out 的 scores.csv）。"
        if v.lang == "zh"
        else f"{n:,} units: {what_en} the top {k} and the bottom {k} only; every unit "
        "is in report.xlsx (and in scores.csv of compute --out)."
    )
    return Para(text, "note")


def _with_gap(v: View, units: list[str]) -> list[str | None]:
    """`units` with None where a large report skips the middle of the ranking."""
    if not v.large:
        return list(units)
    return [*units[:SHOWN_EACH], None, *units[SHOWN_EACH:]]
