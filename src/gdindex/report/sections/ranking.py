"""The ranking sections: the ranked table of the index and its pillars with the
ranking bar chart, and the pillar heatmap.
"""

from __future__ import annotations

from gdindex.report.charts.distribution import distribution_chart
from gdindex.report.charts.frames import groupings
from gdindex.report.charts.plots import heatmap_chart, ranking_chart
from gdindex.report.document import Block, Cell, Para, Section, Table
from gdindex.report.sections.formats import _t, fmt, fmt_rank_change, fmt_signed
from gdindex.report.sections.view import View, _figure, _large_note, _with_gap


def _ranking_section(v: View) -> Section:
    lang, g = v.lang, v.has_growth
    header = [_t("rank", lang)]
    numeric = [True]
    if g:
        header.append(_t("rank_change", lang))
        numeric.append(False)
    header += [_t("unit", lang), v.node_name(v.root)]
    numeric += [False, True]
    if g:
        header += [_t("change", lang), _t("growth", lang)]
        numeric += [True, True]
    header += [v.node_name(p) for p in v.pillars]
    numeric += [True] * len(v.pillars)
    if g:
        header.append(_t("quadrant", lang))
    rows: list[list[str | Cell]] = []
    for unit in _with_gap(v, v.shown):
        if unit is None:  # a large report: the middle of the ranking is skipped
            gap: list[str | Cell] = ["…", *[""] * (len(header) - 1)]
            rows.append(gap)
            continue
        s = v.score(unit, v.root.id)
        row: list[str | Cell] = [fmt(s.get("rank"))]
        if g:
            row.append(fmt_rank_change(s.get("rank_change")))
        row += [v.labels[unit], Cell(fmt(s.get("score")), "strong")]
        if g:
            row += [fmt_signed(s.get("change")), fmt_signed(s.get("growth_pct"))]
        for p in v.pillars:
            ps = v.score(unit, p.id)
            rank = ps.get("rank")
            row.append(
                f"{fmt(ps.get('score'), 1)} ({rank})" if rank is not None else "—"
            )
        if g:
            row.append(v.quadrant_label(unit))
        rows.append(row)
    against = f"名次变动与增速相对于 {v.previous} 年。" if g else ""
    note = (
        f"分指数列括号内为该分指数排名。{against}"
        if lang == "zh"
        else "Pillar columns show the pillar's rank in brackets."
        + (f" Rank change and growth are against {v.previous}." if g else "")
    )
    caption = (
        f"{v.node_name(v.root)}得分排名（{v.period}），颜色为{_first_grouping_title(v)}"
        if lang == "zh"
        else f"{v.node_name(v.root)} scores ranked ({v.period}), coloured by "
        f"{_first_grouping_title(v)}"
    )
    blocks: list[Block] = [Table(header, rows, numeric=numeric), Para(note, "note")]
    if v.large:
        blocks.insert(
            0, _large_note(v, "排名表和条形图", "the table and the bars show")
        )
        blocks.append(
            _figure(
                "distribution",
                "distribution",
                (
                    f"全部 {len(v.order):,} 个地区{v.node_name(v.root)}得分的分布"
                    f"（{v.period}），颜色为{_first_grouping_title(v)}"
                    if lang == "zh"
                    else f"Distribution of the {v.node_name(v.root)} scores of all "
                    f"{len(v.order):,} units ({v.period}), coloured by "
                    f"{_first_grouping_title(v)}"
                ),
                distribution_chart(v.result, v.period, lang),
            )
        )
    blocks.append(
        _figure(
            "ranking",
            "ranking",
            caption,
            ranking_chart(v.result, v.period, lang, units=v.shown if v.large else None),
        )
    )
    return Section("ranking", _t("ranking", lang), blocks)


def _first_grouping_title(v: View) -> str:
    groups = groupings(v.result)
    return groups[0].title(v.lang) if groups else "—"


def _pillar_section(v: View) -> Section:
    lang = v.lang
    caption = (
        f"各地区{v.node_name(v.root)}及分指数得分（{v.period}），按综合排名排列，颜色越深得分越高"
        if lang == "zh"
        else f"{v.node_name(v.root)} and pillar scores by unit ({v.period}), in rank "
        "order; darker is higher"
    )
    return Section(
        "pillars",
        _t("pillars", lang),
        [
            *([_large_note(v, "热力图", "the heatmap shows")] if v.large else []),
            _figure(
                "heatmap",
                "heatmap",
                caption,
                heatmap_chart(
                    v.result, v.period, lang, units=v.shown if v.large else None
                ),
            ),
        ],
    )
