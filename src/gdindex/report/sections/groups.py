"""The group comparison section: for each grouping of the spec, the table of the
groups' mean scores and the group chart (absent when no grouping has aggregates).
"""

from __future__ import annotations

import polars as pl

from gdindex.report.charts.frames import groupings
from gdindex.report.charts.plots import group_chart
from gdindex.report.document import Block, Cell, Para, Section, Table
from gdindex.report.sections.formats import _safe, _t, _unique, fmt, fmt_signed
from gdindex.report.sections.view import View, _figure


def _group_section(v: View) -> Section | None:
    r, lang = v.result, v.lang
    found = groupings(r)
    if not found:
        return None
    blocks: list[Block] = []
    used: set[str] = set()
    for g in found:
        rows_now = r.groups.filter(
            (pl.col("group_by") == g.column) & (pl.col("period") == v.period)
        )
        cells = {(x["group"], x["node"]): x for x in rows_now.iter_rows(named=True)}
        header = [_t("group", lang), _t("n", lang), v.node_name(v.root)]
        numeric = [False, True, True]
        if v.has_growth:
            header.append(_t("growth", lang))
            numeric.append(True)
        header += [v.node_name(p) for p in v.pillars]
        numeric += [True] * len(v.pillars)
        rows: list[list[str | Cell]] = []
        for group in dict.fromkeys(rows_now["group"].to_list()):
            head = cells.get((group, v.root.id), {})
            other = "en" if lang == "zh" else "zh"
            label = g.label(group, lang)
            alt = g.label(group, other)
            row: list[str | Cell] = [
                label if alt == label else f"{label} {alt}",
                fmt(head.get("n_units")),
                Cell(fmt(head.get("score")), "strong"),
            ]
            if v.has_growth:
                row.append(fmt_signed(head.get("growth_pct")))
            row += [
                fmt(cells.get((group, p.id), {}).get("score"), 1) for p in v.pillars
            ]
            rows.append(row)
        name = _unique(f"group-{_safe(g.column)}", used)
        caption = (
            f"{g.title(lang)}：各组{v.node_name(v.root)}及分指数的平均得分（{v.period}，"
            "左），各组综合得分历年走势（右）"
            if lang == "zh"
            else f"{g.title(lang)}: mean {v.node_name(v.root)} and pillar scores of "
            f"each group ({v.period}, left) and each group's index over the periods "
            "(right)"
        )
        blocks += [
            Section(
                f"group-{_safe(g.column)}",
                g.title(lang),
                [
                    Table(header, rows, numeric=numeric),
                    _figure(name, "group", caption, group_chart(r, g, v.period, lang)),
                ],
                level=3,
                cls="group",
                attrs={"data-group": g.column},
            )
        ]
    note = (
        "各组得分为组内地区得分的平均值。"
        if lang == "zh"
        else "A group's score is the mean of its units' scores."
    )
    return Section("groups", _t("groups", lang), [Para(note, "note"), *blocks])
