"""Aggregators (DESIGN §4.3), applied bottom-up, node by node.

Each method is a pure function `fn(X, W, params)` where `X[unit, period, child]`
holds the children's scores and `W` the per-cell weights: the sibling weights of the
children that are present, rescaled to sum to 1 (0 for missing children). Coverage
(`min_coverage`) and the zero policy of the means that need positive values are
handled here, centrally, before a method runs. Each is registered with its parameter
model.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, field_validator

from gdindex.errors import IssueLog, LocalisedValueError, examples
from gdindex.methods.params import Model, Scoped
from gdindex.methods.registry import Registry


class _AggregateBase(Model):
    min_coverage: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Minimum weight share of available children; below it the node "
        "is missing for that unit and period.",
    )


ZeroPolicy = Literal["error", "shift", "floor"]


class ArithmeticSpec(_AggregateBase):
    """`Σ w_i x_i`."""

    method: Literal["arithmetic"] = "arithmetic"


class _PositiveMean(_AggregateBase):
    """Means that need positive inputs: what to do with values ≤ 0."""

    zero_policy: ZeroPolicy = Field(
        "error",
        description="Values ≤ 0: `error`, `shift` (add epsilon to every value of the "
        "node) or `floor` (replace them by epsilon)",
    )
    epsilon: float = Field(0.01, gt=0, description="Shift or floor value")


class GeometricSpec(_PositiveMean):
    """`exp(Σ w_i ln x_i)`."""

    method: Literal["geometric"] = "geometric"


class HarmonicSpec(_PositiveMean):
    """`1 / Σ (w_i / x_i)`."""

    method: Literal["harmonic"] = "harmonic"


class PowerMeanSpec(_PositiveMean):
    """`(Σ w_i x_i^p)^(1/p)`; the zero policy applies when p < 0 or p is fractional."""

    method: Literal["power_mean"] = "power_mean"
    p: float = Field(description="Exponent (≠ 0; p = 1 is arithmetic)")

    @field_validator("p")
    @classmethod
    def _non_zero(cls, value: float) -> float:
        if value == 0:
            raise LocalisedValueError(
                "p = 0 is the geometric mean: use method: geometric",
                "p = 0 即几何平均：请使用 method: geometric",
            )
        return value


class TopsisSpec(_AggregateBase, Scoped):
    """`100 · d⁻ / (d⁺ + d⁻)` with Euclidean distances to the ideal points of the
    weighted matrix `v = w·x` (Hwang & Yoon); the scope gives the units whose best
    and worst values are the ideal points."""

    method: Literal["topsis"] = "topsis"
    distance: Literal["textbook", "weighted"] = Field(
        "textbook",
        description="`textbook`: √Σ (w·x − w·best)² on the weighted matrix, as "
        "published and as the MCDA libraries compute it; `weighted`: √Σ w (x − best)²",
    )


AggregateSpec = Annotated[
    ArithmeticSpec | GeometricSpec | HarmonicSpec | PowerMeanSpec | TopsisSpec,
    Field(discriminator="method"),
]


AggregatorFn = Callable[[np.ndarray, np.ndarray, Any, list[Any]], np.ndarray]
AGGREGATORS: Registry[AggregatorFn] = Registry("aggregation", "聚合")

# Methods whose inputs must be positive (the zero policy applies).
POSITIVE_ONLY = {"geometric", "harmonic"}


@AGGREGATORS.register("arithmetic", ArithmeticSpec)
def arithmetic(
    X: np.ndarray, W: np.ndarray, p: ArithmeticSpec, periods: list[Any]
) -> np.ndarray:
    """Weighted arithmetic mean: `Σ w_i x_i`."""
    return np.sum(W * np.nan_to_num(X), axis=-1)


@AGGREGATORS.register("geometric", GeometricSpec)
def geometric(
    X: np.ndarray, W: np.ndarray, p: GeometricSpec, periods: list[Any]
) -> np.ndarray:
    """Weighted geometric mean: `exp(Σ w_i ln x_i)`."""
    logs = np.log(np.where(W > 0, X, 1.0))
    return np.exp(np.sum(W * logs, axis=-1))


@AGGREGATORS.register("harmonic", HarmonicSpec)
def harmonic(
    X: np.ndarray, W: np.ndarray, p: HarmonicSpec, periods: list[Any]
) -> np.ndarray:
    """Weighted harmonic mean: `1 / Σ (w_i / x_i)`."""
    return 1.0 / np.sum(W / np.where(W > 0, X, 1.0), axis=-1)


@AGGREGATORS.register("power_mean", PowerMeanSpec)
def power_mean(
    X: np.ndarray, W: np.ndarray, p: PowerMeanSpec, periods: list[Any]
) -> np.ndarray:
    """Weighted power mean: `(Σ w_i x_i^p)^(1/p)`.

    For an odd integer p the root keeps the sign, so negative inputs (z-scores)
    give a real mean. The values are scaled before powering (by the largest |x_i|
    for p > 0, the smallest for p < 0, so that every scaled term is at most 1):
    `m · (Σ w_i (x_i/m)^p)^(1/p)` is the same mean, and stays finite for large p
    (|p| ≥ 160 overflows 100^p) and large finite inputs.
    """
    used = W > 0
    size = np.abs(X)
    if p.p > 0:
        scale = np.max(np.where(used, size, -np.inf), axis=-1, keepdims=True)
    else:
        scale = np.min(np.where(used, size, np.inf), axis=-1, keepdims=True)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    scale = np.exp2(np.floor(np.log2(scale)))  # a power of two: divides exactly
    powered = np.power(np.where(used, X / scale, 1.0), p.p)
    total = np.sum(W * powered, axis=-1)
    if float(p.p).is_integer() and int(p.p) % 2 == 1:
        root = np.sign(total) * np.power(np.abs(total), 1.0 / p.p)
    else:
        root = np.power(total, 1.0 / p.p)
    return root * scale[..., 0]


@AGGREGATORS.register("topsis", TopsisSpec)
def topsis(
    X: np.ndarray, W: np.ndarray, p: TopsisSpec, periods: list[Any]
) -> np.ndarray:
    """TOPSIS closeness: `100 · d⁻ / (d⁺ + d⁻)`.

    `textbook` (Hwang & Yoon 1981): `v_j = w_j x_j`, `d⁺ = √Σ (v_j − v⁺_j)²` and
    `d⁻ = √Σ (v_j − v⁻_j)²` with `v±_j = w_j · best/worst_j`, i.e. `√Σ w_j² (x_j −
    best_j)²`; `weighted`: `d⁺ = √Σ w_j (x_j − best_j)²` (and the same for `d⁻`).
    Best and worst are each child's highest and lowest value over the units in
    scope; a child with no value in scope adds nothing to either distance.
    """
    out = np.full(X.shape[:2], np.nan)
    if p.scope == "panel":
        blocks: list[tuple[Any, Any]] = [(slice(None), slice(None))]
    elif p.scope == "period":
        blocks = [([j], [j]) for j in range(X.shape[1])]
    else:
        b = periods.index(p.base_period)
        blocks = [(slice(None), [b])]
    factor = W * W if p.distance == "textbook" else W
    for cols, ref_cols in blocks:
        best, worst = _ideal_points(X[:, ref_cols, :])
        x, f = X[:, cols, :], factor[:, cols, :]
        with np.errstate(invalid="ignore"):
            d_plus = np.sqrt(np.sum(f * np.nan_to_num((x - best) ** 2), axis=-1))
            d_minus = np.sqrt(np.sum(f * np.nan_to_num((x - worst) ** 2), axis=-1))
            total = d_plus + d_minus
            out[:, cols] = np.where(total > 0, 100.0 * d_minus / total, np.nan)
    return out


def _ideal_points(ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each child's highest and lowest value in `ref[unit, period, child]`, NaN for a
    child with no value (`fmax`/`fmin` skip NaN without numpy's all-NaN warning)."""
    flat = ref.reshape(-1, ref.shape[-1])
    if flat.shape[0] == 0:
        empty = np.full(ref.shape[-1], np.nan)
        return empty, empty
    return np.fmax.reduce(flat, axis=0), np.fmin.reduce(flat, axis=0)


def aggregate_node(
    node_id: str,
    X: np.ndarray,
    weights: np.ndarray,
    p: Any,
    units: list[str],
    periods: list[Any],
    log: IssueLog,
    children: Sequence[str] | None = None,
) -> np.ndarray:
    """Aggregate one node's children `X[unit, period, child]` with sibling `weights`.

    Only present children count and their weights are rescaled to sum to 1; when the
    weight share of present children is below `min_coverage` (or zero) the node is
    missing for that unit and period.
    """
    method = AGGREGATORS.get(p.method)
    if getattr(p, "scope", None) == "base" and p.base_period not in periods:
        log.error(
            f"tree node '{node_id}' ({p.method})",
            f"base period {p.base_period!r} is not among the periods {periods}",
            "set aggregate.base_period to a period with data",
            "bad-base-period",
            message_zh=f"基期 {p.base_period!r} 不在时期 {periods} 之中",
            hint_zh="请将 aggregate.base_period 设为有数据的时期",
            where_zh=f"指标树节点 '{node_id}'（{p.method}）",
        )
        return np.full(X.shape[:2], np.nan)
    names = (
        list(children)
        if children is not None
        else [f"child {k + 1}" for k in range(X.shape[-1])]
    )
    X = _apply_zero_policy(node_id, X, weights, p, units, periods, names, log)
    present = ~np.isnan(X)
    raw_w = np.where(present, weights, 0.0)
    total = weights.sum()
    share = raw_w.sum(axis=-1) / total if total > 0 else np.zeros(X.shape[:2])
    covered = share > 0
    if p.min_coverage > 0:
        covered &= share >= p.min_coverage - 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        W = raw_w / raw_w.sum(axis=-1, keepdims=True)
        W = np.nan_to_num(W)
        result = method.fn(X, W, p, periods)
    result = np.where(covered, result, np.nan)
    overflow = covered & ~np.isfinite(result) & ~np.isnan(result)
    overflow |= (
        covered & np.isnan(result) & np.isfinite(np.where(present, X, 0)).all(-1)
    )
    if overflow.any():
        cells = [
            (units[u], periods[t]) for u, t in zip(*np.nonzero(overflow), strict=True)
        ]
        log.warn(
            f"tree node '{node_id}' ({p.method})",
            f"the {p.method} mean is not a finite number for {examples(cells)}; "
            "it is left missing",
            "check the children's values (extreme magnitudes) and the method's "
            "parameters (e.g. a power mean's p)",
            "non-finite",
            message_zh=f"{examples(cells, lang='zh')} 的 {p.method} 平均值不是有限数，"
            "按缺失处理",
            hint_zh="请检查子节点的数值（是否量级极端）及方法参数（如幂平均的 p）",
            where_zh=f"指标树节点 '{node_id}'（{p.method}）",
        )
        result = np.where(overflow, np.nan, result)
    return result


def _invalid_inputs(X: np.ndarray, p: Any) -> np.ndarray | None:
    """Cells a mean cannot take (None when it takes any value)."""
    if p.method in POSITIVE_ONLY or (p.method == "power_mean" and p.p < 0):
        return X <= 0
    if p.method == "power_mean" and not float(p.p).is_integer():
        return X < 0  # 0^p = 0 for p > 0; negative bases have no real power
    return None


def _apply_zero_policy(
    node_id: str,
    X: np.ndarray,
    weights: np.ndarray,
    p: Any,
    units: list[str],
    periods: list[Any],
    children: list[str],
    log: IssueLog,
) -> np.ndarray:
    invalid = _invalid_inputs(X, p)
    if invalid is None:
        return X
    counts = weights > 0  # a child with weight 0 does not enter the mean
    bad = invalid & ~np.isnan(X) & counts
    if not bad.any():
        return X
    policy = p.zero_policy
    if policy == "shift":
        X = X + p.epsilon
    elif policy == "floor":
        X = np.where(bad, p.epsilon, X)
    still = _invalid_inputs(X, p)
    still = bad if policy == "error" else (still & ~np.isnan(X) & counts)
    if still.any():
        cells = sorted(
            {
                (units[u], periods[t], children[k])
                for u, t, k in zip(*np.nonzero(still), strict=True)
            }
        )
        log.error(
            f"tree node '{node_id}' ({p.method})",
            f"values ≤ 0 cannot enter a {p.method} mean: {examples(cells)}",
            "normalise onto a positive range, e.g. normalise: {method: minmax, "
            "range: [1, 100]}, or set aggregate.zero_policy: shift or floor",
            "non-positive",
            message_zh=f"≤ 0 的值不能参与 {p.method} 平均："
            f"{examples(cells, lang='zh')}",
            hint_zh="请标准化到正值区间，例如 normalise: {method: minmax, "
            "range: [1, 100]}，或设置 aggregate.zero_policy: shift 或 floor",
            where_zh=f"指标树节点 '{node_id}'（{p.method}）",
        )
        return np.where(still, np.nan, X)
    return X
