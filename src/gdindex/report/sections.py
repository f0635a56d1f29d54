"""The content of the published report, as `document` blocks: one builder per
section (method, ranking, pillar heatmap, quadrants, trends, groups, unit profiles,
data notes, manifest), the labels in both languages and the number formats.

Nothing here computes the index: the numbers are the result's, selected, sorted and
formatted; the charts come from `gdindex.report.charts`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from gdindex.methods.growth import QUADRANTS
from gdindex.pipeline import IndexResult, NodeInfo
from gdindex.report import charts
from gdindex.report.document import (
    Block,
    Bullets,
    Cell,
    Code,
    Details,
    Document,
    Figure,
    Grid,
    Links,
    Para,
    Section,
    Table,
)
from gdindex.report.terminal import method_name
from gdindex.spec import Period
from gdindex.version import __version__

LABELS: dict[str, dict[str, str]] = {
    "toc": {"zh": "目录", "en": "Contents"},
    "method": {"zh": "方法说明", "en": "Method"},
    "ranking": {"zh": "综合排名", "en": "Ranking"},
    "pillars": {"zh": "分指数热力图", "en": "Pillar heatmap"},
    "quadrants": {"zh": "水平—增速象限", "en": "Level × growth quadrants"},
    "trend": {"zh": "历年走势", "en": "Trends"},
    "groups": {"zh": "分组比较", "en": "Group comparison"},
    "profiles": {"zh": "地区画像", "en": "Unit profiles"},
    "notes": {"zh": "数据说明", "en": "Data notes"},
    "manifest": {"zh": "运行清单", "en": "Manifest"},
    "rank": {"zh": "排名", "en": "Rank"},
    "rank_change": {"zh": "名次变动", "en": "Rank Δ"},
    "unit": {"zh": "地区", "en": "Unit"},
    "score": {"zh": "得分", "en": "Score"},
    "change": {"zh": "变化", "en": "Change"},
    "growth": {"zh": "增速%", "en": "Growth %"},
    "quadrant": {"zh": "象限", "en": "Quadrant"},
    "group": {"zh": "分组", "en": "Group"},
    "n": {"zh": "地区数", "en": "Units"},
    "period": {"zh": "时期", "en": "Period"},
    "cagr": {"zh": "年均增速%", "en": "CAGR %"},
    "node": {"zh": "节点", "en": "Node"},
    "weight": {"zh": "权重", "en": "Weight"},
    "effective": {"zh": "有效权重", "en": "Effective weight"},
    "methods": {"zh": "方法", "en": "Method"},
    "direction": {"zh": "方向", "en": "Direction"},
    "measure": {"zh": "计量单位", "en": "Unit of measure"},
    "median": {"zh": "各地区中位数", "en": "Median of all units"},
    "diff": {"zh": "与中位数之差", "en": "vs median"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "pillar": {"zh": "分指数", "en": "Pillar"},
    "raw": {"zh": "原始值", "en": "Raw value"},
    "strong": {"zh": "优势指标（排名最前）", "en": "Strongest indicators (best ranks)"},
    "weak": {"zh": "短板指标（排名最后）", "en": "Weakest indicators (worst ranks)"},
    "history": {"zh": "历年表现", "en": "History"},
    "scores_vs_median": {"zh": "分指数与中位数", "en": "Pillars vs the median"},
    "item": {"zh": "项目", "en": "Item"},
    "value": {"zh": "内容", "en": "Value"},
    "tree": {"zh": "指标体系与权重", "en": "Indicator tree and weights"},
    "units_n": {"zh": "评价对象", "en": "Units"},
    "periods": {"zh": "时期", "en": "Periods"},
    "structure": {"zh": "指标体系", "en": "Structure"},
    "normalise": {"zh": "标准化", "en": "Normalisation"},
    "scope": {"zh": "统计量范围", "en": "Scope of the statistics"},
    "aggregate": {"zh": "聚合", "en": "Aggregation"},
    "weights": {"zh": "赋权", "en": "Weights"},
    "growth_def": {"zh": "增速与名次", "en": "Growth and ranks"},
    "quadrant_def": {"zh": "象限划分", "en": "Quadrants"},
    "overrides": {"zh": "覆盖参数", "en": "Overrides"},
    "preparation": {"zh": "数据预处理", "en": "Data preparation"},
    "step": {"zh": "步骤", "en": "Step"},
    "cells": {"zh": "单元格", "en": "Cells"},
    "where": {"zh": "位置（示例）", "en": "Where (first cells)"},
    "flags": {"zh": "单元格标记", "en": "Cell flags"},
    "flag": {"zh": "标记", "en": "Flag"},
    "missing": {"zh": "缺失值", "en": "Missing values"},
    "warnings": {"zh": "提示", "en": "Warnings"},
    "members": {"zh": "成员", "en": "Members"},
    "growth_word": {"zh": "增速", "en": "growth"},
}


SCOPES: dict[str, dict[str, str]] = {
    "panel": {
        "zh": "全面板：所有地区、所有时期合并计算统计量，得分和增速跨期可比",
        "en": "panel: statistics over all units and periods pooled, so scores and "
        "growth are comparable across periods",
    },
    "period": {
        "zh": "逐期：每期单独计算统计量，仅适合期内比较",
        "en": "period: statistics of each period alone (compare within a period)",
    },
    "base": {
        "zh": "基期：统一使用基期的统计量，后续各期可超出范围",
        "en": "base: the base period's statistics for every period (later scores "
        "may leave the range)",
    },
}


def _t(key: str, lang: str) -> str:
    return LABELS[key][lang]


# --------------------------------------------------------------------------- format


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(value: Any, digits: int = 2) -> str:
    """A number with `digits` decimals; `—` when missing."""
    if _missing(value):
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def fmt_signed(value: Any, digits: int = 2) -> Cell:
    """`+1.23` (green) / `-1.23` (red) / `—`."""
    if _missing(value):
        return Cell("—", "muted")
    text = f"{value:+.{digits}f}"
    return Cell(text, "up" if value > 0 else "down" if value < 0 else None)


def fmt_rank_change(value: Any) -> Cell:
    """`▲2` (up) / `▼1` (down) / `–`."""
    if value is None:
        return Cell("", None)
    if value > 0:
        return Cell(f"▲{value}", "up")
    if value < 0:
        return Cell(f"▼{-value}", "down")
    return Cell("–", "muted")


def fmt_raw(value: Any) -> str:
    """A raw indicator value: thousands separated, at most two decimals."""
    if _missing(value):
        return "—"
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _compact(value: Any) -> str:
    """Spec parameter values for people: 100.0 → 100, [0.0, 100.0] → [0, 100]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    return str(value)


def _params_text(params: Any, lang: str, skip: tuple[str, ...] = ()) -> str:
    """`极差标准化 minmax · range=[0, 100]` from a method block."""
    data = params.model_dump(mode="json", exclude_none=True)
    method = str(data.pop("method", ""))
    for key in ("scope", "base_period", *skip):
        data.pop(key, None)
    name = method_name(method, lang)
    head = name if name == method or lang == "en" else f"{name} {method}"
    extra = [f"{k}={_compact(v)}" for k, v in data.items()]
    return " · ".join([head, *extra])


def _safe(name: str) -> str:
    """A file-name and HTML-id safe stem."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "x"


def _bilingual(zh: str | None, en: str | None, lang: str) -> str:
    zh, en = zh or "", en or ""
    if not zh or not en or zh == en:
        return zh or en
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


class View:
    """What the sections share: the report period, names, pillars and the
    period's index and pillar rows."""

    def __init__(self, result: IndexResult, period: Period, lang: str):
        self.result = result
        self.period = period
        self.lang = lang
        self.root = result.nodes[0]
        self.pillars = charts.pillar_nodes(result)
        self.units = result.units
        self.names = charts.unit_names(result, lang)
        self.labels = {
            r["unit"]: _bilingual(r.get("name_zh"), r.get("name_en"), lang)
            for r in result.units.iter_rows(named=True)
        }
        self.order = charts.ranked_units(result, period)
        idx = result.periods.index(period)
        self.has_growth = idx > 0
        self.previous = result.periods[idx - 1] if idx > 0 else None
        ids = [self.root.id, *[p.id for p in self.pillars]]
        rows = charts.period_scores(result, period, ids)
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
        return charts.node_name(node, self.lang)

    def score(self, unit: str, node: str) -> dict[str, Any]:
        return self.cells.get((unit, node), {})

    def quadrant_label(self, unit: str) -> str:
        q = self.quadrant.get(unit)
        return QUADRANTS[q][self.lang] if q else "—"


# --------------------------------------------------------------------------- document


def report_document(view: View, meta: dict[str, Any]) -> Document:
    """Every section of the report of `view`, with its title, subtitle and footer;
    `meta` is the manifest shown in the last section."""
    result, lang, period = view.result, view.lang, view.period
    sections = [
        _method_section(view),
        _ranking_section(view),
        _pillar_section(view),
        _quadrant_section(view),
        _trend_section(view),
    ]
    groups = _group_section(view)
    if groups is not None:
        sections.append(groups)
    sections += [
        _profiles_section(view),
        _notes_section(view),
        _manifest_section(meta, lang),
    ]
    spec = result.spec
    n_ind = len(spec.indicators)
    first, last = result.periods[0], result.periods[-1]
    subtitle = (
        f"{period} 年度报告 · {view.n_scored} 个地区 · {len(view.pillars)} 个分指数 · "
        f"{n_ind} 项指标 · 时期 {first}—{last}"
        if lang == "zh"
        else f"Report for {period} · {view.n_scored} units · {len(view.pillars)} "
        f"pillars · {n_ind} indicators · periods {first}–{last}"
    )
    source = spec.path.name if spec.path else spec.id
    footer = (
        f"由 gdindex {__version__} 根据 {source} 生成；"
        "重新运行相同输入将得到逐字节相同的文件。"
        if lang == "zh"
        else f"Generated by gdindex {__version__} from {source}; the same inputs "
        "give byte-identical files."
    )
    return Document(
        title=f"{spec.name.get(lang)} · {period}",
        subtitle=subtitle,
        lang=lang,
        sections=sections,
        toc_title=_t("toc", lang),
        footer=footer,
        generator=f"gdindex {__version__}",
    )


def _figure(name: str, kind: str, caption: str, chart: Any) -> Figure:
    return Figure(name=name, kind=kind, caption=caption, svg=charts.to_svg(chart, name))


# ---- method


def _method_section(v: View) -> Section:
    r, lang = v.result, v.lang
    spec = r.spec
    blocks: list[Block] = []
    if spec.description is not None:
        blocks.append(Para(spec.description.get(lang)))
    default_norm = spec.defaults.normalise
    overridden = [ind for ind in spec.indicators if ind.normalise is not None]
    scopes = sorted(
        {
            getattr(spec.normalise_for(ind), "scope", None) or "—"
            for ind in spec.indicators
        }
    )
    n_inner = sum(1 for n in r.nodes if n.kind != "indicator")
    norm_text = _params_text(default_norm, lang)
    if overridden:
        norm_text += (
            f"；另有 {len(overridden)} 项指标单独设定（见下表）"
            if lang == "zh"
            else f"; {len(overridden)} indicator(s) set their own (see the table)"
        )
    scope_text = "; ".join(SCOPES.get(s, {}).get(lang, s) for s in scopes)
    base = getattr(default_norm, "base_period", None)
    if base is not None:
        scope_text += f" ({base})"
    aggs: dict[str, list[str]] = {}
    for node, _ in spec.tree.walk():
        if not node.is_leaf:
            aggs.setdefault(_params_text(spec.aggregate_for(node), lang), []).append(
                node.id
            )
    agg_text = "; ".join(
        text if len(aggs) == 1 else f"{text} ({', '.join(ids)})"
        for text, ids in aggs.items()
    )
    weight_methods: dict[str, list[str]] = {}
    if r.weighting is not None:
        for nw in r.weighting.nodes.values():
            weight_methods.setdefault(method_name(nw.method, lang), []).append(nw.node)
    weight_text = "; ".join(
        name if len(weight_methods) == 1 else f"{name} ({', '.join(ids)})"
        for name, ids in weight_methods.items()
    )
    periods = ", ".join(str(p) for p in r.periods)
    if lang == "zh":
        facts = [
            (
                _t("units_n", lang),
                f"{r.units.height} 个地区（本期有得分 {v.n_scored} 个）",
            ),
            (_t("periods", lang), f"{periods}（报告期 {v.period}）"),
            (
                _t("structure", lang),
                f"{n_inner - 1} 个中间节点（{len(v.pillars)} 个分指数）、"
                f"{len(spec.indicators)} 项指标，共 {max(n.depth for n in r.nodes)} 层",
            ),
            (_t("normalise", lang), norm_text),
            (_t("scope", lang), scope_text),
            (_t("aggregate", lang), agg_text),
            (_t("weights", lang), weight_text or "—"),
            (
                _t("growth_def", lang),
                "增速 = 100 ×（本期得分 ÷ 上期得分 − 1）；"
                "名次变动 = 上期排名 − 本期排名（正数为上升）；"
                "年均增速 = (末期 ÷ 首期)^(1/期数) − 1",
            ),
            (
                _t("quadrant_def", lang),
                "以本期各地区得分和增速的中位数为界：双高（得分、增速均不低于中位数）、"
                "黑马（得分低、增速高）、稳健（得分高、增速低）、追赶（均低于中位数）",
            ),
        ]
    else:
        facts = [
            (_t("units_n", lang), f"{r.units.height} units ({v.n_scored} scored)"),
            (_t("periods", lang), f"{periods} (report period {v.period})"),
            (
                _t("structure", lang),
                f"{n_inner - 1} inner node(s) ({len(v.pillars)} pillars), "
                f"{len(spec.indicators)} indicators, "
                f"{max(n.depth for n in r.nodes)} level(s)",
            ),
            (_t("normalise", lang), norm_text),
            (_t("scope", lang), scope_text),
            (_t("aggregate", lang), agg_text),
            (_t("weights", lang), weight_text or "—"),
            (
                _t("growth_def", lang),
                "growth = 100 · (score / previous score − 1); rank change = previous "
                "rank − rank (positive = moved up); CAGR = (last / first)^(1/T) − 1",
            ),
            (
                _t("quadrant_def", lang),
                "split at the period's medians of score and growth: leader (both at "
                "or above), dark horse (low score, high growth), steady (high score, "
                "low growth), lagging (both below)",
            ),
        ]
    if spec.overrides:
        facts.append((_t("overrides", lang), "; ".join(spec.overrides)))
    blocks.append(
        Table(
            [_t("item", lang), _t("value", lang)],
            [[Cell(k, "strong"), v_] for k, v_ in facts],
            cls="wide",
        )
    )
    blocks.append(_tree_table(v))
    return Section("method", _t("method", lang), blocks)


def _tree_table(v: View) -> Table:
    r, lang = v.result, v.lang
    spec = r.spec
    weights = {row["node"]: row for row in r.weights.iter_rows(named=True)}
    inds = spec.indicator_map
    rows: list[list[str | Cell]] = []
    for node in r.nodes:
        indent = "\u3000" * node.depth
        w = weights.get(node.id, {})
        if node.kind == "indicator":
            ind = inds[node.id]
            method = _params_text(spec.normalise_for(ind), lang)
            direction = "↑" if ind.direction == 1 else "↓"
            measure = ind.unit or ""
            name_cell: str | Cell = Cell(indent + v.node_name(node), "wrap")
        else:
            agg = method_name(node.method, lang)
            nw = r.weighting.nodes.get(node.id) if r.weighting else None
            method = agg + (f" · {method_name(nw.method, lang)}" if nw else "")
            direction, measure = "", ""
            name_cell = Cell(indent + v.node_name(node), "strong wrap")
        rows.append(
            [
                name_cell,
                node.id,
                fmt(w.get("weight"), 4),
                fmt(w.get("effective_weight"), 4),
                Cell(method, "wrap"),
                direction,
                measure,
            ]
        )
    return Table(
        [
            _t("node", lang),
            "id",
            _t("weight", lang),
            _t("effective", lang),
            _t("methods", lang),
            _t("direction", lang),
            _t("measure", lang),
        ],
        rows,
        numeric=[False, False, True, True],
        caption=_t("tree", lang),
    )


# ---- ranking


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
    for unit in v.order:
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
    return Section(
        "ranking",
        _t("ranking", lang),
        [
            Table(header, rows, numeric=numeric),
            Para(note, "note"),
            _figure(
                "ranking",
                "ranking",
                caption,
                charts.ranking_chart(v.result, v.period, lang),
            ),
        ],
    )


def _first_grouping_title(v: View) -> str:
    groups = charts.groupings(v.result)
    return groups[0].title(v.lang) if groups else "—"


# ---- pillars


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
            _figure(
                "heatmap",
                "heatmap",
                caption,
                charts.heatmap_chart(v.result, v.period, lang),
            )
        ],
    )


# ---- quadrants


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
    rows: list[list[str | Cell]] = [
        [
            Cell(QUADRANTS[k][lang], "strong"),
            str(len(m)),
            "、".join(m) if lang == "zh" else ", ".join(m),
        ]
        for k, m in members.items()
    ]
    quads = v.result.quadrants.filter(
        (pl.col("period") == v.period) & (pl.col("node") == v.root.id)
    )
    ms, mg = quads["score"].median(), quads["growth_pct"].median()
    caption = (
        f"横轴：{v.node_name(v.root)}得分；纵轴：较 {v.previous} 年增速；虚线为中位数"
        f"（得分 {fmt(ms, 1)}，增速 {fmt(mg, 1)}%）"
        if lang == "zh"
        else f"x: {v.node_name(v.root)} score; y: growth against {v.previous}; dashed "
        f"lines at the medians (score {fmt(ms, 1)}, growth {fmt(mg, 1)}%)"
    )
    return Section(
        "quadrants",
        _t("quadrants", lang),
        [
            _figure(
                "quadrant",
                "quadrant",
                caption,
                charts.quadrant_chart(v.result, v.period, lang),
            ),
            Table(
                [_t("quadrant", lang), _t("n", lang), _t("members", lang)],
                rows,
                numeric=[False, True, False],
                cls="wide",
            ),
        ],
    )


# ---- trend


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
    for unit in charts.ranked_units(r, r.latest_period):
        cells: list[str | Cell] = [v.labels[unit]]
        cells += [fmt(by_unit.get(unit, {}).get(p)) for p in r.periods]
        if len(r.periods) > 1:
            c = cagr_of.get(unit)
            cells.append(fmt_signed(None if c is None or _missing(c) else 100 * c))
        rows.append(cells)
    caption = (
        f"各地区{v.node_name(v.root)}历年得分（蓝线），灰色带为全部地区的最低—最高范围，"
        "虚线为中位数；按最新一期排名排列"
        if lang == "zh"
        else f"{v.node_name(v.root)} of each unit over the periods (blue), the range "
        "of all units (grey band) and their median (dashed); in the latest rank order"
    )
    return Section(
        "trend",
        _t("trend", lang),
        [
            _figure("trend", "trend", caption, charts.trend_chart(r, lang)),
            Table(header, rows, numeric=numeric),
        ],
    )


# ---- groups


def _group_section(v: View) -> Section | None:
    r, lang = v.result, v.lang
    groupings = charts.groupings(r)
    if not groupings:
        return None
    blocks: list[Block] = []
    used: set[str] = set()
    for g in groupings:
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
                    _figure(
                        name, "group", caption, charts.group_chart(r, g, v.period, lang)
                    ),
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


def _unique(name: str, used: set[str]) -> str:
    out, i = name, 2
    while out in used:
        out, i = f"{name}-{i}", i + 1
    used.add(out)
    return out


# ---- profiles


def _profiles_section(v: View) -> Section:
    r, lang = v.result, v.lang
    indicators = _indicator_rows(v)
    raw = r.stages["raw"].filter(pl.col("period") == v.period)
    raw_of = {row["unit"]: row for row in raw.iter_rows(named=True)}
    history = r.scores.filter(pl.col("node") == v.root.id)
    hist_of: dict[str, list[dict[str, Any]]] = {}
    for row in history.iter_rows(named=True):
        hist_of.setdefault(row["unit"], []).append(row)
    used: set[str] = set()
    anchors = {u: _unique(f"unit-{_safe(u)}", used) for u in v.order}
    index = [
        (anchors[u], f"{fmt(v.score(u, v.root.id).get('rank'))}. {v.names[u]}")
        for u in v.order
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
    for unit in v.order:
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


def _indicator_rows(v: View) -> dict[str, list[IndicatorRank]]:
    """Every unit's indicator scores and ranks in the period."""
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
    for g in charts.groupings(r):
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
        measure = f" {ind.unit}" if ind is not None and ind.unit else ""
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
    figure = _figure(
        name, "profile", caption, charts.profile_chart(r, unit, v.period, lang)
    )
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


# ---- notes


def _notes_section(v: View) -> Section:
    r, lang = v.result, v.lang
    blocks: list[Block] = []
    prep = r.preparation
    names = v.names
    nodes = {n.id: n for n in r.nodes}
    if prep.height == 0:
        blocks.append(
            Para(
                "未做数据预处理：没有单元格经过分母折算、插补、筛选或异常值处理。"
                if lang == "zh"
                else "No data preparation: no cell was denominated, imputed, screened "
                "or treated.",
            )
        )
    else:
        rows: list[list[str | Cell]] = []
        for row in prep.iter_rows(named=True):
            where = []
            for cell in (row["where"] or "").split("; "):
                if cell:
                    unit, _, rest = cell.partition(" ")
                    where.append(f"{names.get(unit, unit)} {rest}".strip())
            ind = row["indicator"]
            rows.append(
                [
                    method_name(row["step"], lang),
                    v.node_name(nodes[ind]) if ind in nodes else (ind or "—"),
                    row["method"] or "",
                    row["period"] or "",
                    str(row["cells"]),
                    Cell(
                        "; ".join(where) + (" …" if row["cells"] > len(where) else ""),
                        "wrap",
                    ),
                ]
            )
        blocks.append(
            Table(
                [
                    _t("step", lang),
                    _t("indicator", lang),
                    _t("methods", lang),
                    _t("period", lang),
                    _t("cells", lang),
                    _t("where", lang),
                ],
                rows,
                numeric=[False, False, False, False, True, False],
                caption=_t("preparation", lang),
                cls="wide",
            )
        )
    table = r.indicator_table()
    flags = (
        table.filter(pl.col("flag").is_not_null())
        .with_columns(pl.col("flag").str.split(";"))
        .explode("flag")
        .group_by("flag")
        .agg(cells=pl.len(), indicators=pl.col("indicator").n_unique())
        .sort("flag")
    )
    if flags.height:
        blocks.append(
            Table(
                [_t("flag", lang), _t("cells", lang), _t("indicator", lang)],
                [
                    [f["flag"], str(f["cells"]), str(f["indicators"])]
                    for f in flags.iter_rows(named=True)
                ],
                numeric=[False, True, True],
                caption=_t("flags", lang),
            )
        )
    missing = table.group_by("period", maintain_order=True).agg(
        cells=pl.len(),
        raw=pl.col("raw").is_null().sum(),
        final=pl.col("normalised").is_null().sum(),
    )
    blocks.append(
        Table(
            [
                _t("period", lang),
                "单元格" if lang == "zh" else "Cells",
                "原始缺失" if lang == "zh" else "Missing raw",
                "标准化后缺失" if lang == "zh" else "Missing after normalising",
            ],
            [
                [str(m["period"]), str(m["cells"]), str(m["raw"]), str(m["final"])]
                for m in missing.iter_rows(named=True)
            ],
            numeric=[False, True, True, True],
            caption=_t("missing", lang),
        )
    )
    warnings = [i for i in r.issues if i.severity == "warning"]
    if warnings:
        blocks.append(Para(f"{_t('warnings', lang)} ({len(warnings)})", "strong"))
        blocks.append(
            Bullets(
                [
                    f"{i.where}: {i.message}" + (f" — {i.hint}" if i.hint else "")
                    for i in warnings
                ]
            )
        )
    else:
        blocks.append(
            Para(
                "计算过程中没有提示。"
                if lang == "zh"
                else "No warnings were raised while computing."
            )
        )
    return Section("notes", _t("notes", lang), blocks)


def _manifest_section(meta: dict[str, Any], lang: str) -> Section:
    zh = lang == "zh"
    note = (
        "本报告所依据的规格文件、输入文件（含 SHA-256 校验值）与方法；"
        "完整清单见下方 JSON。"
        if zh
        else "The spec and input files (with their SHA-256) and the methods this "
        "report was computed from; the full manifest is the JSON below."
    )
    spec = meta.get("spec", {})
    rows: list[list[str | Cell]] = [
        [Cell("gdindex", "strong"), str(meta.get("gdindex_version", ""))],
        [
            Cell("规格文件" if zh else "Spec", "strong"),
            f"{spec.get('file') or spec.get('id', '')}  "
            f"sha256 {spec.get('sha256', '')}",
        ],
    ]
    for item in meta.get("inputs", []):
        rows.append(
            [
                Cell(f"{'输入' if zh else 'Input'} {item.get('role', '')}", "strong"),
                f"{item.get('path', '')} ({item.get('rows', '')} "
                f"{'行' if zh else 'rows'})  sha256 {item.get('sha256', '')}",
            ]
        )
    rows.append(
        [
            Cell("时期" if zh else "Periods", "strong"),
            ", ".join(str(p) for p in meta.get("periods", [])),
        ]
    )
    if spec.get("overrides"):
        rows.append(
            [Cell(_t("overrides", lang), "strong"), "; ".join(spec["overrides"])]
        )
    rows.append(
        [Cell(_t("warnings", lang), "strong"), str(len(meta.get("warnings", [])))]
    )
    if "created" in meta:
        rows.append([Cell("生成时间" if zh else "Created", "strong"), meta["created"]])
    text = json.dumps(meta, ensure_ascii=False, indent=2)
    return Section(
        "manifest",
        _t("manifest", lang),
        [
            Para(note, "note"),
            Table([_t("item", lang), _t("value", lang)], rows, cls="wide"),
            Details("manifest.json", [Code(text, "json")]),
        ],
    )
