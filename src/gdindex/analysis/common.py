"""What the analyses share: the computed tree, the scores as an array, and finding
a period, node, unit or group of units the user named.

`score_cube(result)` is `[node, unit, period]` (nodes in `result.nodes` pre-order;
indicator nodes hold normalised scores, aggregates their scores; NaN = missing),
read from `result.scores` (scores.csv).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import Bilingual, GdindexError, Issue
from gdindex.pipeline import IndexResult, NodeInfo
from gdindex.spec import Period


class AnalysisError(GdindexError):
    """An analysis cannot be made as asked (unknown period, node or unit, or
    options that do not go together)."""


class Tree:
    """Children, ancestors and depths of the computed tree."""

    def __init__(self, nodes: list[NodeInfo]):
        self.nodes = nodes
        self.pos = {n.id: i for i, n in enumerate(nodes)}
        self.info = {n.id: n for n in nodes}
        self.children: dict[str, list[str]] = {n.id: [] for n in nodes}
        for n in nodes:
            if n.parent is not None:
                self.children[n.parent].append(n.id)
        self.root = nodes[0].id
        self.aggregates = [n.id for n in nodes if self.children[n.id]]
        self.indicators = [n.id for n in nodes if not self.children[n.id]]

    def ancestors(self, node: str) -> list[str]:
        out, parent = [], self.info[node].parent
        while parent is not None:
            out.append(parent)
            parent = self.info[parent].parent
        return out

    def subtree(self, node: str) -> set[str]:
        out, todo = set(), [node]
        while todo:
            n = todo.pop()
            out.add(n)
            todo.extend(self.children[n])
        return out


def score_cube(result: IndexResult) -> np.ndarray:
    """Scores as `[node, unit, period]` (nodes in `result.nodes` order; indicator
    nodes hold normalised scores; NaN = missing)."""
    scores = result.scores
    units = result.units["unit"].to_list()
    N, U, P = len(result.nodes), len(units), len(result.periods)
    cube = np.full((N, U, P), np.nan)

    def index(column: str, keys: Sequence[Any]) -> np.ndarray:
        mapping = {k: i for i, k in enumerate(keys)}
        return (
            scores[column]
            .replace_strict(mapping, default=None, return_dtype=pl.Int64)
            .to_numpy()
        )

    n = index("node", [nd.id for nd in result.nodes])
    u = index("unit", units)
    p = index("period", result.periods)
    values = scores["score"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    cube[n, u, p] = values
    return cube


def choose_period(result: IndexResult, period: Any) -> Period:
    """The period of `result` that `period` names (a period or its text); None:
    the latest.

    Raises:
        AnalysisError: no such period (located at `--period`, with the periods).
    """
    if period is None:
        return result.latest_period
    return find_period(result.periods, period)


def find_period(periods: list[Period], period: Any) -> Period:
    """The one of `periods` that `period` names (a period or its text).

    Raises:
        AnalysisError: no such period (located at `--period`, with the periods).
    """
    for p in periods:
        if p == period or str(p) == str(period).strip():
            return p
    known = ", ".join(str(p) for p in periods)
    raise AnalysisError(
        f"period {period!r} is not in the data",
        [
            Issue(
                "--period",
                f"unknown period {period!r}",
                f"use one of: {known}",
                message_zh=f"未知的时期 {period!r}",
                hint_zh=f"请使用以下时期之一：{known}",
            )
        ],
        message_zh=f"数据中没有时期 {period!r}",
    )


def node_label(nodes: list[NodeInfo], node: str, lang: str = "zh") -> str:
    """The label in `lang` of the node `node` of `nodes` (its id when not there)."""
    for n in nodes:
        if n.id == node:
            return n.name(lang)
    return node


def find_node(nodes: list[NodeInfo], text: str) -> NodeInfo:
    """A node by id or by its zh or en name (case-insensitive for en).

    Raises:
        AnalysisError: no such node (with the closest ids and names).
    """
    text = text.strip()
    for n in nodes:
        if text in (n.id, n.name_zh, n.name_en) or text.lower() == n.name_en.lower():
            return n
    names = (
        [n.id for n in nodes] + [n.name_zh for n in nodes] + [n.name_en for n in nodes]
    )
    names = list(dict.fromkeys(names))
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    guess = ", ".join(repr(c) for c in close)
    hint = f"did you mean {guess}? " if close else ""
    hint_zh = f"是否想写 {guess}？" if close else ""
    raise AnalysisError(
        f"unknown node {text!r}",
        [
            Issue(
                "--node",
                f"unknown node {text!r}",
                f"{hint}give a node id of the tree",
                message_zh=f"未知的节点 {text!r}",
                hint_zh=f"{hint_zh}请给出指标树中的节点 id",
            )
        ],
        message_zh=f"未知的节点 {text!r}",
    )


def find_unit(units: pl.DataFrame, text: str) -> int:
    """Row of a unit given by id or by its Chinese or English name (`resolve_unit`
    without the note)."""
    return resolve_unit(units, text)[0]


def cell_text(table: pl.DataFrame, column: str, row: int) -> str:
    """The text of `table[column][row]`: "" when the column is absent or the cell
    empty."""
    if column not in table.columns:
        return ""
    value = table[column][row]
    return "" if value is None else str(value)


def _unit_label(units: pl.DataFrame, row: int) -> str:
    names = [cell_text(units, c, row) for c in ("name_zh", "name_en")]
    shown = ", ".join(n for n in dict.fromkeys(names) if n)
    unit = units["unit"][row]
    return f"{unit} ({shown})" if shown else str(unit)


def resolve_unit(units: pl.DataFrame, text: str) -> tuple[int, str | None]:
    """Row of a unit given by id or by its Chinese or English name (English case
    insensitively), and a note when the choice needs saying.

    An exact id wins; when the text is also another unit's name, the note says
    which unit was chosen and how to get the other. A name two units share is an
    error listing them.

    Raises:
        AnalysisError: no such unit (with the closest ids and names), or a name
            shared by several units (with their ids and names).
    """
    key = text.strip()
    ids = [str(v) for v in units["unit"].to_list()]
    zh = units["name_zh"].to_list() if "name_zh" in units.columns else []
    en = units["name_en"].to_list() if "name_en" in units.columns else []
    named = [
        i
        for i in range(len(ids))
        if (i < len(zh) and zh[i] == key)
        or (i < len(en) and en[i] is not None and str(en[i]).lower() == key.lower())
    ]
    if key in ids:
        row = ids.index(key)
        others = [i for i in named if i != row]
        if not others:
            return row, None
        listed = "; ".join(_unit_label(units, i) for i in others)
        return row, Bilingual(
            f"{key!r} is the id of {_unit_label(units, row)} and also the name of "
            f"{listed}: explaining {ids[row]} (give the other's id to explain it)",
            f"{key!r} 既是 {_unit_label(units, row)} 的 id，也是 {listed} 的名称："
            f"现解读 {ids[row]}（如需解读另一个，请给出其 id）",
        )
    if len(named) == 1:
        return named[0], None
    if named:
        listed = "; ".join(_unit_label(units, i) for i in named)
        raise AnalysisError(
            f"unit name {key!r} is ambiguous",
            [
                Issue(
                    "UNIT",
                    f"{len(named)} units are called {key!r}: {listed}",
                    "give the unit id instead, e.g. "
                    + " or ".join(repr(ids[i]) for i in named),
                    message_zh=f"有 {len(named)} 个地区名为 {key!r}：{listed}",
                    hint_zh="请改为给出地区 id，例如 "
                    + " 或 ".join(repr(ids[i]) for i in named),
                )
            ],
            message_zh=f"地区名称 {key!r} 有歧义",
        )
    names = [str(v) for v in dict.fromkeys(ids + zh + en) if v]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.4)
    guess = ", ".join(repr(c) for c in close)
    hint = f"did you mean {guess}? " if close else ""
    raise AnalysisError(
        f"unknown unit {key!r}",
        [
            Issue(
                "UNIT",
                f"no unit has the id or name {key!r}",
                f"{hint}give a unit id or name",
                message_zh=f"没有 id 或名称为 {key!r} 的地区",
                hint_zh=(f"是否想写 {guess}？" if close else "")
                + "请给出地区 id 或名称",
            )
        ],
        message_zh=f"未知的地区 {key!r}",
    )


def group_rows(result: IndexResult, vs: str) -> tuple[list[int], dict[str, str], str]:
    """Rows of the units of group `vs`, its labels, and `column=value`.

    Raises:
        AnalysisError: no grouping column has the value, or several do (listing
            them, with the hint to write `column=value`).
    """
    column, _, value = vs.partition("=") if "=" in vs else ("", "", vs)
    table = result.units
    groups = result.spec.units.groups if result.spec.units else []
    known = []
    found: list[tuple[list[int], dict[str, str], str]] = []
    for g in groups:
        if column and g.column != column.strip():
            continue
        name = f"group:{g.column}"
        if name not in table.columns:
            continue
        values = table[name].to_list()
        for raw in dict.fromkeys(v for v in values if v is not None):
            label = g.labels.get(raw) if g.labels else None
            names = {raw, *(label.zh, label.en)} if label else {raw}
            known.append(f"{g.column}={raw}")
            if value.strip() in {n for n in names if n} or (
                label and label.en and value.strip().lower() == label.en.lower()
            ):
                rows = [i for i, v in enumerate(values) if v == raw]
                labels = {
                    "zh": (label.zh if label else None) or raw,
                    "en": (label.en if label else None) or raw,
                }
                found.append((rows, labels, f"{g.column}={raw}"))
    if len(found) == 1:
        return found[0]
    if found:
        keys = [key for _, _, key in found]
        raise AnalysisError(
            f"group {vs!r} is ambiguous",
            [
                Issue(
                    "--vs",
                    f"{len(found)} grouping columns have the value {vs!r}: "
                    + ", ".join(keys),
                    "write column=value, e.g. --vs " + " or --vs ".join(keys),
                    message_zh=f"有 {len(found)} 个分组列含有值 {vs!r}："
                    + ", ".join(keys),
                    hint_zh="请写成 列=值，例如 --vs " + " 或 --vs ".join(keys),
                )
            ],
            message_zh=f"分组 {vs!r} 有歧义",
        )
    raise AnalysisError(
        f"unknown group {vs!r}",
        [
            Issue(
                "--vs",
                f"no grouping column has the value {vs!r}",
                "use median, or one of: " + (", ".join(known) or "(no groups)"),
                message_zh=f"没有哪个分组列含有值 {vs!r}",
                hint_zh="请使用 median，或以下之一："
                + (", ".join(known) or "（无分组）"),
            )
        ],
        message_zh=f"未知的分组 {vs!r}",
    )
