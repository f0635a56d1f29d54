"""What an audit could not compute, and why (DESIGN §9.1): the `notes` of an
`AuditResult`, in English and Chinese.

Flags are findings about the index; notes are about the audit itself:

- `too_few_units`: fewer than `stats.MIN_ROWS` rows audited, so no correlation, α,
  component or main effect could be computed (`n` is the count). It counts for
  `--fail-on any`: an audit that computed nothing must not pass a CI gate.
- `main_effect_missing`: too few rows for a meaningful main effect
  (`stats.MAIN_EFFECT_MIN_ROWS`), so `main_effect`, `main_effect_share` and `ratio`
  are left missing and `importance_gap` is not flagged; once, naming the nodes.
- `constant_children`: children constant or missing in the rows audited, left out
  of α, the components and the correlations.
- `no_components`: why a node's α and first component are missing (fewer than two
  children with a spread, or too few complete rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import polars as pl

from gdindex.analysis import stats
from gdindex.analysis.common import Tree
from gdindex.errors import plural
from gdindex.pipeline import NodeInfo


class _Audit(Protocol):
    """What the notes are read from (`gdindex.analysis.audit._Audit`)."""

    tree: Tree
    V: np.ndarray
    main_effects: bool

    def children_used(self, node: str) -> list[str]: ...
    def children_matrix(self, node: str) -> np.ndarray: ...
    def importance_sets(self) -> list[tuple[str, list[str], str]]: ...
    def effects_short(self, node: str, kids: list[str]) -> bool: ...


NOTE_KINDS = (
    "too_few_units",
    "main_effect_missing",
    "constant_children",
    "no_components",
)
FAILING_NOTES = ("too_few_units",)
"""Note kinds that `--fail-on any` counts (the audit could not be computed)."""


@dataclass(frozen=True)
class Note:
    kind: str
    node: str
    children: tuple[str, ...]
    n: int
    message: dict[str, str]


def _name(info: dict[str, NodeInfo], node: str, lang: str) -> str:
    n = info.get(node)
    if n is None:
        return node
    name = (n.name_zh or n.name_en) if lang == "zh" else (n.name_en or n.name_zh)
    return node if not name or name == node else f"{name} ({node})"


def _names(info: dict[str, NodeInfo], nodes: Iterable[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(_name(info, c, lang) for c in nodes)


def too_few_units(root: str, n: int, pooled: bool) -> Note:
    hint_en = "" if pooled else "; use --pooled to pool every period"
    hint_zh = "" if pooled else "；可用 --pooled 合并所有期"
    return Note(
        "too_few_units",
        root,
        (),
        n,
        {
            "en": f"the audit could not be computed: only {plural(n, 'unit')} "
            f"audited, correlations, α and components need at least "
            f"{stats.MIN_ROWS}{hint_en}",
            "zh": f"无法计算审计：仅有 {n} 个单位，相关系数、α 与主成分至少需要 "
            f"{stats.MIN_ROWS} 个{hint_zh}",
        },
    )


def main_effect_missing(
    info: dict[str, NodeInfo], nodes: list[str], n: int, pooled: bool
) -> Note:
    hint_en = "" if pooled else "; use --pooled to pool every period"
    hint_zh = "" if pooled else "；可用 --pooled 合并所有期"
    return Note(
        "main_effect_missing",
        nodes[0],
        tuple(nodes),
        n,
        {
            "en": f"main effects left missing for the children of "
            f"{_names(info, nodes, 'en')}: {plural(n, 'row')} audited, a main effect "
            f"needs at least {stats.MAIN_EFFECT_MIN_ROWS} (with one row per value "
            f"it is always 1); importance against weight is not judged{hint_en}",
            "zh": f"{_names(info, nodes, 'zh')} 的下级指标主效应留空：仅有 {n} 行，"
            f"主效应至少需要 {stats.MAIN_EFFECT_MIN_ROWS} 行（每个取值一行时恒为 1），"
            f"不判断重要性与权重是否相符{hint_zh}",
        },
    )


def constant_children(
    info: dict[str, NodeInfo], node: str, children: list[str]
) -> Note:
    return Note(
        "constant_children",
        node,
        tuple(children),
        len(children),
        {
            "en": f"{_names(info, children, 'en')} of {_name(info, node, 'en')}: "
            f"constant or missing in the rows audited, left out of α, the "
            f"components and the correlations",
            "zh": f"{_name(info, node, 'zh')} 的 {_names(info, children, 'zh')}："
            f"在所审计的行中为常数或缺失，不参与 α、主成分与相关计算",
        },
    )


def no_components(info: dict[str, NodeInfo], node: str, k: int, n: int) -> Note:
    if k < 2:
        en = "only 1 child with a spread" if k == 1 else "no child with a spread"
        zh = f"仅 {k} 个下级指标有差异"
    else:
        en = f"only {plural(n, 'complete row')} (at least {stats.MIN_ROWS} needed)"
        zh = f"完整行仅 {n} 行（至少需要 {stats.MIN_ROWS} 行）"
    return Note(
        "no_components",
        node,
        (),
        n,
        {
            "en": f"α and the first component of {_name(info, node, 'en')} are "
            f"missing: {en}",
            "zh": f"{_name(info, node, 'zh')} 的 α 与第一主成分缺失：{zh}",
        },
    )


def collect(frames: _Audit, pooled: bool) -> list[Note]:
    """What the audit `frames` could not compute, and why: `too_few_units` alone,
    or a `main_effect_missing` note, then per node `constant_children` and
    `no_components`."""
    info, n_rows = frames.tree.info, frames.V.shape[1]
    if n_rows < stats.MIN_ROWS:
        return [too_few_units(frames.tree.root, n_rows, pooled)]
    out, short = [], []
    for node in frames.tree.aggregates:
        used = frames.children_used(node)
        left = [c for c in frames.tree.children[node] if c not in used]
        if left:
            out.append(constant_children(info, node, left))
        alpha, n = stats.cronbach_alpha(frames.children_matrix(node))
        if not np.isfinite(alpha):
            out.append(no_components(info, node, len(used), n))
    for node, kids, _ in frames.importance_sets() if frames.main_effects else ():
        if frames.effects_short(node, kids) and node not in short:
            short.append(node)
    if short:
        out.insert(0, main_effect_missing(info, short, n_rows, pooled))
    return out


def notes_frame(notes: list[Note]) -> pl.DataFrame:
    """`kind, node, children (comma-separated), n, message, message_zh`."""
    return pl.DataFrame(
        {
            "kind": pl.Series([x.kind for x in notes], dtype=pl.String),
            "node": pl.Series([x.node for x in notes], dtype=pl.String),
            "children": pl.Series(
                [",".join(x.children) for x in notes], dtype=pl.String
            ),
            "n": pl.Series([x.n for x in notes], dtype=pl.Int64),
            "message": pl.Series([x.message["en"] for x in notes], dtype=pl.String),
            "message_zh": pl.Series([x.message["zh"] for x in notes], dtype=pl.String),
        }
    )
