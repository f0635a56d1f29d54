"""The audit's statistics against hand-computed values, SciPy, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.interpolate import make_smoothing_spline

from gdindex.analysis import stats

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
NAN = float("nan")


def test_cronbach_alpha_by_hand() -> None:
    # 4 units × 3 children.
    X = np.array([[1, 2, 3], [2, 3, 3], [3, 5, 4], [4, 6, 6]], dtype=float)
    # item variances (n − 1): 5/3, 10/3, 2 → sum 7; totals 6, 8, 12, 16 → var 59/3
    expected = 3 / 2 * (1 - 7 / (59 / 3))  # = 57/59

    alpha, n = stats.cronbach_alpha(X)

    assert n == 4
    assert alpha == pytest.approx(57 / 59, abs=1e-12)
    assert alpha == pytest.approx(expected, abs=1e-12)


def test_cronbach_alpha_uses_complete_rows_only() -> None:
    X = np.array([[1, 2, 3], [2, 3, 3], [3, 5, 4], [4, 6, 6], [9, NAN, 1]], dtype=float)

    alpha, n = stats.cronbach_alpha(X)

    assert n == 4 and alpha == pytest.approx(57 / 59, abs=1e-12)


def test_cronbach_alpha_undefined_cases() -> None:
    assert math.isnan(stats.cronbach_alpha(np.array([[1.0], [2.0], [3.0]]))[0])
    assert math.isnan(stats.cronbach_alpha(np.ones((5, 3)))[0])  # constant sum
    assert math.isnan(stats.cronbach_alpha(np.array([[1.0, 2.0], [2.0, 1.0]]))[0])


def test_pca_of_a_known_correlation_matrix() -> None:
    # Orthogonal, centred columns (Hadamard rows): a = u, b = u + v, c = w has the
    # correlation matrix [[1, s, 0], [s, 1, 0], [0, 0, 1]] with s = 1/√2, whose
    # eigenvalues are 1 + s, 1, 1 − s with eigenvectors (1, 1, 0)/√2, (0, 0, 1),
    # (1, −1, 0)/√2.
    u = np.array([1, 1, -1, -1], dtype=float)
    v = np.array([1, -1, 1, -1], dtype=float)
    w = np.array([1, -1, -1, 1], dtype=float)
    X = np.column_stack([u, u + v, w]) + 10.0
    s = 1 / math.sqrt(2)

    lam, share, loadings, n = stats.pca(X)

    assert n == 4
    assert lam == pytest.approx([1 + s, 1.0, 1 - s], abs=1e-12)
    assert share == pytest.approx([(1 + s) / 3, 1 / 3, (1 - s) / 3], abs=1e-12)
    assert share.sum() == pytest.approx(1.0, abs=1e-12)
    first = np.array([1, 1, 0]) / math.sqrt(2) * math.sqrt(1 + s)
    assert loadings[:, 0] == pytest.approx(first, abs=1e-12)  # sign: sum ≥ 0
    assert loadings[:, 1] == pytest.approx([0, 0, 1], abs=1e-12)
    third = np.array([1, -1, 0]) / math.sqrt(2) * math.sqrt(1 - s)
    assert np.abs(loadings[:, 2]) == pytest.approx(np.abs(third), abs=1e-12)


def test_pca_of_a_constant_column_is_empty() -> None:
    X = np.column_stack([np.arange(5.0), np.ones(5), np.arange(5.0) ** 2])

    lam, share, loadings, _ = stats.pca(X)

    assert lam.size == 0 and share.size == 0 and loadings.shape == (3, 0)


def test_pearson_and_spearman_with_ties_by_hand() -> None:
    x = np.array([1, 2, 2, 3, 4, NAN], dtype=float)
    y = np.array([2, 1, 4, 4, 5, 7], dtype=float)  # the NaN pair is left out
    # raw: deviations (−1.4, −.4, −.4, .6, 1.6) and (−1.2, −2.2, .8, .8, 1.8)
    r_expected = 5.6 / math.sqrt(5.2 * 10.8)
    # average ranks: x (1, 2.5, 2.5, 4, 5), y (2, 1, 3.5, 3.5, 5)
    rho_expected = 7.25 / 9.5

    r, n = stats.pearson(x, y)
    rho, n_rho = stats.spearman(x, y)

    assert n == n_rho == 5
    assert r == pytest.approx(r_expected, abs=1e-12)
    assert rho == pytest.approx(rho_expected, abs=1e-12)


def test_average_ranks_share_the_mean_position() -> None:
    ranks = stats.average_ranks(np.array([3.0, 1.0, 3.0, 3.0, 0.0]))

    assert ranks.tolist() == [4.0, 2.0, 4.0, 4.0, 1.0]


def test_correlation_of_a_constant_or_too_short_column_is_missing() -> None:
    assert math.isnan(stats.pearson(np.ones(6), np.arange(6.0))[0])
    assert math.isnan(stats.spearman(np.array([1.0, 2.0]), np.array([2.0, 1.0]))[0])


def test_main_effect_of_a_linear_composite_of_independent_uniforms() -> None:
    # y = Σ w_i x_i with independent x_i ~ U(0, b_i): E[y | x_i] is linear, so
    # η²_i = r²_i = w_i² var_i / Σ w_j² var_j, with var_i = b_i² / 12.
    rng = np.random.default_rng(11)
    n = 4000
    w = np.array([0.5, 0.3, 0.2])
    b = np.array([100.0, 100.0, 150.0])
    X = rng.uniform(0, 1, size=(n, 3)) * b
    y = X @ w
    expected = w**2 * b**2 / 12 / np.sum(w**2 * b**2 / 12)

    eta = np.array([stats.main_effect(X[:, i], y) for i in range(3)])
    r2 = np.array([stats.pearson(X[:, i], y)[0] ** 2 for i in range(3)])

    assert eta == pytest.approx(r2, abs=0.005)
    assert eta == pytest.approx(expected, abs=0.02)
    ratio = eta[0] / eta[2]  # ∝ w² · var
    assert ratio == pytest.approx(expected[0] / expected[2], rel=0.05)


def test_main_effect_sees_what_a_correlation_misses() -> None:
    x = np.linspace(0, 100, 400)
    y = (x - 50) ** 2

    assert stats.pearson(x, y)[0] ** 2 < 0.01
    assert stats.main_effect(x, y) > 0.99


def test_main_effect_of_a_discrete_child_is_the_correlation_ratio() -> None:
    x = np.array([0, 0, 1, 1, 2, 2], dtype=float)
    y = np.array([1, 3, 2, 4, 6, 8], dtype=float)
    # group means 2, 3, 7 around 4: between 2·(4 + 1 + 9) = 28, total 34

    assert stats.main_effect(x, y) == pytest.approx(28 / 34, abs=1e-12)


def test_main_effect_is_missing_when_too_few_rows_would_make_it_one() -> None:
    # 4 units with 4 distinct values: the mean per value is y itself (η² ≡ 1)
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([5.0, 1.0, 7.0, 2.0])
    assert not stats.main_effect_estimable(x, y)
    assert np.isnan(stats.main_effect(x, y))
    # 5 rows, 4 distinct values: still one row per value, almost
    x5 = np.array([1.0, 1.0, 2.0, 3.0, 4.0])
    assert np.isnan(stats.main_effect(x5, np.array([1.0, 2.0, 3.0, 5.0, 4.0])))
    # 5 distinct values: the spline (here a straight line) gives η² = r²
    x6 = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    y6 = np.array([2.0, 1.0, 4.0, 3.0, 6.0])
    assert stats.main_effect(x6, y6) == pytest.approx(
        stats.pearson(x6, y6)[0] ** 2, abs=1e-6
    )


def test_smoothing_spline_equals_scipy_at_the_same_lambda() -> None:
    rng = np.random.default_rng(5)
    x = np.sort(rng.uniform(0, 100, 30))
    y = 0.4 * x + 8 * np.sin(x / 9) + rng.normal(0, 4, 30)
    w = rng.integers(1, 5, 30).astype(float)

    fitted, lam = stats.smoothing_spline(x, y, w)
    reference = make_smoothing_spline(x, y, w=w, lam=lam)(x)

    assert fitted == pytest.approx(reference, abs=1e-9 * np.ptp(y))


def test_smoothing_spline_minimises_gcv_among_fits_of_at_most_10_df() -> None:
    # Brute force with SciPy alone: the smoother matrix S_λ column by column (the
    # fit of each unit vector), its trace (degrees of freedom) and GCV.
    rng = np.random.default_rng(8)
    n = 24
    x = np.sort(rng.uniform(0, 100, n))
    y = 0.5 * x + 10 * np.sin(x / 10) + rng.normal(0, 5, n)

    def scipy_gcv(lam: float) -> tuple[float, float]:
        S = np.column_stack(
            [make_smoothing_spline(x, e, lam=lam)(x) for e in np.eye(n)]
        )
        rss = float(((y - S @ y) ** 2).sum())
        df = float(np.trace(S))
        return n * rss / (n - df) ** 2, df

    fitted, lam = stats.smoothing_spline(x, y, np.ones(n))
    ours, df = scipy_gcv(lam)
    grid = [scipy_gcv(float(L)) for L in np.logspace(-3, 5, 17)]
    admissible = [g for g, d in grid if d <= min(10, n / 3)]

    assert df <= min(10, n / 3) + 1e-9
    assert admissible and ours <= min(admissible) * (1 + 1e-6)
    assert fitted == pytest.approx(make_smoothing_spline(x, y, lam=lam)(x), abs=1e-9)


finite = st.floats(-1e3, 1e3, allow_nan=False)


@SETTINGS
@given(
    arrays(
        np.float64, st.tuples(st.integers(3, 12), st.integers(2, 5)), elements=finite
    )
)
def test_alpha_is_at_most_one(X: np.ndarray) -> None:
    alpha, _ = stats.cronbach_alpha(X)

    assert math.isnan(alpha) or alpha <= 1.0 + 1e-9


@SETTINGS
@given(
    arrays(
        np.float64, st.tuples(st.integers(4, 12), st.integers(2, 5)), elements=finite
    )
)
def test_explained_shares_sum_to_one(X: np.ndarray) -> None:
    lam, share, _, _ = stats.pca(X)

    if lam.size:
        assert share.sum() == pytest.approx(1.0, abs=1e-9)
        assert np.all(np.diff(lam) <= 1e-12)


@SETTINGS
@given(
    arrays(np.float64, st.tuples(st.integers(6, 15), st.just(3)), elements=finite),
    st.randoms(use_true_random=False),
)
def test_permuting_the_units_changes_nothing(X: np.ndarray, rnd: object) -> None:
    order = list(range(len(X)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    Y = X[order]

    def figures(A: np.ndarray) -> list[float]:
        lam, _, _, _ = stats.pca(A)
        return [
            stats.cronbach_alpha(A)[0],
            stats.pearson(A[:, 0], A[:, 1])[0],
            stats.spearman(A[:, 0], A[:, 2])[0],
            stats.main_effect(A[:, 1], A[:, 0] + A[:, 1]),
            *lam.tolist(),
        ]

    assert figures(Y) == pytest.approx(figures(X), abs=1e-9, nan_ok=True)
