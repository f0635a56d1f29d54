"""The unit profiles section: one subsection per unit with its score, rank, growth,
quadrant and groups, its pillars against the median, its strongest and weakest
indicators, its history and its profile chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from gdindex.report.charts.frames import groupings
from gdindex.report.charts.plots import profile_chart
from gdindex.report.document import Block, Cell, Grid, Links, Para, Section, Table
from gdindex.report.sections.formats import (
    _missing,
    _safe,
    _t,
    _unique,
    fmt,
    fmt_rank_change,
    fmt_raw,
    fmt_signed,
)
from gdindex.report.sections.view import PROFILE_CAP, View, _figure


def _profiles_section(v: View) -> Section:
    r, lang = v.result, v.lang
    half = PROFILE_CAP // 2
    profiled = v.order[:half] + v.order[-half:] if v.large else v.order
    indicators = _indicator_rows(v, profiled if v.large else None)
    raw = r.stages["raw"].filter(pl.col("period") == v.period)
    raw_of = {row["unit"]: row for row in raw.iter_rows(named=True)}
    history = r.scores.filter(pl.col("node") == v.root.id)
    hist_of: dict[str, list[dict[str, Any]]] = {}
    for row in history.iter_rows(named=True):
        hist_of.setdefault(row["unit"], []).append(row)
    used: set[str] = set()
    anchors = {u: _unique(f"unit-{_safe(u)}", used) for u in profiled}
    index = [
        (anchors[u], f"{fmt(v.score(u, v.root.id).get('rank'))}. {v.names[u]}")
        for u in profiled
    ]
    blocks: list[Block] = [
        Para(
            "每个地区：综合得分与名次、分指数与各地区中位数的比较、排名最前和最后的指标、"
            "历年表现。"
            if lang == "zh"
            else "For each unit: its score and rank, its pillars against the median "
            "of all units, its best and worst ranked indicators, and its history.",
            "note",
        ),
        Links(index, "index"),
    ]
    if v.large:
        blocks.insert(
            1,
            Para(
                f"共 {len(v.order):,} 个地区：这里是排名前 {half} 位和后 {half} 位"
                "的档案；全部地区的得分与名次见 report.xlsx。"
                if lang == "zh"
                else f"{len(v.order):,} units: the profiles of the top {half} and "
                f"the bottom {half}; the scores and ranks of every unit are in "
                "report.xlsx.",
                "note",
            ),
        )
    for unit in profiled:
        blocks.append(
            _profile(
                v,
                unit,
                anchors[unit],
                indicators.get(unit, []),
                raw_of.get(unit, {}),
                hist_of.get(unit, []),
            )
        )
    return Section("profiles", _t("profiles", lang), blocks)


def rank_move(change: int, lang: str) -> str:
    """`名次上升 2` / `rank down 1` / `名次不变`."""
    zh = lang == "zh"
    if change > 0:
        return f"名次上升 {change}" if zh else f"rank up {change}"
    if change < 0:
        return f"名次下降 {-change}" if zh else f"rank down {-change}"
    return "名次不变" if zh else "rank unchanged"


def _kv(key: str, value: str, lang: str) -> str:
    return f"{key}：{value}" if lang == "zh" else f"{key}: {value}"


@dataclass(frozen=True)
class IndicatorRank:
    """One indicator of one unit in the report period: its pillar, normalised
    score, rank among the units and position in the tree (for ties)."""

    indicator: str
    pillar: str
    score: float
    rank: int
    order: int


def strongest_weakest(
    rows: list[IndicatorRank], n: int = 3
) -> tuple[list[IndicatorRank], list[IndicatorRank]]:
    """The `n` best ranked indicators and the `n` worst ranked of the others (ties:
    tree order). With fewer than `2n` indicators they are split in halves, the
    better half first."""
    ordered = sorted(rows, key=lambda x: (x.rank, x.order))
    k = n if len(ordered) >= 2 * n else (len(ordered) + 1) // 2
    best, rest = ordered[:k], ordered[k:]
    worst = sorted(rest, key=lambda x: (-x.rank, x.order))[:n]
    return best, worst


def _indicator_rows(
    v: View, units: list[str] | None = None
) -> dict[str, list[IndicatorRank]]:
    """Every unit's (or `units`') indicator scores and ranks in the period."""
    r = v.result
    parent = {n.id: n.parent for n in r.nodes}
    pillar_ids = {p.id for p in v.pillars}

    def pillar_of(node: str) -> str:
        cur: str | None = node
        while cur is not None and cur not in pillar_ids:
            cur = parent.get(cur)
        return cur or ""

    order = {n.id: i for i, n in enumerate(r.nodes)}
    rows = r.scores.filter(
        (pl.col("kind") == "indicator")
        & (pl.col("period") == v.period)
        & pl.col("rank").is_not_null()
    ).select("unit", "node", "score", "rank")
    if units is not None:
        rows = rows.filter(pl.col("unit").is_in(units))
    out: dict[str, list[IndicatorRank]] = {}
    for row in rows.iter_rows(named=True):
        out.setdefault(row["unit"], []).append(
            IndicatorRank(
                row["node"],
                pillar_of(row["node"]),
                row["score"],
                row["rank"],
                order[row["node"]],
            )
        )
    return out


def _profile(
    v: View,
    unit: str,
    anchor: str,
    indicators: list[IndicatorRank],
    raw: dict[str, Any],
    history: list[dict[str, Any]],
) -> Section:
    r, lang = v.result, v.lang
    s = v.score(unit, v.root.id)
    n = v.n_scored
    facts = [
        f"{v.node_name(v.root)} {fmt(s.get('score'))}",
        (
            f"第 {fmt(s.get('rank'))} / {n} 名"
            if lang == "zh"
            else f"rank {fmt(s.get('rank'))} of {n}"
        ),
    ]
    if v.has_growth:
        growth = s.get("growth_pct")
        shown = fmt(growth) if _missing(growth) else f"{growth:+.2f}"
        facts.append(f"{_t('growth_word', lang)} {shown}%")
        if s.get("rank_change") is not None:
            facts.append(rank_move(s["rank_change"], lang))
        facts.append(_kv(_t("quadrant", lang), v.quadrant_label(unit), lang))
    unit_row = r.units.filter(pl.col("unit") == unit).row(0, named=True)
    for g in groupings(r):
        value = unit_row.get(f"group:{g.column}")
        if value:
            facts.append(_kv(g.title(lang), g.label(value, lang), lang))
    sep = "；" if lang == "zh" else "; "
    # pillars vs median
    pillar_rows: list[list[str | Cell]] = []
    for node in [v.root, *v.pillars]:
        ps = v.score(unit, node.id)
        med = v.medians.get(node.id)
        diff = None if _missing(ps.get("score")) or _missing(med) else ps["score"] - med
        pillar_rows.append(
            [
                Cell(v.node_name(node), "strong" if node is v.root else None),
                fmt(ps.get("score"), 1),
                fmt(ps.get("rank")),
                fmt(med, 1),
                fmt_signed(diff, 1),
            ]
        )
    pillar_table = Table(
        [
            _t("pillar", lang),
            _t("score", lang),
            _t("rank", lang),
            _t("median", lang),
            _t("diff", lang),
        ],
        pillar_rows,
        numeric=[False, True, True, True, True],
        caption=_t("scores_vs_median", lang),
    )
    # strongest / weakest
    nodes = {n.id: n for n in r.nodes}
    best, worst = strongest_weakest(indicators)
    specs = r.spec.indicator_map

    def ind_row(x: IndicatorRank) -> list[str | Cell]:
        ind = specs.get(x.indicator)
        value = raw.get(x.indicator)
        measure = f" {ind.unit.get(lang)}" if ind is not None and ind.unit else ""
        return [
            v.node_name(nodes[x.indicator]),
            v.node_name(nodes[x.pillar]) if x.pillar in nodes else "",
            fmt(x.score, 1),
            f"{x.rank}/{n}",
            (fmt_raw(value) + measure) if not _missing(value) else "—",
        ]

    ind_header = [
        _t("indicator", lang),
        _t("pillar", lang),
        _t("score", lang),
        _t("rank", lang),
        _t("raw", lang),
    ]
    ind_numeric = [False, False, True, True, True]
    tables: list[Block] = [
        Table(
            ind_header,
            [ind_row(x) for x in best],
            numeric=ind_numeric,
            caption=_t("strong", lang),
        ),
        Table(
            ind_header,
            [ind_row(x) for x in worst],
            numeric=ind_numeric,
            caption=_t("weak", lang),
        ),
    ]
    hist_rows: list[list[str | Cell]] = [
        [
            str(h["period"]),
            fmt(h["score"]),
            fmt(h["rank"]),
            fmt_signed(h["growth_pct"]),
            fmt_rank_change(h["rank_change"]),
        ]
        for h in history
    ]
    hist_table = Table(
        [
            _t("period", lang),
            v.node_name(v.root),
            _t("rank", lang),
            _t("growth", lang),
            _t("rank_change", lang),
        ],
        hist_rows,
        numeric=[False, True, True, True, False],
        caption=_t("history", lang),
    )
    name = f"profile-{anchor.removeprefix('unit-')}"
    upto = r.periods[: r.periods.index(v.period) + 1][-5:]
    caption = (
        f"{v.names[unit]}：{v.node_name(v.root)}及分指数得分，柱由浅至深为 "
        f"{'、'.join(str(p) for p in upto)}；红线为 {v.period} 年各地区中位数"
        if lang == "zh"
        else f"{v.names[unit]}: {v.node_name(v.root)} and pillar scores, bars from "
        f"light to dark for {', '.join(str(p) for p in upto)}; red ticks: median of "
        f"all units in {v.period}"
    )
    figure = _figure(name, "profile", caption, profile_chart(r, unit, v.period, lang))
    title = f"{fmt(s.get('rank'))}. {v.labels[unit]}"
    return Section(
        anchor,
        title,
        [
            Para(sep.join(facts)),
            Grid([[figure], [pillar_table]]),
            Grid([tables, [hist_table]]),
        ],
        level=3,
        cls="profile",
        attrs={"data-unit": unit},
    )
