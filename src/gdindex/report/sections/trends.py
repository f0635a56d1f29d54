"""The trend section: every unit's index over the periods (small multiples) and
the table of its scores by period with the CAGR.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from gdindex.report.charts.frames import ranked_units
from gdindex.report.charts.plots import trend_chart
from gdindex.report.document import Cell, Section, Table
from gdindex.report.sections.formats import _missing, _t, fmt, fmt_signed
from gdindex.report.sections.view import (
    SHOWN_EACH,
    View,
    _figure,
    _large_note,
    _with_gap,
)


def _trend_section(v: View) -> Section:
    r, lang = v.result, v.lang
    idx = r.scores.filter(pl.col("node") == v.root.id)
    by_unit: dict[str, dict[Any, Any]] = {}
    for row in idx.iter_rows(named=True):
        by_unit.setdefault(row["unit"], {})[row["period"]] = row["score"]
    cagr = r.cagr.filter(pl.col("node") == v.root.id)
    cagr_of = dict(zip(cagr["unit"].to_list(), cagr["cagr"].to_list(), strict=True))
    header = [_t("unit", lang), *[str(p) for p in r.periods]]
    numeric = [False] + [True] * len(r.periods)
    if len(r.periods) > 1:
        header.append(_t("cagr", lang))
        numeric.append(True)
    rows: list[list[str | Cell]] = []
    latest = ranked_units(r, r.latest_period)
    shown = latest[:SHOWN_EACH] + latest[-SHOWN_EACH:] if v.large else latest
    for unit in _with_gap(v, shown):
        if unit is None:
            gap: list[str | Cell] = ["…", *[""] * (len(header) - 1)]
            rows.append(gap)
            continue
        cells: list[str | Cell] = [v.labels[unit]]
        cells += [fmt(by_unit.get(unit, {}).get(p)) for p in r.periods]
        if len(r.periods) > 1:
            c = cagr_of.get(unit)
            cells.append(fmt_signed(None if c is None or _missing(c) else 100 * c))
        rows.append(cells)
    caption = (
        f"各地区{v.node_name(v.root)}历年得分（蓝线），灰色带为全部地区的最低—最高范围，"
        "虚线为中位数；每个小图的纵轴按该地区自身得分缩放（灰带与中位数只画出落在其中的部分）；"
        "按最新一期排名排列"
        if lang == "zh"
        else f"{v.node_name(v.root)} of each unit over the periods (blue), the range "
        "of all units (grey band) and their median (dashed); each panel's y axis is "
        "scaled to the unit's own scores (the band and the median are drawn where "
        "they fall inside it); in the latest rank order"
    )
    return Section(
        "trend",
        _t("trend", lang),
        [
            *(
                [_large_note(v, "走势图和表", "the charts and the table show")]
                if v.large
                else []
            ),
            _figure(
                "trend",
                "trend",
                caption,
                trend_chart(r, lang, units=shown if v.large else None),
            ),
            Table(header, rows, numeric=numeric),
        ],
    )
