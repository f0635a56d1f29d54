"""The statistics of the audit as pure functions on NumPy arrays.

Every function takes float arrays where `NaN` is missing and returns `NaN` when its
statistic is undefined (too few complete rows, a constant column); none warns.

- `pearson(x, y)`, `spearman(x, y)`: on the rows complete in both (pairwise
  deletion), at least 3 of them; Spearman's ρ is Pearson's r of the average ranks
  (ties get the mean of the positions they span), as `scipy.stats.spearmanr`.
- `cronbach_alpha(X)`: Cronbach (1951), `α = k/(k−1) · (1 − Σ var(x_i) / var(Σ x_i))`
  with sample variances (n − 1) over the rows complete in every column (listwise).
  COINr's `get_cronbach` uses pairwise covariances; with complete data the two agree.
- `pca(X)`: eigen-decomposition of the Pearson correlation matrix of the rows
  complete in every column (listwise, as COINr's `get_PCA`, which drops incomplete
  rows before `prcomp`): eigenvalues in decreasing order, their shares of the total
  (the shares sum to 1) and the loadings `a_jc = v_jc · √λ_c` (the correlation of
  column j with component c), each component's sign fixed so that its loadings sum
  to ≥ 0.
- `main_effect(x, y)`: Pearson's correlation ratio `η² = Var(E[y | x]) / Var(y)`,
  the first-order sensitivity index of y to x (Paruolo, Saisana & Saltelli 2013,
  "Ratings and rankings: voodoo or science?", J. R. Stat. Soc. A 176(3)), with
  `E[y | x]` estimated by a cubic smoothing spline of y on x
  (the estimator of `scipy.interpolate.make_smoothing_spline`, smoothing chosen by
  generalised cross-validation; see `smoothing_spline` for why it is computed
  here).
"""

from __future__ import annotations

import numpy as np

MIN_ROWS = 3
"""Fewest complete rows a correlation, α or PCA is computed from."""

SPLINE_BINS = 50
"""At most this many points enter one spline fit: equal values of x are merged
(exactly: their mean y, weighted by their count) and, beyond this many distinct
values, neighbouring values are pooled into equal-count bins. The fit is evaluated
at each bin's mean x."""

SPLINE_MAX_DF = 10.0
"""Most equivalent degrees of freedom a fit may use (as mgcv's default basis of 10
for a one-dimensional smooth)."""

SPLINE_MIN_POINTS = 5
"""`make_smoothing_spline` needs 5 distinct x; with fewer, E[y | x] is the mean of y
at each value of x (the correlation ratio of a discrete x)."""

MAIN_EFFECT_MIN_ROWS = SPLINE_MIN_POINTS
"""Fewest complete pairs a main effect is estimated from. Below 5 distinct values
E[y | x] is the mean of y at each value, which with one row per value is y itself:
η² ≡ 1 whatever the data. So a main effect needs 5 pairs, and when x has fewer
than 5 distinct values, at least `MAIN_EFFECT_ROWS_PER_VALUE` rows per value
(a discrete x); otherwise it is left missing."""

MAIN_EFFECT_ROWS_PER_VALUE = 2
"""With fewer than `SPLINE_MIN_POINTS` distinct x, the rows per distinct value a
main effect needs (on average): one row per value interpolates y exactly."""


def has_spread(x: np.ndarray) -> bool:
    """Whether the finite values of `x` are not all equal (at least two)."""
    x = x[np.isfinite(x)]
    return len(x) >= 2 and float(np.ptp(x)) > 1e-12 * max(1.0, float(np.abs(x).max()))


def main_effect_estimable(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether `main_effect(x, y)` has enough complete pairs to mean anything
    (`MAIN_EFFECT_MIN_ROWS`, `MAIN_EFFECT_ROWS_PER_VALUE`)."""
    mask = complete(x, y)
    n = int(mask.sum())
    if n < MAIN_EFFECT_MIN_ROWS:
        return False
    distinct = len(np.unique(x[mask]))
    return distinct >= SPLINE_MIN_POINTS or n >= MAIN_EFFECT_ROWS_PER_VALUE * distinct


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """`a · b` of two vectors without BLAS: a threaded `ddot` waits milliseconds
    for its threads on a busy machine, a thousand times what the sum costs."""
    return float(np.einsum("i,i->", a, b))


def complete(*columns: np.ndarray) -> np.ndarray:
    """Mask of the rows where every column is finite."""
    mask = np.ones(len(columns[0]), dtype=bool)
    for c in columns:
        mask &= np.isfinite(c)
    return mask


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n of `x` (no NaN); ties share the mean of the positions they span."""
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    first = np.concatenate(([True], sorted_x[1:] != sorted_x[:-1]))
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(x))  # exclusive
    mean_pos = (starts + ends + 1) / 2.0  # positions are 1-based
    ranks = np.empty(len(x))
    ranks[order] = mean_pos[group]
    return ranks


def _r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r of two complete vectors (NaN when either is constant: its
    spread is below 1e-12 of its largest magnitude)."""
    if len(x) < MIN_ROWS:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    mx, my = float(np.abs(dx).max()), float(np.abs(dy).max())
    if mx <= 1e-12 * float(np.abs(x).max()) or my <= 1e-12 * float(np.abs(y).max()):
        return float("nan")
    if mx == 0.0 or my == 0.0:
        return float("nan")
    dx, dy = dx / mx, dy / my  # scaled: no overflow or underflow below
    r = dot(dx, dy) / float(np.sqrt(dot(dx, dx) * dot(dy, dy)))
    return min(1.0, max(-1.0, r))


def pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Pearson's r over the complete pairs, and their number."""
    mask = complete(x, y)
    return _r(x[mask], y[mask]), int(mask.sum())


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Spearman's ρ (Pearson's r of average ranks) over the complete pairs."""
    mask = complete(x, y)
    n = int(mask.sum())
    if n < MIN_ROWS:
        return float("nan"), n
    return _r(average_ranks(x[mask]), average_ranks(y[mask])), n


def cronbach_alpha(X: np.ndarray) -> tuple[float, int]:
    """Cronbach's α of the columns of `X` (rows complete in every column), and the
    number of those rows. NaN with fewer than 2 columns or `MIN_ROWS` rows, or when
    the sum of the columns is constant."""
    rows = X[complete(*X.T)] if X.shape[1] else X
    n, k = rows.shape
    if k < 2 or n < MIN_ROWS:
        return float("nan"), n
    item_var = rows.var(axis=0, ddof=1).sum()
    total_var = rows.sum(axis=1).var(ddof=1)
    scale = float(np.abs(rows).max()) * k
    if total_var <= (1e-10 * scale) ** 2:  # constant sum, up to rounding
        return float("nan"), n
    return float(k / (k - 1) * (1.0 - item_var / total_var)), n


def correlation_matrix(rows: np.ndarray) -> np.ndarray:
    """Pearson correlation matrix of complete rows (NaN where a column is
    constant; 1 on the diagonal of the others)."""
    k = rows.shape[1]
    R = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            R[i, j] = R[j, i] = 1.0 if i == j else _r(rows[:, i], rows[:, j])
        if np.isnan(_r(rows[:, i], rows[:, i])):
            R[i, i] = np.nan
    return R


def correlations(rows: np.ndarray) -> np.ndarray:
    """Pearson correlation matrix of the rows of `rows` (complete, none constant)
    in one matrix product of their standardised values."""
    Z = rows - rows.mean(axis=1, keepdims=True)
    Z /= np.sqrt(np.einsum("ij,ij->i", Z, Z))[:, None]
    R = Z @ Z.T
    np.clip(R, -1.0, 1.0, out=R)
    np.fill_diagonal(R, 1.0)
    return R


def pca(
    X: np.ndarray, R: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Eigenvalues (decreasing), explained shares, loadings `[column, component]`
    and the number of complete rows used. `R`: the columns' correlation matrix when
    already known (every row complete).

    Empty arrays when fewer than 2 columns or `MIN_ROWS` complete rows, or when a
    column is constant over them (its correlations are undefined)."""
    rows = X[complete(*X.T)] if X.shape[1] else X
    n, k = rows.shape
    empty = np.empty(0)
    if k < 2 or n < MIN_ROWS:
        return empty, empty, np.empty((k, 0)), n
    if R is None:
        R = correlation_matrix(rows)
    if not np.isfinite(R).all():
        return empty, empty, np.empty((k, 0)), n
    lam, vec = np.linalg.eigh(R)
    lam, vec = lam[::-1], vec[:, ::-1]
    lam = np.clip(lam, 0.0, None)  # a correlation matrix is semi-definite
    signs = np.where(vec.sum(axis=0) < 0, -1.0, 1.0)
    loadings = vec * signs * np.sqrt(lam)
    return lam, lam / lam.sum(), loadings, n


def _pooled(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct x (sorted), mean y and count at each, and each row's position."""
    xu, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    ybar = np.bincount(inverse, weights=y) / counts
    return xu, ybar, counts.astype(float), inverse


def _binned(
    xu: np.ndarray, ybar: np.ndarray, counts: np.ndarray, inverse: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Pool neighbouring distinct values into `SPLINE_BINS` equal-count bins."""
    cum = np.cumsum(counts)
    edges = cum[-1] * np.arange(1, SPLINE_BINS) / SPLINE_BINS
    bin_of = np.searchsorted(edges, cum - counts / 2.0)  # bin of each distinct x
    w = np.bincount(bin_of, weights=counts)
    keep = w > 0
    xb = np.bincount(bin_of, weights=xu * counts)[keep] / w[keep]
    yb = np.bincount(bin_of, weights=ybar * counts)[keep] / w[keep]
    renumber = np.cumsum(keep) - 1
    return xb, yb, w[keep], renumber[bin_of][inverse]


def _penalty(x: np.ndarray) -> np.ndarray:
    """`K` with `gᵀ K g = ∫ g''²` for the natural cubic spline through `(x, g)`
    (Green & Silverman 1994, §2.1: `K = Q R⁻¹ Qᵀ`)."""
    n = len(x)
    h = np.diff(x)
    Q = np.zeros((n, n - 2))
    j = np.arange(n - 2)
    Q[j, j] = 1.0 / h[:-1]
    Q[j + 1, j] = -1.0 / h[:-1] - 1.0 / h[1:]
    Q[j + 2, j] = 1.0 / h[1:]
    R = np.diag((h[:-1] + h[1:]) / 3.0)
    R[j[:-1], j[:-1] + 1] = R[j[:-1] + 1, j[:-1]] = h[1:-1] / 6.0
    return Q @ np.linalg.solve(R, Q.T)


def _eigh(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition of a symmetric matrix. Beyond ~25 rows NumPy's LAPACK
    call starts OpenBLAS threads, which on a busy machine wait ~20 ms a call;
    SciPy's does not (≈ 1 ms for 50 × 50), and small ones need no SciPy import."""
    if len(M) <= 24:
        return np.linalg.eigh(M)
    from scipy.linalg import eigh

    d, U = eigh(M)
    return d, U


def smoothing_spline(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, within: float = 0.0
) -> tuple[np.ndarray, float]:
    """The weighted cubic smoothing spline of y on x, at the points x: fitted values
    and λ.

    It minimises `Σ w_i (y_i − g(x_i))² + λ ∫ g''²` — the objective of
    `scipy.interpolate.make_smoothing_spline`, whose fit at the same λ it equals
    (to rounding; a test checks it) — with λ minimising generalised cross-validation
    `GCV(λ) = N · RSS(λ) / (N − tr S_λ)²` (Craven & Wahba 1979), as SciPy does
    when no λ is given. `N = Σ w` rows of the original data; `within` is their
    squared deviation from the means `y` of their points (part of RSS; 0 when no
    rows were pooled).

    λ is searched among the fits with at most `SPLINE_MAX_DF` equivalent degrees
    of freedom (`tr S_λ`) and a third of the points: GCV has a well-known
    degenerate minimum at (near-)interpolation, which it takes with a few dozen
    units and which would make every main effect ≈ 1. (SciPy avoids it only by
    bounding λ to `(0, n)`, whose upper end it then often returns.)

    Why not call SciPy: its GCV search costs ~40 ms a fit and the fit at a given
    λ ~3 ms, which made the audit of a 21-city index take seconds. Here all λ of a
    log grid (161 values over the whole useful range) are scored at once through
    the eigen-decomposition of `W^{-1/2} K W^{-1/2}` (Demmler–Reinsch): ~0.5 ms.
    """
    sw = np.sqrt(w)
    d, U = _eigh(_penalty(x) / np.outer(sw, sw))
    d = np.clip(d, 0.0, None)
    positive = d[d > 1e-12 * d.max()]
    lams = np.logspace(
        np.log10(1e-4 / positive.max()), np.log10(1e4 / positive.min()), 161
    )
    z = U.T @ (sw * y)
    shrink = 1.0 / (1.0 + np.outer(d, lams))  # [eigen, λ]
    resid = U @ (z[:, None] * (1.0 - shrink))  # √w · (y − ĝ)
    rss = within + (resid * resid).sum(axis=0)
    total = w.sum()
    df = shrink.sum(axis=0)  # tr S_λ, decreasing in λ
    gcv = total * rss / (total - df) ** 2
    gcv[df > min(SPLINE_MAX_DF, len(x) / 3.0)] = np.inf
    best = int(np.argmin(gcv)) if np.isfinite(gcv).any() else len(lams) - 1
    fitted = y - resid[:, best] / sw
    return fitted, float(lams[best])


def conditional_mean(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`E[y | x]` at every row (x, y complete): the cubic smoothing spline of y on
    x (`smoothing_spline`), fitted to the means of y at the distinct values of x
    (or bins, see `SPLINE_BINS`) weighted by their counts."""
    xu, ybar, counts, inverse = _pooled(x, y)
    if len(xu) < SPLINE_MIN_POINTS:
        return ybar[inverse]
    if len(xu) > SPLINE_BINS:
        xu, ybar, counts, inverse = _binned(xu, ybar, counts, inverse)
    within = max(0.0, dot(y, y) - dot(counts, ybar * ybar))
    with np.errstate(all="ignore"):
        try:
            fitted, _ = smoothing_spline(xu, ybar, counts, within)
        except np.linalg.LinAlgError:
            fitted = np.full(len(xu), np.nan)
    if not np.isfinite(fitted).all():
        return ybar[inverse]  # the spline failed: the means of y at each x
    return fitted[inverse]


def main_effect(x: np.ndarray, y: np.ndarray) -> float:
    """η² of y on x over the complete pairs, clipped to [0, 1]; NaN when it cannot
    be estimated (`main_effect_estimable`: fewer than `MAIN_EFFECT_MIN_ROWS` pairs,
    or a discrete x with too few rows per value) or y is constant."""
    mask = complete(x, y)
    if not main_effect_estimable(x, y):
        return float("nan")
    xs, ys = x[mask], y[mask]
    var_y = ys.var()
    if var_y <= 1e-24 * max(float(np.abs(ys).max()) ** 2, 1e-300):
        return float("nan")
    fitted = conditional_mean(xs, ys)
    return float(min(1.0, max(0.0, fitted.var() / var_y)))
