"""What the analyses share: the computed tree, the scores as an array, and finding
a period, node or unit the user named.

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

from gdindex.errors import GdindexError, Issue
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
    if period is None:
        return result.latest_period
    for p in result.periods:
        if p == period or str(p) == str(period).strip():
            return p
    known = ", ".join(str(p) for p in result.periods)
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
