"""Weights that make a node's children matter as the weights say (DESIGN §9.1
`--optimise`): `optimise_weights(result, "balance" | "infomax", node=…)`.

For the children `x_1 … x_k` of a node (their scores over the units of the period,
or every unit × period when pooled; rows complete in every child) and weights `w`
on the simplex (`w_i ≥ 0`, `Σ w_i = 1`), the node is read as the weighted sum
`y(w) = Σ w_i x_i` and `r_i(w)` is Pearson's correlation of `x_i` with `y(w)`:

- `balance` minimises the spread of the correlations, `Σ (r_i − r̄)²`: each child
  then correlates equally with the node, the "equal influence" reading of weights
  (as COINr's `get_opt_weights(optType = "balance")`; Becker, Saisana, Paruolo &
  Vandecasteele 2017, "Weights and importance in composite indicators: Closing the
  gap", Ecological Indicators 80);
- `infomax` maximises `Σ r_i`: the node carries as much of its children's
  information as a weighted sum can.

The search is SciPy's SLSQP from the nominal weights. The new weights are given with
the `--set` lines that apply them (plus `…weights.method=explicit` when the node's
weights are data-driven); `gdindex.analysis.compare.compare` of the spec with and
without them gives the rank shifts of the index, and Cronbach's α of every node is given
for both variants. For a node that is not an arithmetic mean the weighted sum is an
approximation of its aggregation (`linear` is False).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from gdindex.analysis import stats
from gdindex.analysis.common import (
    AnalysisError,
    Tree,
    choose_period,
    find_node,
    node_label,
    score_cube,
)
from gdindex.analysis.compare import Comparison, compare
from gdindex.errors import Issue, plural
from gdindex.io import json_records
from gdindex.pipeline import IndexResult, NodeInfo
from gdindex.spec import NodeSpec, Period

METHODS = ("balance", "infomax")


@dataclass
class Optimised:
    """Optimised weights of one node's children.

    Attributes:
        node, method, period (None when pooled), pooled, linear (the node is an
            arithmetic mean).
        weights: `child, nominal, optimised, r_nominal, r_optimised` (weights sum
            to 1; r is the correlation with the node as the weighted sum).
        spread: standard deviation of the r's, nominal and optimised;
            `total`: their sums.
        sets: the `--set KEY=VALUE` lines that apply the weights.
        reproduce: the `--set` lines that reproduce the optimised index: those the
            spec was loaded with, then `sets`.
        excluded: children constant or missing in the rows used: left at weight 0.
        zeroed: children the search set to weight 0 (they drop out of the index).
        alpha: `node, alpha_nominal, alpha_optimised` of every aggregate node.
        comparison: the index under the nominal (A) and optimised (B) weights.
        converged, message: how the search ended.
    """

    node: str
    method: str
    period: Period | None
    pooled: bool
    linear: bool
    weights: pl.DataFrame
    spread: dict[str, float]
    total: dict[str, float]
    sets: list[str]
    alpha: pl.DataFrame
    comparison: Comparison | None
    converged: bool
    message: str
    nodes: list[NodeInfo] = field(default_factory=list)
    reproduce: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    zeroed: list[str] = field(default_factory=list)

    def node_name(self, node: str, lang: str = "zh") -> str:
        return node_label(self.nodes, node, lang)

    def to_dict(self) -> dict[str, Any]:
        summary = self.comparison.summary if self.comparison else {}
        return {
            "node": self.node,
            "method": self.method,
            "period": self.period,
            "pooled": self.pooled,
            "linear": self.linear,
            "weights": json_records(self.weights),
            "spread": self.spread,
            "total": self.total,
            "sets": self.sets,
            "reproduce": self.reproduce,
            "excluded": self.excluded,
            "zeroed": self.zeroed,
            "alpha": json_records(self.alpha),
            "rank_shift": {
                k: summary.get(k)
                for k in (
                    "n_units",
                    "spearman",
                    "mean_abs_rank_shift",
                    "max_abs_rank_shift",
                    "units_moved",
                )
            },
            "movers": _clean(summary.get("movers", [])),
            "converged": self.converged,
            "message": self.message,
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def correlations(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Pearson's r of every column of `X` (complete rows) with `X @ w`."""
    y = X @ w
    return np.array([stats._r(X[:, i], y) for i in range(X.shape[1])])


def solve(
    X: np.ndarray, start: np.ndarray, method: str
) -> tuple[np.ndarray, bool, str]:
    """Weights on the simplex optimising `method` for the columns of `X`."""
    from scipy.optimize import minimize

    k = X.shape[1]
    # standardised columns: r_i(w) = corr(z_i, Z v) with v ∝ w / sd, computed fast
    mu, sd = X.mean(axis=0), X.std(axis=0, ddof=1)
    Z = (X - mu) / np.where(sd > 0, sd, 1.0)
    C = (Z.T @ Z) / (len(Z) - 1)  # correlation matrix

    def r_of(w: np.ndarray) -> np.ndarray:
        v = w * sd
        cov = C @ v  # cov(z_i, y) / sd_y scale
        var = float(v @ C @ v)
        return cov / np.sqrt(var) if var > 0 else np.zeros(k)

    def objective(w: np.ndarray) -> float:
        r = r_of(w)
        if method == "balance":
            return float(((r - r.mean()) ** 2).sum())
        return -float(r.sum())

    found = minimize(
        objective,
        start,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * k,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    w = np.asarray(found.x, dtype=float)
    w = np.where(w < 1e-9, 0.0, w)  # SLSQP leaves ~1e-17 at a bound
    w = w / w.sum() if w.sum() > 0 else start
    return w, bool(found.success), str(found.message)


def _spec_node(tree: NodeSpec, node: str) -> tuple[NodeSpec, str]:
    """The spec's node and its `--set` path (`tree.children.a.children.b`)."""
    todo: list[tuple[NodeSpec, str]] = [(tree, "tree")]
    while todo:
        current, path = todo.pop()
        if current.id == node:
            return current, path
        for child in current.children or ():
            todo.append((child, f"{path}.children.{child.id}"))
    raise AnalysisError(
        f"node {node!r} is not in the spec's tree",
        message_zh=f"节点 {node!r} 不在配置文件的指标树中",
    )


def optimise_weights(
    result: IndexResult,
    method: str,
    *,
    node: str | None = None,
    period: Any = None,
    pooled: bool = False,
) -> Optimised:
    """Optimise the weights of the children of `node` (default: the root).

    Raises:
        AnalysisError: unknown method, node or period; an indicator as node; fewer
            than 3 rows complete in every child.
        SpecError, DataError: the variant with the new weights cannot be computed.
    """
    if method not in METHODS:
        raise AnalysisError(
            f"unknown optimisation {method!r}",
            [
                Issue(
                    "--optimise",
                    f"unknown method {method!r}",
                    "use balance or infomax",
                    message_zh=f"未知的方法 {method!r}",
                    hint_zh="请使用 balance 或 infomax",
                )
            ],
            message_zh=f"未知的权重优化方法 {method!r}",
        )
    tree = Tree(result.nodes)
    target = find_node(result.nodes, node).id if node else tree.root
    kids = tree.children[target]
    if not kids:
        raise AnalysisError(
            f"node {target!r} is an indicator",
            [
                Issue(
                    "--node",
                    f"{target!r} has no children to weight",
                    "give an aggregate node",
                    message_zh=f"{target!r} 没有可赋权的子节点",
                    hint_zh="请给出一个聚合节点",
                )
            ],
            message_zh=f"节点 {target!r} 是指标",
        )
    cube = score_cube(result)
    chosen: Period | None = None
    if pooled:
        rows = cube.reshape(cube.shape[0], -1)
    else:
        chosen = choose_period(result, period)
        rows = cube[:, :, result.periods.index(chosen)]
    _check_children(target, kids, rows, tree, pooled)
    used = [c for c in kids if stats.has_spread(rows[tree.pos[c]])]
    X = np.stack([rows[tree.pos[c]] for c in used], axis=1)
    X = X[stats.complete(*X.T)]
    if len(X) < stats.MIN_ROWS:
        raise AnalysisError(
            f"too few complete rows to optimise the weights of {target!r}",
            [
                Issue(
                    "--node",
                    f"{plural(len(X), 'unit')} with every child of {target!r}",
                    "use --pooled" if not pooled else "give another node",
                    message_zh=f"只有 {len(X)} 个地区具备 {target!r} 的全部子节点",
                    hint_zh="请使用 --pooled" if not pooled else "请换一个节点",
                )
            ],
            message_zh=f"完整的行太少，无法优化 {target!r} 的权重",
        )
    nominal_map = dict(
        zip(
            result.weights["node"].to_list(),
            result.weights["weight"].to_list(),
            strict=True,
        )
    )
    nominal = np.array([nominal_map.get(c) or 0.0 for c in kids])
    nominal = (
        nominal / nominal.sum()
        if nominal.sum() > 0
        else np.full(len(kids), 1 / len(kids))
    )
    at = [kids.index(c) for c in used]
    start = nominal[at] / nominal[at].sum() if nominal[at].sum() > 0 else None
    if start is None:
        start = np.full(len(used), 1 / len(used))
    found, converged, message = solve(X, start, method)
    found = np.where(found < 1e-9, 0.0, found)
    found = found / found.sum()
    optimised = np.zeros(len(kids))
    optimised[at] = found
    r_a = np.full(len(kids), np.nan)
    r_b = np.full(len(kids), np.nan)
    r_a[at], r_b[at] = correlations(X, start), correlations(X, found)

    spec_node, path = _spec_node(result.spec.tree, target)
    sets = []
    if result.spec.weights_for(spec_node).method != "explicit":
        sets.append(f"{path}.weights.method=explicit")
    sets += [
        f"{path}.children.{c}.weight={w:.6g}"
        for c, w in zip(kids, optimised, strict=True)
    ]
    spec = result.spec
    cmp = compare(spec, overrides=sets, period=chosen) if spec.path else None
    alpha = _alphas(result, cmp.result_b if cmp else None, chosen, pooled)
    return Optimised(
        node=target,
        method=method,
        period=chosen,
        pooled=pooled,
        linear=tree.info[target].method == "arithmetic",
        weights=pl.DataFrame(
            {
                "child": kids,
                "nominal": nominal,
                "optimised": optimised,
                "r_nominal": r_a,
                "r_optimised": r_b,
            }
        ),
        spread={
            "nominal": float(np.nanstd(r_a)),
            "optimised": float(np.nanstd(r_b)),
        },
        total={"nominal": float(np.nansum(r_a)), "optimised": float(np.nansum(r_b))},
        sets=sets,
        reproduce=[*result.spec.overrides, *sets],
        excluded=[c for c in kids if c not in used],
        zeroed=[c for c, w in zip(used, found, strict=True) if w == 0.0],
        alpha=alpha,
        comparison=cmp,
        converged=converged,
        message=message,
        nodes=result.nodes,
    )


def _check_children(
    target: str, kids: list[str], rows: np.ndarray, tree: Tree, pooled: bool
) -> None:
    """Refuse a node with one child, or fewer than two children with a spread in
    the rows used, naming the cause."""
    if len(kids) == 1:
        raise AnalysisError(
            f"node {target!r} has one child ({kids[0]!r}): there are no weights "
            "to choose",
            [
                Issue(
                    "--node",
                    f"{target!r} has only the child {kids[0]!r}",
                    "give a node with two or more children",
                    message_zh=f"{target!r} 只有一个子节点 {kids[0]!r}",
                    hint_zh="请给出有两个或更多子节点的节点",
                )
            ],
            message_zh=f"节点 {target!r} 只有一个子节点（{kids[0]!r}）：没有权重可选",
        )
    flat = [c for c in kids if not stats.has_spread(rows[tree.pos[c]])]
    if len(kids) - len(flat) < 2:
        raise AnalysisError(
            f"the children {', '.join(flat)} of {target!r} are constant or missing "
            "in the rows used: fewer than two children to weight",
            [
                Issue(
                    "--node",
                    f"constant or missing: {', '.join(flat)}",
                    "give another node"
                    if pooled
                    else "use --pooled if they vary between periods, or give "
                    "another node",
                    message_zh=f"为常数或缺失：{', '.join(flat)}",
                    hint_zh="请换一个节点"
                    if pooled
                    else "若它们在各时期之间有变化，请使用 --pooled；否则请换一个节点",
                )
            ],
            message_zh=f"{target!r} 的子节点 {', '.join(flat)} 在所用的行中为常数"
            "或缺失：可赋权的子节点不足两个",
        )


def _alphas(
    a: IndexResult, b: IndexResult | None, period: Period | None, pooled: bool
) -> pl.DataFrame:
    """Cronbach's α of every aggregate node under both variants."""
    out: dict[str, list[Any]] = {"node": [], "alpha_nominal": [], "alpha_optimised": []}
    tree = Tree(a.nodes)
    cubes = [score_cube(r) if r is not None else None for r in (a, b)]
    for node in tree.aggregates:
        out["node"].append(node)
        for key, cube in zip(("alpha_nominal", "alpha_optimised"), cubes, strict=True):
            if cube is None:
                out[key].append(None)
                continue
            if pooled or period is None:
                V = cube.reshape(cube.shape[0], -1)
            else:
                V = cube[:, :, a.periods.index(period)]
            kids = [c for c in tree.children[node] if stats.has_spread(V[tree.pos[c]])]
            if not kids:
                out[key].append(None)
                continue
            X = np.stack([V[tree.pos[c]] for c in kids], axis=1)
            alpha, _ = stats.cronbach_alpha(X)
            out[key].append(alpha if np.isfinite(alpha) else None)
    return pl.DataFrame(
        out,
        schema={
            "node": pl.String,
            "alpha_nominal": pl.Float64,
            "alpha_optimised": pl.Float64,
        },
    )
