"""The unit profiles section: one subsection per unit with its score, rank, growth,
quadrant and groups, its pillars against the median unit, the indicators that hold
it back and help it most, its strongest and weakest indicators, its history and its
profile chart.

The numbers are `gdindex.explain`'s (DESIGN §9.2: "the report's unit profiles show
the same numbers"): the reference is the median unit of the index score, the gaps,
contributions and strongest/weakest lists are those `gdindex explain UNIT` prints.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from gdindex.analysis.explain import Explanation, explain_units
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
            "每个地区：综合得分与名次、分指数与中位数地区（综合得分居中的地区）的比较、"
            "拖后腿与助力最多的指标、排名最前和最后的指标、历年表现；数字与 "
            "gdindex explain 相同。"
            if lang == "zh"
            else "For each unit: its score and rank, its pillars against the median "
            "unit (the unit in the middle of the index ranking), the indicators "
            "that hold it back and help it most, its best and worst ranked "
            "indicators, and its history; the numbers are those of gdindex explain.",
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
    # `explain` of every profiled unit against the median unit, in one pass; a
    # unit with no index score in the period has none
    explained = explain_units(r, profiled, v.period)
    for unit in profiled:
        blocks.append(
            _profile(
                v,
                unit,
                anchors[unit],
                explained.get(unit),
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


SHOWN_CONTRIBUTIONS = 3
"""Rows of each end of the gap-contribution table (what holds back, what helps)."""

_LABELS = {
    "reference": {"zh": "中位数地区", "en": "Median unit"},
    "gap": {"zh": "差距", "en": "Gap"},
    "scores_vs_reference": {
        "zh": "分指数与中位数地区",
        "en": "Pillars vs the median unit",
    },
    "contributions": {
        "zh": "差距贡献：拖后腿最多与助力最多的指标",
        "en": "Gap contributions: what holds back most and helps most",
    },
    "weight": {"zh": "有效权重", "en": "Eff. weight"},
    "contribution": {"zh": "贡献", "en": "Contribution"},
    "gap_contribution": {"zh": "差距贡献", "en": "Gap contrib."},
}


def _l(key: str, lang: str) -> str:
    return _LABELS[key]["zh" if lang == "zh" else "en"]


def gap_rows(ex: Explanation, n: int = SHOWN_CONTRIBUTIONS) -> list[dict[str, Any]]:
    """The `n` indicators that hold the unit back most (most negative gap
    contribution first) and the `n` that help it most, without repeats, in
    `explain`'s order."""
    rows = ex.contributions.to_dicts()
    if len(rows) <= 2 * n:
        return rows
    return rows[:n] + rows[-n:]


def _profile(
    v: View,
    unit: str,
    anchor: str,
    ex: Explanation | None,
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
    # pillars vs the median unit, as `explain`
    by_node = (
        {} if ex is None else {r["node"]: r for r in ex.nodes.iter_rows(named=True)}
    )
    pillar_rows: list[list[str | Cell]] = []
    reference: dict[str, float | None] = {}
    for node in [v.root, *v.pillars]:
        row = by_node.get(node.id, {})
        reference[node.id] = row.get("reference")
        pillar_rows.append(
            [
                Cell(v.node_name(node), "strong" if node is v.root else None),
                fmt(row.get("score"), 1),
                fmt(row.get("rank")),
                fmt(row.get("reference"), 1),
                fmt_signed(row.get("gap"), 1),
            ]
        )
    pillar_table = Table(
        [
            _t("pillar", lang),
            _t("score", lang),
            _t("rank", lang),
            _l("reference", lang),
            _l("gap", lang),
        ],
        pillar_rows,
        numeric=[False, True, True, True, True],
        caption=_l("scores_vs_reference", lang),
    )
    nodes = {n.id: n for n in r.nodes}
    pillar_of = _pillars(v)
    contribution_table = Table(
        [
            _t("indicator", lang),
            _l("weight", lang),
            _t("score", lang),
            _t("rank", lang),
            _l("contribution", lang),
            _l("gap_contribution", lang),
        ],
        [
            [
                v.node_name(nodes[c["indicator"]]),
                fmt(c["effective_weight"], 4),
                fmt(c["normalised"], 1),
                "—" if c["rank"] is None else f"{c['rank']}/{n}",
                fmt(c["contribution"], 3),
                fmt_signed(c["gap_contribution"], 3),
            ]
            for c in ([] if ex is None else gap_rows(ex))
        ],
        numeric=[False, True, True, True, True, True],
        caption=_l("contributions", lang),
    )
    # strongest / weakest, as `explain`
    specs = r.spec.indicator_map

    def ind_row(x: dict[str, Any]) -> list[str | Cell]:
        ind = specs.get(x["indicator"])
        value = raw.get(x["indicator"])
        measure = f" {ind.unit.get(lang)}" if ind is not None and ind.unit else ""
        pillar = pillar_of.get(x["indicator"], "")
        return [
            v.node_name(nodes[x["indicator"]]),
            v.node_name(nodes[pillar]) if pillar in nodes else "",
            fmt(x["normalised"], 1),
            f"{x['rank']}/{n}",
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
    best = [] if ex is None else ex.strongest.to_dicts()
    worst = [] if ex is None else ex.weakest.to_dicts()
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
        f"{'、'.join(str(p) for p in upto)}；红线为 {v.period} 年中位数地区的得分"
        if lang == "zh"
        else f"{v.names[unit]}: {v.node_name(v.root)} and pillar scores, bars from "
        f"light to dark for {', '.join(str(p) for p in upto)}; red ticks: the median "
        f"unit's scores in {v.period}"
    )
    figure = _figure(
        name,
        "profile",
        caption,
        profile_chart(r, unit, v.period, lang, reference=reference),
    )
    title = f"{fmt(s.get('rank'))}. {v.labels[unit]}"
    return Section(
        anchor,
        title,
        [
            Para(sep.join(facts)),
            Grid([[figure], [pillar_table, hist_table]]),
            Grid([tables, [contribution_table]]),
        ],
        level=3,
        cls="profile",
        attrs={"data-unit": unit},
    )


def _pillars(v: View) -> dict[str, str]:
    """The pillar (child of the root) each indicator belongs to."""
    parent = {n.id: n.parent for n in v.result.nodes}
    pillar_ids = {p.id for p in v.pillars}
    out = {}
    for n in v.result.nodes:
        cur: str | None = n.id
        while cur is not None and cur not in pillar_ids:
            cur = parent.get(cur)
        out[n.id] = cur or ""
    return out
