"""Weighting schemes (DESIGN §4.4): numeric formulas, parameter models, registry.

The schemes that set a node's child weights, as pure functions on arrays, each
registered with its parameter model. The tree's weights (nominal, derived,
effective) are built from these in `gdindex.pipeline.tree_weights`.

Every data-driven function takes the children of one node as columns `j` of a float
matrix `X` (rows `i` = units · periods of the chosen pool, `NaN` = missing) and returns
weights that are non-negative and sum to 1. Direction has already been applied by the
caller (`x = d · raw`). Choices where §4.4 is silent:

- Missing values are ignored column by column (`n_j` = non-missing rows of column `j`);
  correlations use the rows complete in both columns (pairwise deletion).
- Standard deviations are sample ones (`n − 1`), as in the z-score normaliser.
- A single column gets weight 1 (after the input checks of its method).
- A column that is constant (over its non-missing rows) carries no information: it gets
  weight 0 in `entropy`, `critic` and `pca`, and correlates 0 with every other column.
  If every column gets weight 0 the method raises `ValueError`.
- Functions raise `ValueError` (never warn) on unusable input.
"""

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, Literal, get_args

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from gdindex.errors import LocalisedValueError, MethodError
from gdindex.methods import ahp as ahp_scheme
from gdindex.methods.params import Model, PeriodField
from gdindex.methods.registry import Registry

#: Saaty's random consistency index RI(m) for m = 1…10.
#: Relative tolerance below which a variance counts as zero (a constant column).
_CONSTANT_RTOL = 1e-12


# --------------------------------------------------------------------------- helpers


def _matrix(X: Any, *, min_rows: int = 2) -> np.ndarray:
    """`X` as a 2-D float64 array; every column needs `min_rows` non-missing rows."""
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2:
        raise LocalisedValueError(
            f"expected a 2-D matrix (rows × columns), got {A.ndim}-D",
            f"应为二维矩阵（行 × 列），实际为 {A.ndim} 维",
        )
    if A.shape[1] == 0:
        raise LocalisedValueError("expected at least one column", "至少需要一列")
    if np.isinf(A).any():
        j = int(np.argwhere(np.isinf(A))[0, 1])
        raise LocalisedValueError(
            f"column {j} has infinite values", f"第 {j} 列含有无穷大值"
        )
    counts = (~np.isnan(A)).sum(axis=0)
    short = np.flatnonzero(counts < min_rows)
    if short.size:
        j = int(short[0])
        raise LocalisedValueError(
            f"column {j} has {int(counts[j])} non-missing values; "
            f"at least {min_rows} are needed",
            f"第 {j} 列只有 {int(counts[j])} 个非缺失值，至少需要 {min_rows} 个",
        )
    return A


def _normalised(C: np.ndarray, what: str, what_zh: str) -> np.ndarray:
    """`C / Σ C`, raising if every score is zero (`what`: why, in English and
    Chinese)."""
    total = C.sum()
    if not total > 0.0:
        raise LocalisedValueError(
            f"all columns {what}; weights are undefined",
            f"所有列均{what_zh}，无法确定权重",
        )
    return C / total


def _minmax(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column `(x − min) / (max − min)` (NaN kept) and the constant-column mask.

    Constant columns map to 0 rather than `0/0`.
    """
    lo = np.nanmin(A, axis=0)
    span = np.nanmax(A, axis=0) - lo
    constant = span <= 0.0
    safe = np.where(constant, 1.0, span)
    return (A - lo) / safe, constant


def _sample_sd(A: np.ndarray) -> np.ndarray:
    """Sample standard deviation (`n − 1`) of each column over its non-missing rows."""
    M = ~np.isnan(A)
    n = M.sum(axis=0)
    mean = np.where(M, A, 0.0).sum(axis=0) / n
    dev = np.where(M, A - mean, 0.0)
    return np.sqrt((dev * dev).sum(axis=0) / (n - 1))


def pairwise_correlation(X: Any) -> np.ndarray:
    """Pearson correlation matrix with pairwise deletion.

    `r_jk = Σ (x_ij − x̄_j)(x_ik − x̄_k) / √(Σ (x_ij − x̄_j)² · Σ (x_ik − x̄_k)²)`, the
    sums and means taken over the rows where both `x_ij` and `x_ik` are present.
    `r_jj = 1`; `r_jk = 0` when either column is constant on those rows or fewer than
    two rows are shared. Results are clipped to [−1, 1]. Vectorised as four matrix
    products (`n_jk`, `Σ x_j`, `Σ x_j²`, `Σ x_j x_k` over the shared rows).
    """
    A = np.asarray(X, dtype=np.float64)
    M = ~np.isnan(A)
    Mf = M.astype(np.float64)
    n_col = Mf.sum(axis=0)
    mean = np.where(M, A, 0.0).sum(axis=0) / np.where(n_col > 0, n_col, 1.0)
    Z = np.where(M, A - mean, 0.0)  # centred first: less cancellation below
    N = Mf.T @ Mf  # N[j, k] = rows shared by j and k
    S = Z.T @ Mf  # S[j, k] = Σ_shared z_j
    Q = (Z * Z).T @ Mf  # Q[j, k] = Σ_shared z_j²
    P = Z.T @ Z  # P[j, k] = Σ_shared z_j z_k
    with np.errstate(divide="ignore", invalid="ignore"):
        Nsafe = np.where(N > 0, N, 1.0)
        cov = P - S * S.T / Nsafe
        var = Q - S * S / Nsafe  # var[j, k]: spread of j on rows shared with k
        var_t = var.T
        degenerate = (
            (N < 2) | (var <= _CONSTANT_RTOL * Q) | (var_t <= _CONSTANT_RTOL * Q.T)
        )
        R = np.where(degenerate, 0.0, cov / np.sqrt(np.abs(var * var_t)))
    R = np.clip(R, -1.0, 1.0)
    np.fill_diagonal(R, 1.0)
    return R


# --------------------------------------------------------------------------- methods


def entropy_weights(
    X: Any, shift: float = 1e-4, prenormalise: bool = True
) -> np.ndarray:
    """Entropy: `w_j = (1 − e_j) / Σ_k (1 − e_k)`.

    `y_ij = (x_ij − min_j) / (max_j − min_j) + shift` when `prenormalise`, else
    `y_ij = x_ij + shift` (then `x` must be ≥ 0); `p_ij = y_ij / Σ_i y_ij`;
    `e_j = −(1 / ln n_j) Σ_i p_ij ln p_ij` with `0 · ln 0 = 0` and `n_j` the
    non-missing rows of column `j`. A constant column has `e_j = 1` exactly (weight 0).
    """
    if shift < 0.0 or not np.isfinite(shift):
        raise LocalisedValueError(
            f"shift must be a finite number ≥ 0, got {shift}",
            f"shift 须为 ≥ 0 的有限数，实际为 {shift}",
        )
    A = _matrix(X)
    M = ~np.isnan(A)
    if prenormalise:
        Y, constant = _minmax(A)
    else:
        negative = np.flatnonzero((np.where(M, A, 0.0) < 0.0).any(axis=0))
        if negative.size:
            raise LocalisedValueError(
                f"column {int(negative[0])} has negative values; entropy without "
                "prenormalise needs values ≥ 0",
                f"第 {int(negative[0])} 列含有负值；不做预标准化（prenormalise）的"
                "熵权法要求数值 ≥ 0",
            )
        Y = A
        constant = np.nanmin(A, axis=0) == np.nanmax(A, axis=0)
    Y = np.where(M, Y + shift, 0.0)
    total = Y.sum(axis=0)
    zero = np.flatnonzero((total <= 0.0) & ~constant)
    if zero.size:  # only reachable without prenormalise: all zeros and shift 0
        raise LocalisedValueError(
            f"column {int(zero[0])} sums to 0", f"第 {int(zero[0])} 列之和为 0"
        )
    P = Y / np.where(total > 0.0, total, 1.0)
    PlnP = np.zeros_like(P)
    np.multiply(P, np.log(P, out=np.zeros_like(P), where=P > 0.0), out=PlnP)
    n = M.sum(axis=0)
    e = -PlnP.sum(axis=0) / np.log(n)
    e = np.where(constant, 1.0, np.minimum(e, 1.0))  # e ≤ 1 up to rounding
    if A.shape[1] == 1:
        return np.ones(1)
    return _normalised(1.0 - e, "are constant", "为常数")


def cv_weights(X: Any) -> np.ndarray:
    """Coefficient of variation: `w_j ∝ sd_j / mean_j` of the raw (positive) values.

    `sd_j` is the sample standard deviation (`n_j − 1`) over the non-missing rows.
    """
    A = _matrix(X)
    bad = np.flatnonzero((np.where(np.isnan(A), 1.0, A) <= 0.0).any(axis=0))
    if bad.size:
        raise LocalisedValueError(
            f"column {int(bad[0])} has values ≤ 0; cv weights need positive values",
            f"第 {int(bad[0])} 列含有 ≤ 0 的值；变异系数法要求数值为正",
        )
    if A.shape[1] == 1:
        return np.ones(1)
    return _normalised(_sample_sd(A) / np.nanmean(A, axis=0), "are constant", "为常数")


def critic_weights(X: Any, abs_r: bool = False) -> np.ndarray:
    """CRITIC: `C_j = sd_j · Σ_k (1 − r_jk)`, `w_j = C_j / Σ_k C_k`.

    On `y` = min-max of each column to [0, 1]; `sd_j` is the sample standard deviation
    of `y_j` over its non-missing rows, `r` the pairwise-deletion Pearson correlation
    (see `pairwise_correlation`; a constant column correlates 0 with the others).
    `abs_r` uses `1 − |r_jk|` (a strong negative correlation then counts as
    redundancy, as some published variants do).
    """
    A = _matrix(X)
    if A.shape[1] == 1:
        return np.ones(1)
    Y, constant = _minmax(A)
    sd = np.where(constant, 0.0, _sample_sd(Y))
    R = pairwise_correlation(Y)
    C = sd * (1.0 - (np.abs(R) if abs_r else R)).sum(axis=1)
    return _normalised(C, "are constant or perfectly correlated", "为常数或完全相关")


def sd_weights(X: Any) -> np.ndarray:
    """Standard deviation (标准差法): `w_j = sd_j / Σ_k sd_k`.

    `sd_j` is the sample standard deviation (`n_j − 1`) of column `j` over its
    non-missing rows, taken on the values as given (the children's normalised
    scores), so children on a wider spread weigh more.
    """
    A = _matrix(X)
    if A.shape[1] == 1:
        return np.ones(1)
    _, constant = _minmax(A)
    return _normalised(np.where(constant, 0.0, _sample_sd(A)), "are constant", "为常数")


def pca_weights(X: Any) -> np.ndarray:
    """PCA: `w_j = a_j² / Σ_k a_k²` with `a` the first principal component.

    `a` is the eigenvector of the largest eigenvalue of the columns' (pairwise-deletion)
    correlation matrix (`np.linalg.eigh`), its sign fixed so that `Σ a_j ≥ 0` (the
    weights do not depend on the sign). Constant columns are left out (weight 0). If
    the two largest eigenvalues tie (relative gap ≤ 1e-9) the component is not unique
    and a `ValueError` is raised.
    """
    A = _matrix(X)
    if A.shape[1] == 1:
        return np.ones(1)
    _, constant = _minmax(A)
    keep = np.flatnonzero(~constant)
    if keep.size == 0:
        raise LocalisedValueError(
            "all columns are constant; weights are undefined",
            "所有列均为常数，无法确定权重",
        )
    w = np.zeros(A.shape[1])
    if keep.size == 1:
        w[keep] = 1.0
        return w
    lam, vec = np.linalg.eigh(pairwise_correlation(A[:, keep]))
    if lam[-1] - lam[-2] <= 1e-9 * max(1.0, abs(lam[-1])):
        raise LocalisedValueError(
            "the first principal component is not unique (two largest eigenvalues "
            f"{lam[-1]:.6g} and {lam[-2]:.6g} tie)",
            f"第一主成分不唯一（最大的两个特征值 {lam[-1]:.6g} 与 {lam[-2]:.6g} 相等）",
        )
    a = vec[:, -1]
    a = -a if a.sum() < 0.0 else a
    w[keep] = a * a / (a @ a)
    return w


def combine_weights(w1: Any, w2: Any, a: float) -> np.ndarray:
    """Mix two weight vectors: `w = (a·w1 + (1 − a)·w2) / Σ (a·w1 + (1 − a)·w2)`.

    `0 ≤ a ≤ 1`; both vectors must be non-negative and of the same length.
    """
    if not 0.0 <= a <= 1.0:
        raise LocalisedValueError(
            f"combine share a must be in [0, 1], got {a}",
            f"组合比例 a 须在 [0, 1] 之间，实际为 {a}",
        )
    u = np.asarray(w1, dtype=np.float64)
    v = np.asarray(w2, dtype=np.float64)
    if u.ndim != 1 or u.shape != v.shape:
        raise LocalisedValueError(
            f"weight vectors differ in shape: {u.shape} vs {v.shape}",
            f"两组权重向量形状不同：{u.shape} 与 {v.shape}",
        )
    if not (np.isfinite(u).all() and np.isfinite(v).all()):
        raise LocalisedValueError("weights must be finite", "权重须为有限数")
    if (u < 0.0).any() or (v < 0.0).any():
        raise LocalisedValueError("weights must be non-negative", "权重不能为负")
    return _normalised(
        a * u + (1.0 - a) * v, "have zero combined weight", "的组合权重为 0"
    )


# ------------------------------------------------------------------ parameter models


class _WeightsBase(Model):
    combine: "CombineSpec | None" = Field(
        None,
        description="Mix with a second method: w = a·w1 + (1 − a)·w2, renormalised "
        "(w1: this method, w2: `with`)",
    )


class ExplicitWeightsSpec(_WeightsBase):
    """The tree's `weight` values, rescaled to sum to 1 among siblings."""

    method: Literal["explicit"] = "explicit"


class EqualWeightsSpec(_WeightsBase):
    """`1/m` for m children."""

    method: Literal["equal"] = "equal"


class _DataDriven(_WeightsBase):
    """Weights computed from the children's values, pooled over the panel."""

    pool: Literal["panel", "base"] = Field(
        "panel",
        description="Rows feeding the weights: `panel` (every unit and period "
        "pooled) or `base` (the units of `base_period` only)",
    )
    base_period: PeriodField | None = Field(
        None, description="Period whose rows are used when pool is `base`"
    )

    @model_validator(mode="after")
    def _base_needs_period(self) -> "_DataDriven":
        if self.pool == "base" and self.base_period is None:
            raise LocalisedValueError(
                "pool `base` needs `base_period`, e.g. base_period: 2021",
                "pool 为 `base` 时须给出 `base_period`，例如 base_period: 2021",
            )
        if self.pool == "panel" and self.base_period is not None:
            raise LocalisedValueError(
                "base_period is only used with `pool: base`",
                "base_period 只在 `pool: base` 时使用",
            )
        return self


class EntropyWeightsSpec(_DataDriven):
    """Entropy (熵权法): `y = minmax + shift`, `p = y / Σ y`,
    `e = −Σ p ln p / ln n`, `w ∝ 1 − e`."""

    method: Literal["entropy"] = "entropy"
    shift: float = Field(
        1e-4,
        ge=0,
        allow_inf_nan=False,
        description="Added to every y so that ln p is defined (0 allowed: 0·ln 0 = 0)",
    )
    prenormalise: bool = Field(
        True,
        description="Min-max the children to [0, 1] before p (else use the values "
        "as they are, which must be ≥ 0)",
    )


class CvWeightsSpec(_DataDriven):
    """Coefficient of variation: `w ∝ sd / mean` of the raw (positive) values."""

    method: Literal["cv"] = "cv"


class CriticWeightsSpec(_DataDriven):
    """CRITIC: `C_j = sd_j · Σ_k (1 − r_jk)` on min-max values; `w ∝ C`."""

    method: Literal["critic"] = "critic"
    abs_r: bool = Field(
        False, description="Use `1 − |r_jk|` (negative correlation is redundancy too)"
    )


class SdWeightsSpec(_DataDriven):
    """Standard deviation (标准差法): `w ∝ sd` of the children's normalised values."""

    method: Literal["sd"] = "sd"


class PcaWeightsSpec(_DataDriven):
    """First principal component of the correlation matrix: `w ∝ loading²`."""

    method: Literal["pca"] = "pca"


AhpCell = float | str | None


class AhpWeightsSpec(_WeightsBase):
    """AHP: priority vector of a Saaty pairwise matrix (eigenvector, row geometric
    means or normalised column means); `CR ≤ max_cr`."""

    method: Literal["ahp"] = "ahp"
    matrix: list[list[AhpCell]] = Field(
        description="Pairwise comparisons (Saaty 1–9, fractions like '1/3'), rows "
        "and columns in the order of the children (or `order`): a full matrix, an "
        "upper triangle with 0 or null below, or ragged rows [[1, 3, 5], [1, 3], [1]]"
    )
    order: list[str] | None = Field(
        None, description="Child ids in the order of the matrix (default: tree order)"
    )
    max_cr: float = Field(
        0.1, ge=0, description="Largest consistency ratio accepted (Saaty: 0.1)"
    )
    priority: Literal["eigen", "geometric", "colsum"] = Field(
        "eigen",
        description="Priority vector: `eigen` (principal eigenvector, Saaty), "
        "`geometric` (row geometric means, 方根法) or `colsum` (mean of the "
        "column-normalised rows, 和积法); CR is always from λmax",
    )


WeightsSpec = Annotated[
    ExplicitWeightsSpec
    | EqualWeightsSpec
    | EntropyWeightsSpec
    | CvWeightsSpec
    | CriticWeightsSpec
    | PcaWeightsSpec
    | AhpWeightsSpec
    | SdWeightsSpec,
    Field(discriminator="method"),
]


class CombineSpec(Model):
    """A second weighting method mixed in: `w = a·w1 + (1 − a)·w2`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, serialize_by_alias=True, validate_by_name=False
    )

    with_: WeightsSpec = Field(
        alias="with", description="The second method, e.g. {method: entropy}"
    )
    a: float = Field(
        0.5, ge=0, le=1, description="Share of the node's own method (1 − a: `with`)"
    )


WEIGHTS_MODELS: tuple[type[Model], ...] = tuple(get_args(get_args(WeightsSpec)[0]))

#: Methods that derive weights from the children's values (their models subclass
#: `_DataDriven`, so a new data-driven scheme is listed here by itself).
DATA_DRIVEN: tuple[str, ...] = tuple(
    m.model_fields["method"].default
    for m in WEIGHTS_MODELS
    if issubclass(m, _DataDriven)
)
# The forward reference to CombineSpec is resolved when a model is first used (the
# models build lazily, `defer_build`), so nothing is rebuilt here at import.


# --------------------------------------------------------------------------- registry

#: A weighting function: (nominal tree weights, pool matrix or None, params) → weights.
WeightsFn = Callable[[np.ndarray, "np.ndarray | None", Any], np.ndarray]
WEIGHTS: Registry[WeightsFn] = Registry("weighting", "赋权")


@WEIGHTS.register("explicit", ExplicitWeightsSpec)
def explicit(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """The tree's weights rescaled to sum to 1: `w_i / Σ w`."""
    return nominal / math.fsum(nominal)


@WEIGHTS.register("equal", EqualWeightsSpec)
def equal(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """Equal weights: `1/m`."""
    return np.full(len(nominal), 1.0 / len(nominal))


@WEIGHTS.register("entropy", EntropyWeightsSpec)
def entropy(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """Entropy: `y = minmax + shift`, `p = y / Σ y`, `e = −Σ p ln p / ln n`,
    `w ∝ 1 − e`."""
    return entropy_weights(_pool(X), params.shift, params.prenormalise)


@WEIGHTS.register("cv", CvWeightsSpec)
def cv(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """Coefficient of variation: `w ∝ sd / mean` of the raw positive values."""
    return cv_weights(_pool(X))


@WEIGHTS.register("critic", CriticWeightsSpec)
def critic(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """CRITIC: `C_j = sd_j · Σ_k (1 − r_jk)` on min-max values, `w ∝ C`."""
    return critic_weights(_pool(X), abs_r=params.abs_r)


@WEIGHTS.register("sd", SdWeightsSpec)
def sd(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """Standard deviation: `w ∝ sd` of the children's normalised values."""
    return sd_weights(_pool(X))


@WEIGHTS.register("pca", PcaWeightsSpec)
def pca(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """First principal component of the correlation matrix: `w ∝ loading²`."""
    return pca_weights(_pool(X))


@WEIGHTS.register("ahp", AhpWeightsSpec)
def ahp(nominal: np.ndarray, X: np.ndarray | None, params: Any) -> np.ndarray:
    """AHP: priority vector of the pairwise matrix (`priority`), `CR ≤ max_cr`."""
    return ahp_scheme.ahp_weights(
        params.matrix, params.max_cr, priority=params.priority
    ).weights


def _pool(X: np.ndarray | None) -> np.ndarray:
    if X is None:  # guarded by the callers: data-driven methods get their pool
        raise MethodError(
            "data-driven weights need the children's values",
            message_zh="数据驱动的赋权方法需要子节点的数值",
        )
    return X


# --------------------------------------------------------------------------- results


def _components(params: Any, share: float) -> Iterator[tuple[float, Any]]:
    """Flatten a combine chain: (share of the whole, params) per method."""
    combine = params.combine
    if combine is None:
        yield share, params
        return
    yield share * combine.a, params.model_copy(update={"combine": None})
    yield from _components(combine.with_, share * (1.0 - combine.a))


def method_chain(params: Any) -> list[Any]:
    """The methods of a weighting in order: the node's own, then each `with`."""
    return [p for _, p in _components(params, 1.0)]


def ahp_result(params: Any, children: Sequence[str]) -> ahp_scheme.AhpResult:
    """AHP weights in the order of `children` (the matrix may follow `order`).

    Raises:
        ValueError: malformed matrix, size or `order` not matching the children,
            or `CR > max_cr`.
    """
    order = list(params.order) if params.order is not None else list(children)
    if sorted(order) != sorted(children) or len(set(order)) != len(order):
        raise LocalisedValueError(
            f"order {order} must list each child once: {', '.join(children)}",
            f"order {order} 须将每个子节点各列一次：{', '.join(children)}",
        )
    m = len(params.matrix)
    if m != len(children):
        raise LocalisedValueError(
            f"the matrix has {m} rows but the node has {len(children)} children "
            f"({', '.join(children)})",
            f"判断矩阵有 {m} 行，但该节点有 {len(children)} 个子节点"
            f"（{', '.join(children)}）",
        )
    result = ahp_scheme.ahp_weights(
        params.matrix, params.max_cr, priority=params.priority
    )
    if order == list(children):
        return result
    pos = [order.index(c) for c in children]
    return ahp_scheme.AhpResult(
        result.weights[pos],
        result.lambda_max,
        result.ci,
        result.cr,
        result.matrix[np.ix_(pos, pos)],
    )
