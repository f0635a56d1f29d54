"""The findings of the audit (DESIGN §9.1), each with a message and advice in plain
language, in English and Chinese (`MESSAGES`, `ADVICE`).

- `negative`: an indicator or node correlates negatively with its parent (r < 0);
- `weak`: 0 ≤ r with its parent < 0.3 (a negative r is `negative` only);
- `collinear`: two siblings with r > 0.92;
- `misplaced`: an indicator correlates more with another node of its parent's level
  (depth) than with its own parent;
- `low_alpha`: Cronbach's α of a node's children < 0.7;
- `multidimensional`: more than one eigenvalue of the children's correlation
  matrix > 1 (`value` is how many);
- `importance_gap`: main-effect share / weight outside [0.5, 2].

Correlations are Pearson's r over the complete pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from gdindex.pipeline import NodeInfo

FLAG_KINDS = (
    "negative",
    "weak",
    "collinear",
    "misplaced",
    "low_alpha",
    "multidimensional",
    "importance_gap",
)


@dataclass(frozen=True)
class Thresholds:
    """When a finding becomes a flag (DESIGN §9.1 defaults).

    Attributes:
        weak: `weak` when 0 ≤ r(child, parent) < weak.
        collinear: `collinear` when r(sibling, sibling) > collinear.
        low_alpha: `low_alpha` when α < low_alpha.
        eigenvalue: `multidimensional` when more than one eigenvalue > eigenvalue.
        ratio_low, ratio_high: `importance_gap` when ratio is outside [low, high].
    """

    weak: float = 0.3
    collinear: float = 0.92
    low_alpha: float = 0.7
    eigenvalue: float = 1.0
    ratio_low: float = 0.5
    ratio_high: float = 2.0


MESSAGES: dict[str, dict[str, str]] = {
    "negative": {
        "en": "{a} correlates negatively with its parent {node} (r = {shown})",
        "zh": "{a} 与上级 {node} 负相关（r = {shown}）",
    },
    "weak": {
        "en": "{a} is only weakly correlated with its parent {node} "
        "(r = {shown} < {threshold:g})",
        "zh": "{a} 与上级 {node} 相关较弱（r = {shown} < {threshold:g}）",
    },
    "collinear": {
        "en": "{a} and {b} are collinear (r = {shown} > {threshold:g})",
        "zh": "{a} 与 {b} 高度共线（r = {shown} > {threshold:g}）",
    },
    "misplaced": {
        "en": "{a} correlates more with {b} (r = {shown}) than with its own "
        "parent {node} (r = {shown_threshold})",
        "zh": "{a} 与 {b} 的相关（r = {shown}）高于与所属上级 {node} 的相关"
        "（r = {shown_threshold}）",
    },
    "low_alpha": {
        "en": "the children of {node} are not consistent "
        "(Cronbach's α = {shown} < {threshold:g})",
        "zh": "{node} 的下级指标内部一致性不足（Cronbach α = {shown} < {threshold:g}）",
    },
    "multidimensional": {
        "en": "{node} has {value:.0f} eigenvalues above {eigen:g}: its children "
        "span more than one dimension",
        "zh": "{node} 有 {value:.0f} 个特征值大于 {eigen:g}：其下级指标不止一个维度",
    },
    "importance_gap": {
        "en": "{a} matters {more_en} in {node} than its weight says: importance "
        "share {share:.3f} vs weight {weight:.3f} (ratio {value:.2f})",
        "zh": "{a} 在 {node} 中的实际重要性{more_zh}其权重：重要性份额 {share:.3f}，"
        "权重 {weight:.3f}（比值 {value:.2f}）",
    },
}

ADVICE: dict[str, dict[str, str]] = {
    "negative": {
        "en": "check its direction (1 or -1) in the spec; if it is right, it pulls "
        "against its parent: drop it or move it",
        "zh": "检查规格中该项的方向（1 或 -1）；方向无误则说明它与上级相悖，"
        "考虑删除或调整归属",
    },
    "weak": {
        "en": "it shares little of its parent's signal: check the data, or "
        "consider dropping or moving it",
        "zh": "它与上级的共同信息很少：核对数据，或考虑删除、调整归属",
    },
    "collinear": {
        "en": "they measure the same thing twice, doubling its weight: keep one, "
        "or merge them",
        "zh": "二者重复度量同一内容，相当于权重加倍：保留其一或合并",
    },
    "misplaced": {
        "en": "consider moving it under {b}, or state why it belongs to {node}",
        "zh": "考虑将其移至 {b} 之下，或说明其归属理由",
    },
    "low_alpha": {
        "en": "they may not measure one concept: look for weak or negative "
        "children, or split the node",
        "zh": "它们可能并非度量同一概念：检查弱相关或负相关的下级，或拆分该节点",
    },
    "multidimensional": {
        "en": "look at the loadings: split the node into the dimensions they show, "
        "or keep it as a deliberate mix and say so",
        "zh": "查看载荷：按其显示的维度拆分该节点，或说明这是有意的组合",
    },
    "importance_gap": {
        "en": "the weight does not do what it claims (the child's spread or "
        "correlations dominate): adjust it (see audit --optimise) or accept the "
        "difference knowingly",
        "zh": "权重未达到预期作用（受离散程度或相关性影响）：调整权重"
        "（参见 audit --optimise）或明确接受该差异",
    },
}


@dataclass(frozen=True)
class Finding:
    """One flag: `message` and `advice` by language."""

    kind: str
    node: str
    a: str | None
    b: str | None
    value: float
    threshold: float
    message: dict[str, str]
    advice: dict[str, str]


def beside(
    value: float, threshold: float, digits: int = 3, round_threshold: bool = True
) -> tuple[str, str]:
    """`value` and `threshold` with enough decimals that the comparison a message
    states is visibly true (r = 0.92000256 against 0.92 → `0.920003`, not `0.920`):
    at least `digits`, the threshold's own decimals + 2, and more while the two
    round alike (at most 12). `round_threshold` False: the threshold is itself a
    measured figure (`misplaced`), its decimals do not count."""
    own = len(f"{threshold:g}".partition(".")[2]) if round_threshold else 0
    d = max(digits, own + 2)
    while d < 12 and round(value, d) == round(threshold, d) and value != threshold:
        d += 1
    return f"{value:.{d}f}", f"{threshold:.{d}f}"


def _name(info: dict[str, NodeInfo], node: str, lang: str) -> str:
    n = info.get(node)
    if n is None:
        return node
    name = (n.name_zh or n.name_en) if lang == "zh" else (n.name_en or n.name_zh)
    return node if not name or name == node else f"{name} ({node})"


def findings(
    corr: Callable[[str, str], tuple[float, float, int]],
    children: dict[str, list[str]],
    info: dict[str, NodeInfo],
    th: Thresholds,
    cronbach: pl.DataFrame,
    pca: pl.DataFrame,
    importance: pl.DataFrame,
) -> list[Finding]:
    """Every flag of an audit, in `FLAG_KINDS` order, then tree order.

    Args:
        corr: `(pearson, spearman, n)` of two nodes.
        children: every node's children (empty for indicators).
        info: every node's `NodeInfo` (names, depth).
        th: the thresholds.
        cronbach, pca, importance: the audit's frames (§9.1 columns).
    """
    found: dict[str, list[Finding]] = {}

    def add(
        kind: str,
        node: str,
        a: str | None,
        b: str | None,
        value: float,
        threshold: float,
        **extra: Any,
    ) -> None:
        texts: dict[str, dict[str, str]] = {"message": {}, "advice": {}}
        shown = beside(value, threshold, round_threshold=kind != "misplaced")
        for lang in ("en", "zh"):
            fields = {
                "node": _name(info, node, lang),
                "a": _name(info, a, lang) if a else "",
                "b": _name(info, b, lang) if b else "",
                "value": value,
                "threshold": threshold,
                "eigen": th.eigenvalue,
                **dict(zip(("shown", "shown_threshold"), shown, strict=True)),
                **extra,
            }
            texts["message"][lang] = MESSAGES[kind][lang].format(**fields)
            texts["advice"][lang] = ADVICE[kind][lang].format(**fields)
        found.setdefault(kind, []).append(
            Finding(
                kind,
                node,
                a,
                b,
                float(value),
                float(threshold),
                texts["message"],
                texts["advice"],
            )
        )

    parents = [p for p in children if children[p]]
    for parent in parents:
        kids = children[parent]
        for child in kids:
            r = corr(child, parent)[0]
            if np.isfinite(r) and r < 0:
                add("negative", parent, child, parent, r, 0.0)
            elif np.isfinite(r) and r < th.weak:
                add("weak", parent, child, parent, r, th.weak)
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                r = corr(a, b)[0]
                if np.isfinite(r) and r > th.collinear:
                    add("collinear", parent, a, b, r, th.collinear)
    for parent in parents:
        level = [
            q for q in parents if info[q].depth == info[parent].depth and q != parent
        ]
        for child in children[parent] if level else []:
            own = corr(child, parent)[0]
            if children.get(child) or not np.isfinite(own):
                continue  # indicators only
            others = [(corr(child, q)[0], q) for q in level]
            best_r, best = max(
                ((r, q) for r, q in others if np.isfinite(r)),
                default=(-np.inf, ""),
            )
            if best and best_r > own:
                add("misplaced", parent, child, best, best_r, own)
    for row in cronbach.iter_rows(named=True):
        alpha = row["alpha"]
        if alpha is not None and alpha < th.low_alpha:
            add("low_alpha", row["node"], None, None, alpha, th.low_alpha)
    for node in parents:
        eig = pca.filter(pl.col("node") == node)["eigenvalue"].to_numpy()
        above = int((eig > th.eigenvalue).sum())
        if above > 1:
            add("multidimensional", node, None, None, above, 1.0)
    for row in importance.iter_rows(named=True):
        ratio = row["ratio"]
        if ratio is None or th.ratio_low <= ratio <= th.ratio_high:
            continue
        more = ratio > th.ratio_high
        add(
            "importance_gap",
            row["node"],
            row["child"],
            None,
            ratio,
            th.ratio_high if more else th.ratio_low,
            share=row["main_effect_share"],
            weight=row["weight"],
            more_en="more" if more else "less",
            more_zh="高于" if more else "低于",
        )
    return [f for kind in FLAG_KINDS for f in found.get(kind, [])]


def findings_frame(
    found: list[Finding], period: Any, period_dtype: Any
) -> pl.DataFrame:
    """`kind, node, a, b, period, value, threshold, message, advice, message_zh,
    advice_zh` (audit_flags.csv), one row per finding."""
    n = len(found)

    def text(values: list[Any]) -> pl.Series:
        return pl.Series(values, dtype=pl.String)

    return pl.DataFrame(
        {
            "kind": text([f.kind for f in found]),
            "node": text([f.node for f in found]),
            "a": text([f.a for f in found]),
            "b": text([f.b for f in found]),
            "period": pl.Series([period] * n, dtype=period_dtype),
            "value": pl.Series([f.value for f in found], dtype=pl.Float64),
            "threshold": pl.Series([f.threshold for f in found], dtype=pl.Float64),
            "message": text([f.message["en"] for f in found]),
            "advice": text([f.advice["en"] for f in found]),
            "message_zh": text([f.message["zh"] for f in found]),
            "advice_zh": text([f.advice["zh"] for f in found]),
        }
    )
