"""Data-driven weighting schemes (DESIGN §4.4): the pure numeric layer.

Every function takes the children of one node as columns `j` of a float matrix `X`
(rows `i` = units · periods of the chosen pool, `NaN` = missing) and returns weights
that are non-negative and sum to 1. Direction has already been applied by the caller
(`x = d · raw`). Choices where §4.4 is silent:

- Missing values are ignored column by column (`n_j` = non-missing rows of column `j`);
  correlations use the rows complete in both columns (pairwise deletion).
- Standard deviations are sample ones (`n − 1`), as in the z-score normaliser.
- A single column gets weight 1 (after the input checks of its method).
- A column that is constant (over its non-missing rows) carries no information: it gets
  weight 0 in `entropy`, `critic` and `pca`, and correlates 0 with every other column.
  If every column gets weight 0 the method raises `ValueError`.
- Functions raise `ValueError` (never warn) on unusable input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

#: Saaty's random consistency index RI(m) for m = 1…10.
RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
)

#: Relative tolerance below which a variance counts as zero (a constant column).
_CONSTANT_RTOL = 1e-12


# --------------------------------------------------------------------------- helpers


def _matrix(X: Any, *, min_rows: int = 2) -> np.ndarray:
    """`X` as a 2-D float64 array; every column needs `min_rows` non-missing rows."""
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"expected a 2-D matrix (rows × columns), got {A.ndim}-D")
    if A.shape[1] == 0:
        raise ValueError("expected at least one column")
    if np.isinf(A).any():
        j = int(np.argwhere(np.isinf(A))[0, 1])
        raise ValueError(f"column {j} has infinite values")
    counts = (~np.isnan(A)).sum(axis=0)
    short = np.flatnonzero(counts < min_rows)
    if short.size:
        j = int(short[0])
        raise ValueError(
            f"column {j} has {int(counts[j])} non-missing values; "
            f"at least {min_rows} are needed"
        )
    return A


def _normalised(C: np.ndarray, what: str) -> np.ndarray:
    """`C / Σ C`, raising if every score is zero."""
    total = C.sum()
    if not total > 0.0:
        raise ValueError(f"all columns {what}; weights are undefined")
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
        raise ValueError(f"shift must be a finite number ≥ 0, got {shift}")
    A = _matrix(X)
    M = ~np.isnan(A)
    if prenormalise:
        Y, constant = _minmax(A)
    else:
        negative = np.flatnonzero((np.where(M, A, 0.0) < 0.0).any(axis=0))
        if negative.size:
            raise ValueError(
                f"column {int(negative[0])} has negative values; entropy without "
                "prenormalise needs values ≥ 0"
            )
        Y = A
        constant = np.nanmin(A, axis=0) == np.nanmax(A, axis=0)
    Y = np.where(M, Y + shift, 0.0)
    total = Y.sum(axis=0)
    zero = np.flatnonzero((total <= 0.0) & ~constant)
    if zero.size:  # only reachable without prenormalise: all zeros and shift 0
        raise ValueError(f"column {int(zero[0])} sums to 0")
    P = Y / np.where(total > 0.0, total, 1.0)
    PlnP = np.zeros_like(P)
    np.multiply(P, np.log(P, out=np.zeros_like(P), where=P > 0.0), out=PlnP)
    n = M.sum(axis=0)
    e = -PlnP.sum(axis=0) / np.log(n)
    e = np.where(constant, 1.0, np.minimum(e, 1.0))  # e ≤ 1 up to rounding
    if A.shape[1] == 1:
        return np.ones(1)
    return _normalised(1.0 - e, "are constant")


def cv_weights(X: Any) -> np.ndarray:
    """Coefficient of variation: `w_j ∝ sd_j / mean_j` of the raw (positive) values.

    `sd_j` is the sample standard deviation (`n_j − 1`) over the non-missing rows.
    """
    A = _matrix(X)
    bad = np.flatnonzero((np.where(np.isnan(A), 1.0, A) <= 0.0).any(axis=0))
    if bad.size:
        raise ValueError(
            f"column {int(bad[0])} has values ≤ 0; cv weights need positive values"
        )
    if A.shape[1] == 1:
        return np.ones(1)
    return _normalised(_sample_sd(A) / np.nanmean(A, axis=0), "are constant")


def critic_weights(X: Any) -> np.ndarray:
    """CRITIC: `C_j = sd_j · Σ_k (1 − r_jk)`, `w_j = C_j / Σ_k C_k`.

    On `y` = min-max of each column to [0, 1]; `sd_j` is the sample standard deviation
    of `y_j` over its non-missing rows, `r` the pairwise-deletion Pearson correlation
    (see `pairwise_correlation`; a constant column correlates 0 with the others).
    """
    A = _matrix(X)
    if A.shape[1] == 1:
        return np.ones(1)
    Y, constant = _minmax(A)
    sd = np.where(constant, 0.0, _sample_sd(Y))
    R = pairwise_correlation(Y)
    C = sd * (1.0 - R).sum(axis=1)
    return _normalised(C, "are constant or perfectly correlated")


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
        raise ValueError("all columns are constant; weights are undefined")
    w = np.zeros(A.shape[1])
    if keep.size == 1:
        w[keep] = 1.0
        return w
    lam, vec = np.linalg.eigh(pairwise_correlation(A[:, keep]))
    if lam[-1] - lam[-2] <= 1e-9 * max(1.0, abs(lam[-1])):
        raise ValueError(
            "the first principal component is not unique (two largest eigenvalues "
            f"{lam[-1]:.6g} and {lam[-2]:.6g} tie)"
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
        raise ValueError(f"combine share a must be in [0, 1], got {a}")
    u = np.asarray(w1, dtype=np.float64)
    v = np.asarray(w2, dtype=np.float64)
    if u.ndim != 1 or u.shape != v.shape:
        raise ValueError(f"weight vectors differ in shape: {u.shape} vs {v.shape}")
    if not (np.isfinite(u).all() and np.isfinite(v).all()):
        raise ValueError("weights must be finite")
    if (u < 0.0).any() or (v < 0.0).any():
        raise ValueError("weights must be non-negative")
    return _normalised(a * u + (1.0 - a) * v, "have zero combined weight")


# --------------------------------------------------------------------------- AHP


@dataclass(frozen=True)
class AhpResult:
    """AHP outcome: weights, principal eigenvalue and consistency (index and ratio)."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    matrix: np.ndarray


def _judgement(value: Any, cell: tuple[int, int]) -> float:
    """One pairwise judgement as a positive float; strings like `"1/3"` are allowed."""
    i, j = cell
    try:
        if isinstance(value, bool):
            raise TypeError
        x = float(Fraction(value.strip())) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(
            f"cell ({i}, {j}): {value!r} is not a number or a fraction like '1/3'"
        ) from None
    if not (np.isfinite(x) and x > 0.0):
        raise ValueError(f"cell ({i}, {j}): judgement must be positive, got {value!r}")
    return x


def _is_blank(value: Any) -> bool:
    return value is None or (
        not isinstance(value, (bool, str))
        and isinstance(value, (int, float))
        and value == 0
    )


def pairwise_matrix(matrix: Sequence[Sequence[Any]], rtol: float = 0.01) -> np.ndarray:
    """Build the full reciprocal pairwise-comparison matrix from its YAML form.

    Three forms are accepted (entries are numbers or fraction strings like `"1/3"`):

    - **full** m × m: positive, diagonal 1, `|a_ji · a_ij − 1| ≤ rtol` (so `0.33`
      for 1/3 passes);
    - **square upper triangle**: m × m with every cell below the diagonal `0` or
      `None` (YAML `~`);
    - **ragged upper triangle**: m rows of lengths m, m − 1, …, 1, each starting with
      the diagonal 1 (`[[1, 3, 5], [1, 3], [1]]`).

    The returned matrix is exactly reciprocal: `a_ji = 1 / a_ij` from the upper
    triangle. Offending cells are named `(row, column)`, 0-based, in the full matrix.
    """
    rows = [list(r) for r in matrix]
    m = len(rows)
    if m == 0:
        raise ValueError("pairwise matrix is empty")
    if m > len(RANDOM_INDEX):
        raise ValueError(f"AHP supports at most {len(RANDOM_INDEX)} criteria, got {m}")
    lengths = [len(r) for r in rows]
    if lengths == list(range(m, 0, -1)) and m > 1:
        form = "ragged"
    elif all(n == m for n in lengths):
        form = "square"
    else:
        raise ValueError(
            f"pairwise matrix rows have lengths {lengths}: expected {m} rows of "
            f"length {m} (full or upper triangle) or lengths "
            f"{list(range(m, 0, -1))} (ragged upper triangle, diagonal included)"
        )

    def at(i: int, j: int) -> Any:
        return rows[i][j - i] if form == "ragged" else rows[i][j]

    out = np.ones((m, m))
    for i in range(m):
        d = _judgement(at(i, i), (i, i))
        if d != 1.0:
            raise ValueError(f"cell ({i}, {i}): diagonal must be 1, got {at(i, i)!r}")
        for j in range(i + 1, m):
            out[i, j] = _judgement(at(i, j), (i, j))
            out[j, i] = 1.0 / out[i, j]
    if form == "square":
        lower = [(i, j) for i in range(m) for j in range(i)]
        blank = [_is_blank(rows[i][j]) for i, j in lower]
        if any(blank) and not all(blank):
            i, j = lower[blank.index(not blank[0])]
            raise ValueError(
                f"cell ({i}, {j}): the lower triangle must be all given or all "
                "blank (0 or null)"
            )
        if not any(blank):
            for i, j in lower:
                x = _judgement(rows[i][j], (i, j))
                if abs(x * out[j, i] - 1.0) > rtol * (1.0 + 1e-9):
                    raise ValueError(
                        f"cell ({i}, {j}): {rows[i][j]!r} is not the reciprocal of "
                        f"cell ({j}, {i}) = {rows[j][i]!r}"
                    )
    return out


def ahp_weights(
    matrix: Sequence[Sequence[Any]], max_cr: float | None = 0.1, rtol: float = 0.01
) -> AhpResult:
    """AHP: `w` = principal right eigenvector of the pairwise matrix, `w / Σ w`.

    `A w = λmax w` (`np.linalg.eig`, the eigenvalue of largest real part, real parts
    taken); `CI = (λmax − m) / (m − 1)` (0 for m = 1); `CR = CI / RI(m)` with RI from
    `RANDOM_INDEX` and `CR = 0` for m ≤ 2. Raises `ValueError` when `CR > max_cr`
    (`max_cr=None` skips the check). See `pairwise_matrix` for the accepted forms.
    """
    A = pairwise_matrix(matrix, rtol=rtol)
    m = A.shape[0]
    if m == 1:
        return AhpResult(np.ones(1), 1.0, 0.0, 0.0, A)
    lam, vec = np.linalg.eig(A)
    k = int(np.argmax(lam.real))
    lambda_max = float(lam[k].real)
    v = vec[:, k].real
    w = np.abs(v / v.sum())  # Perron vector: one sign, abs() only removes -0.0/ulps
    w = w / w.sum()
    ci = (lambda_max - m) / (m - 1)
    cr = 0.0 if m <= 2 else ci / RANDOM_INDEX[m - 1]
    if max_cr is not None and cr > max_cr:
        raise ValueError(
            f"AHP consistency ratio CR = {cr:.4f} exceeds max_cr = {max_cr} "
            f"(λmax = {lambda_max:.4f}, CI = {ci:.4f}); revise the judgements or "
            "raise max_cr"
        )
    return AhpResult(w, lambda_max, ci, cr, A)
