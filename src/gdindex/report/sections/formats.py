"""The words and number formats of the report: the section and column labels in
both languages, the normalisation scopes described, numbers, signed changes, rank
moves and raw values as text, spec method parameters for people, and safe ids.

Pure text; nothing here reads a result.
"""

from __future__ import annotations

import math
import re
from typing import Any

from gdindex.report.document import Cell
from gdindex.report.terminal import method_name

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


def _unique(name: str, used: set[str]) -> str:
    out, i = name, 2
    while out in used:
        out, i = f"{name}-{i}", i + 1
    used.add(out)
    return out
