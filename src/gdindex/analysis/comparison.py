"""Two results of an index lined up: the `Comparison` of one node and period.

`compare_results(a, b)` lines the scores of two variants up (`gdindex.analysis.compare`
computes them). For every unit scored in both variants:

- `score_change = score_b − score_a`;
- `rank_shift = rank_a − rank_b` (positive = moved up under B; ranks are each
  variant's own, 1 = highest, ties share the lowest rank);

and over those units:

- Spearman `ρ` = Pearson correlation of the average ranks (ties get the mean of the
  positions they span) of `score_a` and `score_b`; null with fewer than 2 units or
  when either side is constant;
- `mean_abs_rank_shift = Σ |rank_shift| / n`, `max_abs_rank_shift = max |rank_shift|`,
  `units_moved = #{rank_shift ≠ 0}`;
- movers: the `top` units with the largest `|rank_shift|` (ties: larger
  `|score_change|`, then unit id); units that did not move are never movers.

The same figures are given for every node the two trees share, and the weights of
the two variants are set side by side. This module never prints: `report/compare.py`
renders a `Comparison` and `write_comparison` writes it.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import GdindexError, Issue, examples
from gdindex.io import json_records
from gdindex.methods.correlation import spearman
from gdindex.pipeline import IndexResult
from gdindex.spec import Period

UNIT_COLUMNS = [
    "unit",
    "name_zh",
    "name_en",
    "score_a",
    "rank_a",
    "score_b",
    "rank_b",
    "score_change",
    "rank_shift",
]
NODE_COLUMNS = [
    "node",
    "kind",
    "depth",
    "n_units",
    "spearman",
    "mean_abs_rank_shift",
    "max_abs_rank_shift",
]
WEIGHT_COLUMNS = [
    "node",
    "parent",
    "weight_a",
    "weight_b",
    "weight_diff",
    "effective_a",
    "effective_b",
    "effective_diff",
    "method_a",
    "method_b",
]
FILES = (
    "compare_units.csv",
    "compare_nodes.csv",
    "compare_weights.csv",
    "compare.json",
)
WEIGHT_TOLERANCE = 1e-12
"""Weight differences smaller than this count as no change (floating-point noise)."""


class CompareError(GdindexError):
    """The comparison asked for cannot be made (unknown node, period not in both)."""


@dataclass
class Comparison:
    """Two variants of an index side by side, for one node and period.

    Attributes:
        node: the node compared (an id of A's tree; default the root).
        period: the period compared (default: the latest period of both).
        label_a, label_b: how the variants are called (spec file names, with the
            `--set` overrides of B).
        units: `unit, name_zh, name_en, score_a, rank_a, score_b, rank_b,
            score_change, rank_shift`, ordered by rank_b then unit; a unit scored in
            one variant only keeps nulls on the other side.
        summary: `n_units` (scored in both), `spearman`, `mean_abs_rank_shift`,
            `max_abs_rank_shift`, `units_moved`, `movers` (list of unit rows),
            `only_a`, `only_b` (units scored in one variant only),
            `mean_abs_score_change`.
        nodes: `node, kind, depth, n_units, spearman, mean_abs_rank_shift,
            max_abs_rank_shift` for every node of both trees (A's pre-order).
        weights: `node, parent, weight_a, weight_b, weight_diff, effective_a,
            effective_b, effective_diff, method_a, method_b` over the nodes of either
            tree (A's order, then the nodes only B has); diffs are B − A.
        issues: notes and warnings about the comparison (different data, units in
            one variant only) and the warnings of either computation.
        node_names: `{node: {"zh": …, "en": …}}` for every node of either tree.
        overrides: the `--set` overrides applied to B.
        result_a, result_b: the two computed results (not serialised).
    """

    node: str
    period: Period
    label_a: str
    label_b: str
    units: pl.DataFrame
    summary: dict[str, Any]
    nodes: pl.DataFrame
    weights: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)
    node_names: dict[str, dict[str, str]] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    result_a: IndexResult | None = field(default=None, repr=False, compare=False)
    result_b: IndexResult | None = field(default=None, repr=False, compare=False)

    def node_name(self, node: str, lang: str = "zh") -> str:
        """A node's name in `lang` (its id when unnamed)."""
        names = self.node_names.get(node, {})
        other = "en" if lang == "zh" else "zh"
        return names.get(lang) or names.get(other) or node

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (NaN and ±inf → null)."""
        return {
            "labels": {"a": self.label_a, "b": self.label_b},
            "overrides": list(self.overrides),
            "node": self.node,
            "period": self.period,
            "summary": _json_ready(self.summary),
            "units": json_records(self.units),
            "nodes": json_records(self.nodes),
            "weights": json_records(self.weights),
            "node_names": self.node_names,
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialise `to_dict()` deterministically."""
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


def _shift_stats(
    score_a: np.ndarray, score_b: np.ndarray, rank_a: np.ndarray, rank_b: np.ndarray
) -> dict[str, Any]:
    """n_units, spearman and rank-shift figures over units scored in both (NaN =
    missing)."""
    both = ~(
        np.isnan(score_a) | np.isnan(score_b) | np.isnan(rank_a) | np.isnan(rank_b)
    )
    n = int(both.sum())
    shift = np.abs(rank_a[both] - rank_b[both])
    return {
        "n_units": n,
        "spearman": spearman(score_a[both], score_b[both]),
        "mean_abs_rank_shift": float(shift.mean()) if n else None,
        "max_abs_rank_shift": int(shift.max()) if n else None,
        "units_moved": int((shift != 0).sum()),
    }


def _nan(series: pl.Series) -> np.ndarray:
    return series.cast(pl.Float64).fill_null(np.nan).to_numpy()


# --- Comparing two results --- #


def compare_results(
    a: IndexResult,
    b: IndexResult,
    *,
    node: str | None = None,
    period: Period | None = None,
    top: int = 5,
    labels: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Line up two results for `node` (default: the root) and `period` (default: the
    latest period of both); see the module docstring for the figures.

    `node` may be a node id or a node's exact name; `period` matches a period or its
    text (`"2022"` finds `2022`). When the roots of the two trees have different ids,
    they are compared with each other.

    Raises:
        CompareError: the node is in neither tree or not in both, or the period is
            not in both results.
    """
    if top < 0:
        raise CompareError(
            f"top must be ≥ 0, not {top}",
            [
                Issue(
                    "--top",
                    f"invalid count {top}",
                    "give a number ≥ 0",
                    message_zh=f"个数 {top} 无效",
                    hint_zh="请给出 ≥ 0 的数",
                )
            ],
            message_zh=f"top 须 ≥ 0，而不是 {top}",
        )
    root_a, root_b = a.nodes[0].id, b.nodes[0].id
    ids_b = {n.id for n in b.nodes}
    # B's id of each of A's nodes: the same id, or B's root for A's root
    pairs = {n.id: n.id for n in a.nodes if n.id in ids_b}
    if root_a != root_b and root_a not in ids_b and root_b not in pairs:
        pairs[root_a] = root_b
    node_a = _pick_node(a, b, node, pairs)
    node_b = pairs[node_a]
    period_a, period_b = _pick_period(a, b, period)

    issues: list[Issue] = []
    if node_a != node_b:
        issues.append(
            Issue(
                "tree",
                f"the roots have different ids: '{root_a}' in {labels[0]}, "
                f"'{root_b}' in {labels[1]}; they are compared with each other",
                None,
                "warning",
                "root-renamed",
                message_zh=f"两个根节点的 id 不同：{labels[0]} 中为 '{root_a}'，"
                f"{labels[1]} 中为 '{root_b}'；二者相互比较",
            )
        )
    joined = _joined(a, b, period_a, period_b, pairs)
    units = _units_frame(a, b, joined.filter(pl.col("node") == node_a))
    summary = _summary(units, top)
    if summary["only_a"] or summary["only_b"]:
        parts, parts_zh = [], []
        for side, label in (("only_a", labels[0]), ("only_b", labels[1])):
            if summary[side]:
                parts.append(f"{examples(summary[side])} only in {label}")
                parts_zh.append(f"{examples(summary[side], lang='zh')} 仅在 {label} 中")
        issues.append(
            Issue(
                f"node '{node_a}', period {period_a}",
                "units scored in one variant only: " + "; ".join(parts),
                "they are left out of the figures (Spearman, rank shifts)",
                "warning",
                "units-differ",
                message_zh="有些地区只在一个方案中有得分：" + "；".join(parts_zh),
                hint_zh="它们不计入统计（Spearman 相关、名次变动）",
                where_zh=f"节点 '{node_a}'，时期 {period_a}",
            )
        )
    issues.extend(_result_issues(a, b, labels))
    names = {n.id: {"zh": n.name_zh, "en": n.name_en} for n in b.nodes}
    names.update({n.id: {"zh": n.name_zh, "en": n.name_en} for n in a.nodes})
    return Comparison(
        node=node_a,
        period=period_a,
        label_a=labels[0],
        label_b=labels[1],
        units=units,
        summary=summary,
        nodes=_nodes_frame(a, joined, pairs),
        weights=_weights_frame(a.weights, b.weights),
        issues=issues,
        node_names=names,
        result_a=a,
        result_b=b,
    )


def _pick_node(
    a: IndexResult, b: IndexResult, node: str | None, pairs: dict[str, str]
) -> str:
    """A's id of the node to compare: `node` as an id or an exact name."""
    if node is None:
        return a.nodes[0].id
    text = node.strip()
    ids_a = [n.id for n in a.nodes]
    found: str | None = text if text in ids_a else None
    if found is None:
        by_name = [
            n.id
            for n in a.nodes
            if text in (n.name_zh, n.name_en) or text.lower() == n.name_en.lower()
        ]
        found = by_name[0] if len(set(by_name)) == 1 else None
    if found is not None and found in pairs:
        return found
    if found is not None or text in {n.id for n in b.nodes}:
        missing = "B" if found is not None else "A"
        raise CompareError(
            f"node {text!r} is not in both variants",
            [
                Issue(
                    "--node",
                    f"node {text!r} is only in one tree (not in {missing})",
                    f"use a node of both trees: {examples(list(pairs))}",
                    message_zh=f"节点 {text!r} 只在一棵指标树中（不在 {missing} 中）",
                    hint_zh="请使用两棵树共有的节点："
                    f"{examples(list(pairs), lang='zh')}",
                )
            ],
            message_zh=f"节点 {text!r} 不同时在两个方案中",
        )
    close = difflib.get_close_matches(text, list(pairs), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    hint_zh = f"是否想写 '{close[0]}'？" if close else ""
    raise CompareError(
        f"unknown node {text!r}",
        [
            Issue(
                "--node",
                f"unknown node {text!r}",
                f"{hint}use a node id of both trees: {examples(list(pairs))}",
                message_zh=f"未知的节点 {text!r}",
                hint_zh=f"{hint_zh}请使用两棵树共有的节点 id："
                f"{examples(list(pairs), lang='zh')}",
            )
        ],
        message_zh=f"未知的节点 {text!r}",
    )


def _pick_period(
    a: IndexResult, b: IndexResult, period: Period | None
) -> tuple[Period, Period]:
    """The period in A's and in B's terms (the same value unless one is text)."""
    text_b = {str(p): p for p in b.periods}
    common = [p for p in a.periods if str(p) in text_b]
    if not common:
        raise CompareError(
            "the two variants share no period",
            [
                Issue(
                    "periods",
                    f"A has {examples(a.periods)}, B has {examples(b.periods)}",
                    "compare specs computed over the same periods",
                    message_zh=f"A 的时期为 {examples(a.periods, lang='zh')}，"
                    f"B 的时期为 {examples(b.periods, lang='zh')}",
                    hint_zh="请比较在相同时期上计算的方案",
                )
            ],
            message_zh="两个方案没有共同的时期",
        )
    if period is None:
        return common[-1], text_b[str(common[-1])]
    for p in common:
        if p == period or str(p) == str(period).strip():
            return p, text_b[str(p)]
    where, where_zh = "in neither variant", "两个方案中都没有"
    if any(str(p) == str(period).strip() for p in [*a.periods, *b.periods]):
        where, where_zh = "not in both variants", "不同时在两个方案中"
    known = ", ".join(str(p) for p in common)
    raise CompareError(
        f"period {period!r} is {where}",
        [
            Issue(
                "--period",
                f"unknown period {period!r}",
                f"use one of: {known}",
                message_zh=f"未知的时期 {period!r}",
                hint_zh=f"请使用以下时期之一：{known}",
            )
        ],
        message_zh=f"时期 {period!r} {where_zh}",
    )


def _joined(
    a: IndexResult,
    b: IndexResult,
    period_a: Period,
    period_b: Period,
    pairs: dict[str, str],
) -> pl.DataFrame:
    """`node, unit, score_a, rank_a, score_b, rank_b` of the period for every node of
    both trees (in A's ids), all units of either side."""
    cols = ["node", "unit", "score", "rank"]
    side_a = a.scores.filter(pl.col("period") == period_a).select(cols)
    to_a = {vb: va for va, vb in pairs.items() if va != vb}
    side_b = (
        b.scores.filter(pl.col("period") == period_b)
        .select(cols)
        .with_columns(pl.col("node").replace(to_a))
        .filter(pl.col("node").is_in(list(pairs)))
    )
    side_a = side_a.filter(pl.col("node").is_in(list(pairs)))
    return side_a.rename({"score": "score_a", "rank": "rank_a"}).join(
        side_b.rename({"score": "score_b", "rank": "rank_b"}),
        on=["node", "unit"],
        how="full",
        coalesce=True,
        maintain_order="left_right",
    )


def _units_frame(a: IndexResult, b: IndexResult, rows: pl.DataFrame) -> pl.DataFrame:
    names = pl.concat(
        [r.units.select("unit", "name_zh", "name_en") for r in (a, b)]
    ).unique("unit", keep="first", maintain_order=True)
    return (
        rows.drop("node")
        .join(names, on="unit", how="left")
        .with_columns(
            score_change=pl.col("score_b") - pl.col("score_a"),
            rank_shift=pl.col("rank_a") - pl.col("rank_b"),
        )
        .sort(["rank_b", "unit"], nulls_last=True)
        .select(UNIT_COLUMNS)
        .cast(
            {
                "unit": pl.String,
                "name_zh": pl.String,
                "name_en": pl.String,
                "score_a": pl.Float64,
                "rank_a": pl.Int64,
                "score_b": pl.Float64,
                "rank_b": pl.Int64,
                "score_change": pl.Float64,
                "rank_shift": pl.Int64,
            }
        )
    )


def _summary(units: pl.DataFrame, top: int) -> dict[str, Any]:
    stats = _shift_stats(
        _nan(units["score_a"]),
        _nan(units["score_b"]),
        _nan(units["rank_a"]),
        _nan(units["rank_b"]),
    )
    both = units.filter(
        pl.col("score_a").is_not_null()
        & pl.col("score_b").is_not_null()
        & pl.col("rank_shift").is_not_null()
    )
    movers = (
        both.filter(pl.col("rank_shift") != 0)
        .with_columns(
            _abs_shift=pl.col("rank_shift").abs(),
            _abs_change=pl.col("score_change").abs(),
        )
        .sort(["_abs_shift", "_abs_change", "unit"], descending=[True, True, False])
        .head(top)
        .drop("_abs_shift", "_abs_change")
    )
    scored_a = units.filter(pl.col("score_a").is_not_null())["unit"].to_list()
    scored_b = units.filter(pl.col("score_b").is_not_null())["unit"].to_list()
    change = np.abs(_nan(both["score_change"]))
    return {
        **stats,
        "mean_abs_score_change": float(change.mean()) if len(change) else None,
        "movers": json_records(movers),
        "only_a": sorted(set(scored_a) - set(scored_b)),
        "only_b": sorted(set(scored_b) - set(scored_a)),
    }


def _nodes_frame(
    a: IndexResult, joined: pl.DataFrame, pairs: dict[str, str]
) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    parts = joined.partition_by("node", as_dict=True, maintain_order=True)
    for info in a.nodes:
        if info.id not in pairs:
            continue
        part = parts.get((info.id,))
        stats: dict[str, Any] = (
            _shift_stats(
                _nan(part["score_a"]),
                _nan(part["score_b"]),
                _nan(part["rank_a"]),
                _nan(part["rank_b"]),
            )
            if part is not None
            else {
                "n_units": 0,
                "spearman": None,
                "mean_abs_rank_shift": None,
                "max_abs_rank_shift": None,
            }
        )
        rows.append({"node": info.id, "kind": info.kind, "depth": info.depth, **stats})
    return pl.DataFrame(
        rows,
        schema={
            "node": pl.String,
            "kind": pl.String,
            "depth": pl.Int64,
            "n_units": pl.Int64,
            "spearman": pl.Float64,
            "mean_abs_rank_shift": pl.Float64,
            "max_abs_rank_shift": pl.Int64,
        },
    )


def _weights_frame(wa: pl.DataFrame, wb: pl.DataFrame) -> pl.DataFrame:
    def side(frame: pl.DataFrame, s: str) -> pl.DataFrame:
        return frame.select(
            "node",
            pl.col("parent").alias(f"parent_{s}"),
            pl.col("weight").alias(f"weight_{s}"),
            pl.col("effective_weight").alias(f"effective_{s}"),
            pl.col("method").alias(f"method_{s}"),
        )

    return (
        side(wa, "a")
        .join(
            side(wb, "b"),
            on="node",
            how="full",
            coalesce=True,
            maintain_order="left_right",
        )
        .with_columns(
            parent=pl.coalesce("parent_a", "parent_b"),
            weight_diff=pl.col("weight_b") - pl.col("weight_a"),
            effective_diff=pl.col("effective_b") - pl.col("effective_a"),
        )
        .select(WEIGHT_COLUMNS)
    )


def _result_issues(
    a: IndexResult, b: IndexResult, labels: tuple[str, str]
) -> list[Issue]:
    """Warnings of both computations: shared ones once, one-sided ones marked."""
    if a is b:
        return list(a.issues)
    seen_b = set(b.issues)
    seen_a = set(a.issues)
    out = [i if i in seen_b else _marked(i, labels[0]) for i in a.issues]
    out += [_marked(i, labels[1]) for i in b.issues if i not in seen_a]
    return out


def _marked(issue: Issue, label: str) -> Issue:
    """The issue with the variant it comes from before its place (both languages)."""
    where, where_zh = issue.where, issue.in_lang("zh").where
    return replace(
        issue,
        where=f"[{label}] {where}" if where else f"[{label}]",
        where_zh=f"[{label}] {where_zh}" if where_zh else f"[{label}]",
    )


def _json_ready(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value
