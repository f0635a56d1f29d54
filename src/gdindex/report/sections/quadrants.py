"""The level × growth quadrant section: the scatter chart and the members of each
quadrant (or a note in the first period, which has no growth).
"""

from __future__ import annotations

import polars as pl

from gdindex.methods.growth import QUADRANTS
from gdindex.report.charts.plots import quadrant_chart
from gdindex.report.document import Cell, Para, Section, Table
from gdindex.report.sections.formats import _t, fmt
from gdindex.report.sections.view import SHOWN_EACH, View, _figure


def _quadrant_section(v: View) -> Section:
    lang = v.lang
    if not v.has_growth:
        text = (
            f"{v.period} 是第一期，没有上期可比，无法划分水平—增速象限。"
            if lang == "zh"
            else f"{v.period} is the first period: there is no growth to place the "
            "units in quadrants."
        )
        return Section("quadrants", _t("quadrants", lang), [Para(text, "note")])
    members: dict[str, list[str]] = {k: [] for k in QUADRANTS}
    for unit in v.order:
        q = v.quadrant.get(unit)
        if q in members:
            members[q].append(v.names[unit])
    cap = 2 * SHOWN_EACH if v.large else None  # a county panel: name the best

    def listed(m: list[str]) -> str:
        names = m[:cap] if cap is not None else m
        more = len(m) - len(names)
        if lang == "zh":
            return "、".join(names) + (f" 等（另 {more} 个）" if more else "")
        return ", ".join(names) + (f", … ({more} more)" if more else "")

    rows: list[list[str | Cell]] = [
        [Cell(QUADRANTS[k][lang], "strong"), str(len(m)), listed(m)]
        for k, m in members.items()
    ]
    quads = v.result.quadrants.filter(
        (pl.col("period") == v.period) & (pl.col("node") == v.root.id)
    )
    change = v.result.spec.quadrant.growth == "change"
    ms = quads["score"].median()
    mg = quads["change" if change else "growth_pct"].median()
    if change:
        caption = (
            f"横轴：{v.node_name(v.root)}得分；纵轴：较 {v.previous} 年得分变化；虚线为"
            f"中位数（得分 {fmt(ms, 1)}，变化 {fmt(mg, 1)}）"
            if lang == "zh"
            else f"x: {v.node_name(v.root)} score; y: score change against "
            f"{v.previous}; dashed lines at the medians (score {fmt(ms, 1)}, change "
            f"{fmt(mg, 1)})"
        )
    else:
        caption = (
            f"横轴：{v.node_name(v.root)}得分；纵轴：较 {v.previous} 年增速；虚线为"
            f"中位数（得分 {fmt(ms, 1)}，增速 {fmt(mg, 1)}%）"
            if lang == "zh"
            else f"x: {v.node_name(v.root)} score; y: growth against {v.previous}; "
            f"dashed lines at the medians (score {fmt(ms, 1)}, growth {fmt(mg, 1)}%)"
        )
    return Section(
        "quadrants",
        _t("quadrants", lang),
        [
            _figure(
                "quadrant",
                "quadrant",
                caption,
                quadrant_chart(
                    v.result, v.period, lang, labelled=v.shown if v.large else None
                ),
            ),
            Table(
                [_t("quadrant", lang), _t("n", lang), _t("members", lang)],
                rows,
                numeric=[False, True, False],
                cls="wide",
            ),
        ],
    )
