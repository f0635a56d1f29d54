"""The tree's weights (DESIGN §4.4): each node's child weights, and effective weights.

A node's weighting comes from its `weights:` block (or `defaults.weights`):

- `explicit`: the tree's `weight` values rescaled to sum to 1 among siblings;
- `equal`: `1/m` for m children;
- `ahp`: the priority vector of the pairwise matrix (eigenvector, row geometric means
  or normalised column means; checked with the spec);
- `entropy`, `cv`, `critic`, `sd`, `pca`: from the children's values
  (`gdindex.methods.weighting`), computed once over the rows of the pool
  (`panel`: every unit and period; `base`: the units of `base_period`), so that
  weights do not change between periods;
- `combine: {with: …, a: …}` on any of them: `w = a·w1 + (1 − a)·w2`, renormalised.

Which values feed a data-driven method: the children as the node aggregates them —
the normalised scores of indicator children (direction applied) and the scores of
sub-node children. `cv` needs the raw positive values (§4.4), so it takes the
prepared values of indicator children before direction and normalisation.

The effective weight of a node is the product of the rescaled weights along its path
from the root, so the effective weights of the indicators sum to 1.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gdindex.errors import Issue, IssueLog, MethodError, zh_text
from gdindex.methods.ahp import AhpResult, ahp_hint
from gdindex.methods.weighting import (
    DATA_DRIVEN,
    WEIGHTS,
    _components,
    ahp_result,
)
from gdindex.spec import IndexSpec, NodeSpec, Period, node_paths

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True)
class Component:
    """One method's weights inside a node's weighting (two when combined)."""

    method: str
    params: dict[str, Any]
    weights: np.ndarray
    share: float = 1.0
    rows: int | None = None
    """Rows of the pool the weights were computed from (data-driven methods)."""
    ahp: AhpResult | None = None


@dataclass(frozen=True)
class NodeWeights:
    """The weighting of one node's children."""

    node: str
    where: str
    """YAML path of the weights block used (`tree.children[1].weights`, or
    `defaults.weights`)."""
    children: tuple[str, ...]
    nominal: np.ndarray
    weights: np.ndarray
    components: tuple[Component, ...]

    @property
    def method(self) -> str:
        """`entropy`, or `ahp+entropy` when two methods are combined."""
        return "+".join(c.method for c in self.components)

    @property
    def from_data(self) -> bool:
        return any(c.method in DATA_DRIVEN for c in self.components)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready details: method, parameters, weights, AHP consistency."""
        out: dict[str, Any] = {
            "node": self.node,
            "where": self.where,
            "method": self.method,
            "weights": {
                c: float(w) for c, w in zip(self.children, self.weights, strict=True)
            },
            "components": [],
        }
        for c in self.components:
            item: dict[str, Any] = {
                "method": c.method,
                "params": c.params,
                "share": c.share,
                "weights": {
                    k: float(w) for k, w in zip(self.children, c.weights, strict=True)
                },
            }
            if c.rows is not None:
                item["rows"] = c.rows
            if c.ahp is not None:
                item["ahp"] = {
                    "lambda_max": c.ahp.lambda_max,
                    "ci": c.ahp.ci,
                    "cr": c.ahp.cr,
                }
            out["components"].append(item)
        return out


class ChildValues:
    """The values of one node's children, `[unit, period, child]`, for the pool.

    `scores` are what the node aggregates; `raw` (for `cv`) are the prepared values
    of indicator children before direction and normalisation, and the scores of
    sub-nodes. Both are built on first use.
    """

    def __init__(
        self,
        periods: Sequence[Period],
        scores: Callable[[], np.ndarray],
        raw: Callable[[], np.ndarray],
    ) -> None:
        self.periods = list(periods)
        self._scores = scores
        self._raw = raw

    def pool(self, method: str, params: Any) -> np.ndarray:
        """Rows × children matrix of the pool: every unit·period, or one period."""
        X = self._raw() if method == "cv" else self._scores()
        if params.pool == "base":
            return X[:, self.periods.index(params.base_period), :]
        U, P, m = X.shape
        return X.reshape(U * P, m)


def node_weights(
    spec: IndexSpec,
    node: NodeSpec,
    where: str,
    values: ChildValues | None,
    log: IssueLog,
) -> NodeWeights:
    """Derive the weights of `node`'s children.

    Problems (a pool the method cannot use, a base period outside the data) are
    logged as errors at `where` (equal weights stand in so that the caller can go on
    collecting problems); a child a data-driven method gives weight 0 is a warning.
    """
    kids = node.children or []
    children = tuple(c.id for c in kids)
    nominal = np.array([c.weight for c in kids], dtype=np.float64)
    params = spec.weights_for(node)
    comps = [
        _component(p, share, node.id, children, nominal, where, values, log)
        for share, p in _components(params, 1.0)
    ]
    # a·w1 + (1 − a)·w2, nested for a chain of combines; renormalised
    mixed = np.sum([c.share * c.weights for c in comps], axis=0)
    w = mixed / math.fsum(mixed)  # exactly rounded: the same on every machine
    return NodeWeights(node.id, where, children, nominal, w, tuple(comps))


def _dump(params: Any) -> dict[str, Any]:
    """A method's parameters for the outputs: `method` first, no `combine`."""
    data = params.model_dump(mode="json", exclude={"combine"})
    return {"method": data.pop("method"), **data}


def _component(
    params: Any,
    share: float,
    node: str,
    children: tuple[str, ...],
    nominal: np.ndarray,
    where: str,
    values: ChildValues | None,
    log: IssueLog,
) -> Component:
    method = params.method
    fallback = np.full(len(children), 1.0 / len(children))
    if method == "ahp":
        return _ahp_component(params, share, node, children, where, log, fallback)
    if method not in DATA_DRIVEN:
        w = WEIGHTS.get(method).fn(nominal, None, params)
        return Component(method, _dump(params), w, share)
    if values is None:
        raise MethodError(
            f"the {method} weights of '{node}' need the data: compute the index "
            "(gdindex.compute) to derive them",
            message_zh=f"'{node}' 的 {method} 权重需要数据：请先计算指数"
            "（gdindex.compute）再推导",
        )
    if params.pool == "base" and params.base_period not in values.periods:
        log.error(
            f"{where}.base_period",
            f"base_period {params.base_period!r} is not one of the periods "
            f"{values.periods}",
            "use one of the periods of the data",
            "bad-base-period",
            message_zh=f"base_period {params.base_period!r} 不在时期 "
            f"{values.periods} 之中",
            hint_zh="请使用数据中的某个时期",
        )
        return Component(method, _dump(params), fallback, share)
    X = values.pool(method, params)
    # A child with fewer than two values in the pool (e.g. a constant indicator,
    # which cannot be normalised, §4.2) carries no information: weight 0.
    usable = (~np.isnan(X)).sum(axis=0) >= 2
    if not usable.any():
        log.error(
            where,
            f"cannot derive {method} weights for the children of '{node}': no child "
            "has two values in the pool",
            _HINTS.get(method),
            "bad-weights",
            message_zh=f"无法为 '{node}' 的子节点推导 {method} 权重：没有哪个子节点"
            "在样本池中有两个以上的值",
            hint_zh=_HINTS_ZH.get(method),
        )
        return Component(method, _dump(params), fallback, share)
    for child, ok in zip(children, usable, strict=True):
        if not ok:
            log.warn(
                where,
                f"'{child}' gets weight 0 from {method} weights of '{node}': it has "
                "fewer than two values in the pool (a constant indicator cannot be "
                "normalised)",
                "drop the indicator, or weight this node another way",
                "zero-weight",
                message_zh=f"在 '{node}' 的 {method} 权重中，'{child}' 的权重为 0："
                "它在样本池中不足两个值（常数指标无法标准化）",
                hint_zh=_ZERO_WEIGHT_ZH,
            )
    try:
        w = np.zeros(len(children))
        w[usable] = WEIGHTS.get(method).fn(nominal[usable], X[:, usable], params)
    except ValueError as exc:
        kids = list(np.asarray(children)[usable])
        log.error(
            where,
            f"cannot derive {method} weights for the children of '{node}': "
            f"{_named(str(exc), kids)}",
            _HINTS.get(method),
            "bad-weights",
            message_zh=f"无法为 '{node}' 的子节点推导 {method} 权重："
            f"{_named(zh_text(exc) or str(exc), kids)}",
            hint_zh=_HINTS_ZH.get(method),
        )
        return Component(method, _dump(params), fallback, share)
    rows = int((~np.isnan(X)).any(axis=1).sum())
    for child, wj, ok in zip(children, w, usable, strict=True):
        if wj == 0.0 and ok:
            log.warn(
                where,
                f"'{child}' gets weight 0 from {method} weights of '{node}': it is "
                "constant over the pool (or carries no information)",
                "drop the indicator, or weight this node another way",
                "zero-weight",
                message_zh=f"在 '{node}' 的 {method} 权重中，'{child}' 的权重为 0："
                "它在样本池中为常数（或不含信息）",
                hint_zh=_ZERO_WEIGHT_ZH,
            )
    return Component(method, _dump(params), w, share, rows)


def _ahp_component(
    params: Any,
    share: float,
    node: str,
    children: tuple[str, ...],
    where: str,
    log: IssueLog,
    fallback: np.ndarray,
) -> Component:
    try:
        result = ahp_result(params, children)
    except ValueError as exc:
        log.error(
            f"{where}.matrix",
            f"AHP weights of '{node}': {exc}",
            ahp_hint(str(exc)),
            "bad-ahp",
            message_zh=f"'{node}' 的层次分析法权重：{zh_text(exc) or exc}",
            hint_zh=ahp_hint(str(exc), "zh"),
        )
        return Component("ahp", _dump(params), fallback, share)
    return Component("ahp", _dump(params), result.weights, share, ahp=result)


_HINTS = {
    "entropy": "entropy needs at least two values per child in the pool; with "
    "prenormalise: false the values must be ≥ 0",
    "cv": "cv uses raw values, which must be positive: use entropy or critic for "
    "indicators with zeros or negative values",
    "critic": "CRITIC needs children that vary: drop constant children or use "
    "another method",
    "sd": "sd weights need children that vary: drop constant children or use "
    "another method",
    "pca": "PCA needs a unique first component: with uncorrelated or constant "
    "children use entropy or critic",
}


_HINTS_ZH = {
    "entropy": "熵权法要求每个子节点在样本池中至少有两个值；prenormalise: false 时"
    "数值须 ≥ 0",
    "cv": "变异系数法使用原始值，须为正数：含 0 或负值的指标请改用熵权法或 CRITIC 法",
    "critic": "CRITIC 法要求子节点有变化：请删去常数子节点，或改用其他方法",
    "sd": "标准差法要求子节点有变化：请删去常数子节点，或改用其他方法",
    "pca": "主成分法要求第一主成分唯一：子节点互不相关或为常数时，请改用熵权法或 "
    "CRITIC 法",
}
_ZERO_WEIGHT_ZH = "请删去该指标，或改用其他方式为该节点赋权"


def _named(message: str, children: Sequence[str]) -> str:
    """Replace `column j` (`第 j 列`) in a weighting message by the child's id."""

    def name(match: re.Match[str]) -> str:
        j = int(match.group(1) or match.group(2))
        if j >= len(children):
            return match.group(0)
        zh = match.group(2) is not None
        return f"子节点 '{children[j]}'" if zh else f"child '{children[j]}'"

    return re.sub(r"column (\d+)|第 (\d+) 列", name, message)


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class WeightRow:
    """One node's weights for `weights.csv`."""

    node: str
    parent: str | None
    nominal: float
    weight: float
    effective_weight: float
    method: str


def child_weights(spec: IndexSpec, node: NodeSpec) -> np.ndarray:
    """Rescaled weights of `node`'s children from the spec alone (explicit, equal,
    ahp); data-driven methods raise `MethodError` (they need `compute`)."""
    log = IssueLog()
    found = node_weights(spec, node, "", None, log)
    if log.errors:
        first = log.errors[0]
        raise MethodError(first.message, message_zh=first.in_lang("zh").message)
    return found.weights


def spec_weights(
    spec: IndexSpec, log: IssueLog | None = None
) -> dict[str, NodeWeights]:
    """Weights of every inner node from the spec alone (no data-driven method)."""
    log = log if log is not None else IssueLog()
    return {
        node.id: node_weights(spec, node, spec.weights_where(path, node), None, log)
        for node, path in node_paths(spec)
    }


def needs_data(spec: IndexSpec) -> bool:
    """Whether some node's weights are derived from the data."""
    return any(
        p.method in DATA_DRIVEN
        for node, _ in node_paths(spec)
        for _, p in _components(spec.weights_for(node), 1.0)
    )


def weight_rows(
    spec: IndexSpec, derived: dict[str, NodeWeights] | None = None
) -> list[WeightRow]:
    """Weights of every node in pre-order, the root first (weight 1)."""
    found = derived if derived is not None else spec_weights(spec)
    rows = [WeightRow(spec.tree.id, None, 1.0, 1.0, 1.0, "root")]

    def walk(node: NodeSpec, effective: float) -> Iterator[WeightRow]:
        if node.is_leaf:
            return
        nw = found[node.id]
        for child, w in zip(node.children or [], nw.weights, strict=True):
            yield WeightRow(
                child.id, node.id, child.weight, float(w), effective * w, nw.method
            )
            yield from walk(child, effective * float(w))

    rows.extend(walk(spec.tree, 1.0))
    return rows


@dataclass
class Weighting:
    """The weights of a whole tree: per node how they were derived, and per node
    its nominal, rescaled and effective weight (what `gdindex weights` shows)."""

    spec: IndexSpec
    nodes: dict[str, NodeWeights]
    from_data: bool
    rows: list[WeightRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    """Warnings about the weights (zero weights, ignored tree weights, AHP)."""

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = weight_rows(self.spec, self.nodes)

    def frame(self) -> pl.DataFrame:
        """`node, parent, weight, effective_weight, method` (weights.csv)."""
        import polars as pl

        return pl.DataFrame(
            {
                "node": [r.node for r in self.rows],
                "parent": [r.parent for r in self.rows],
                "weight": [r.weight for r in self.rows],
                "effective_weight": [r.effective_weight for r in self.rows],
                "method": [r.method for r in self.rows],
            },
            schema={
                "node": pl.String,
                "parent": pl.String,
                "weight": pl.Float64,
                "effective_weight": pl.Float64,
                "method": pl.String,
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the tree's rows and every node's derivation."""
        depth = {n.id: d for n, d in self.spec.tree.walk()}
        return {
            "spec": {"id": self.spec.id, "name": self.spec.name.model_dump()},
            "overrides": list(self.spec.overrides),
            "from_data": self.from_data,
            "rows": [
                {
                    "node": r.node,
                    "parent": r.parent,
                    "depth": depth[r.node],
                    "nominal": r.nominal,
                    "weight": r.weight,
                    "effective_weight": r.effective_weight,
                    "method": r.method,
                }
                for r in self.rows
            ],
            "nodes": [nw.to_dict() for nw in self.nodes.values()],
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialise `to_dict()` deterministically."""

        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


def _about_weights(issue: Issue) -> bool:
    return issue.where.startswith(("tree", "defaults.weights"))
