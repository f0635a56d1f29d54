"""Data-driven weights (DESIGN §4.4): hand-computed examples on a 4 × 3 matrix for
each method, a Saaty AHP example from the literature, and hypothesis properties.

Expected numbers are written out as literals (worked by hand, digits shown) and
re-derived by small pure-Python loops (`statistics`, `math`) that share no code with
`gdindex.weighting`.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gdindex.methods.weighting import (
    combine_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    pairwise_correlation,
    pca_weights,
    sd_weights,
)
from tests.weighting_helpers import SETTINGS, power_iteration

nan = np.nan


# 4 units × 3 indicators, direction already applied by the caller: column 0 a benefit
# indicator, column 1 with a zero, column 2 a cost indicator (raw 10, 20, 40, 50 · −1).
X = np.array(
    [
        [1.0, 0.0, -10.0],
        [2.0, 1.0, -20.0],
        [3.0, 1.0, -40.0],
        [4.0, 2.0, -50.0],
    ]
)


# Min-max of each column to [0, 1], by hand.
Y = [
    [0.0, 1 / 3, 2 / 3, 1.0],
    [0.0, 0.5, 0.5, 1.0],
    [1.0, 0.75, 0.25, 0.0],
]


# A positive matrix for `cv` and entropy without prenormalisation.
P = np.array(
    [
        [1.0, 2.0, 10.0],
        [2.0, 2.0, 20.0],
        [3.0, 4.0, 40.0],
        [4.0, 4.0, 50.0],
    ]
)


def loop_entropy(columns: list[list[float]], shift: float) -> list[float]:
    """Entropy weights of already-prepared columns `y` (shift added here)."""
    d = []
    for col in columns:
        y = [v + shift for v in col]
        p = [v / sum(y) for v in y]
        e = -sum(q * math.log(q) for q in p if q > 0) / math.log(len(p))
        d.append(1 - e)
    return [v / sum(d) for v in d]


def test_entropy_without_shift_by_hand() -> None:
    # p_a = 0, 1/6, 1/3, 1/2;  p_b = 0, 1/4, 1/4, 1/2;  p_c = 1/2, 3/8, 1/8, 0
    H_a = math.log(6) / 6 + math.log(3) / 3 + math.log(2) / 2  # 1.011404
    H_b = 0.5 * math.log(4) + 0.5 * math.log(2)  # 1.039721
    H_c = 0.5 * math.log(2) + 0.375 * math.log(8 / 3) + 0.125 * math.log(8)  # 0.974315
    e = [H / math.log(4) for H in (H_a, H_b, H_c)]  # 0.729574, 0.75, 0.702820
    assert_allclose(e, [0.729574, 0.75, 0.702820], atol=1e-6)
    d = [1 - v for v in e]  # Σ = 0.817606
    expected = [v / sum(d) for v in d]
    assert_allclose(expected, [0.330753, 0.305771, 0.363476], atol=1e-6)
    assert_allclose(entropy_weights(X, shift=0.0), expected, rtol=1e-12)
    assert_allclose(loop_entropy(Y, 0.0), expected, rtol=1e-12)


def test_entropy_with_default_shift() -> None:
    expected = loop_entropy(Y, 1e-4)
    assert_allclose(expected, [0.3307510, 0.3057438, 0.3635052], atol=1e-7)
    assert_allclose(entropy_weights(X), expected, rtol=1e-12)
    # the shift moves the weights, slightly: the zeros no longer count as 0 · ln 0
    assert not np.allclose(entropy_weights(X), entropy_weights(X, shift=0.0))


def test_entropy_without_prenormalise() -> None:
    cols = [list(c) for c in P.T]
    assert_allclose(
        entropy_weights(P, shift=0.0, prenormalise=False),
        [0.3404095, 0.1811198, 0.4784707],
        atol=1e-7,
    )
    assert_allclose(
        entropy_weights(P, shift=0.0, prenormalise=False), loop_entropy(cols, 0.0)
    )
    assert_allclose(
        entropy_weights(P, prenormalise=False),
        [0.3403956, 0.1811156, 0.4784888],
        atol=1e-7,
    )
    assert_allclose(entropy_weights(P, prenormalise=False), loop_entropy(cols, 1e-4))


def test_entropy_without_prenormalise_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="column 2 has negative values"):
        entropy_weights(X, prenormalise=False)


def test_entropy_missing_values_are_ignored_per_column() -> None:
    Xm = X.copy()
    Xm[1, 0] = nan  # column 0 becomes 1, 3, 4 (n = 3): y = 0, 2/3, 1
    ys = [[0.0, 2 / 3, 1.0], Y[1], Y[2]]
    es = []
    for col in ys:
        y = [v + 1e-4 for v in col]
        p = [v / sum(y) for v in y]
        es.append(-sum(q * math.log(q) for q in p) / math.log(len(p)))
    d = [1 - e for e in es]
    assert_allclose(entropy_weights(Xm), [v / sum(d) for v in d], rtol=1e-12)


def test_entropy_constant_column_and_errors() -> None:
    Xc = np.column_stack([X, np.full(4, 7.0)])
    w = entropy_weights(Xc)
    assert w[3] == 0.0
    assert_allclose(w[:3], entropy_weights(X), rtol=1e-12)
    assert entropy_weights(Xc, shift=0.0)[3] == 0.0
    assert entropy_weights(np.column_stack([P, np.full(4, 7.0)]), prenormalise=False)[
        3
    ] == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match="all columns are constant"):
        entropy_weights(np.ones((4, 3)))
    with pytest.raises(ValueError, match="column 1 has 1 non-missing"):
        entropy_weights(np.array([[1.0, 2.0], [2.0, nan], [3.0, nan]]))
    with pytest.raises(ValueError, match="shift"):
        entropy_weights(X, shift=-1.0)
    assert_allclose(entropy_weights(X[:, :1]), [1.0])


def test_cv_by_hand() -> None:
    # means 2.5, 3, 30; sample sd √(5/3), √(4/3), √(1000/3)
    cv = [math.sqrt(5 / 3) / 2.5, math.sqrt(4 / 3) / 3, math.sqrt(1000 / 3) / 30]
    assert_allclose(cv, [0.516398, 0.384900, 0.608581], atol=1e-6)
    cv_loop = [statistics.stdev(c) / statistics.mean(c) for c in P.T.tolist()]
    assert_allclose(cv_loop, cv, rtol=1e-12)
    expected = [v / sum(cv) for v in cv]
    assert_allclose(expected, [0.342013, 0.254921, 0.403066], atol=1e-6)
    assert_allclose(cv_weights(P), expected, rtol=1e-12)


def test_cv_needs_positive_values() -> None:
    with pytest.raises(ValueError, match="column 1 has values ≤ 0"):
        cv_weights(X)  # the zero in column 1 comes before the cost column
    with pytest.raises(ValueError, match="all columns are constant"):
        cv_weights(np.ones((4, 2)))


def test_critic_by_hand() -> None:
    # sample sd of y: √(5/27), √(1/6), √(5/24)  = 0.430331, 0.408248, 0.456435
    sd = [math.sqrt(5 / 27), math.sqrt(1 / 6), math.sqrt(5 / 24)]
    assert_allclose(sd, [statistics.stdev(c) for c in Y], rtol=1e-12)
    # r_ab = 0.5/√(5/9·1/2), r_ac = −(7/12)/√(5/9·5/8), r_bc = −0.5/√(1/2·5/8)
    r_ab = 0.5 / math.sqrt(5 / 9 * 0.5)  # 0.948683
    r_ac = -(7 / 12) / math.sqrt(5 / 9 * 5 / 8)  # −0.989949
    r_bc = -0.5 / math.sqrt(0.5 * 5 / 8)  # −0.894427
    assert_allclose([r_ab, r_ac, r_bc], [0.948683, -0.989949, -0.894427], atol=1e-6)
    assert_allclose(
        [r_ab, r_ac, r_bc],
        [
            statistics.correlation(Y[0], Y[1]),
            statistics.correlation(Y[0], Y[2]),
            statistics.correlation(Y[1], Y[2]),
        ],
        rtol=1e-12,
    )
    C = [
        sd[0] * ((1 - r_ab) + (1 - r_ac)),  # 0.878426
        sd[1] * ((1 - r_ab) + (1 - r_bc)),  # 0.794346
        sd[2] * ((1 - r_ac) + (1 - r_bc)),  # 1.772965
    ]
    expected = [c / sum(C) for c in C]
    assert_allclose(expected, [0.254930, 0.230530, 0.514540], atol=1e-6)
    assert_allclose(critic_weights(X), expected, rtol=1e-12)


# a = 0..3; b = a reversed (r = −1); c = 0, 2, 1, 3 (r = 0.8 with a, −0.8 with b):
# all three hold the same values, so they have the same sd s after min-max
SIGNED = np.array([[0.0, 3.0, 0.0], [1.0, 2.0, 2.0], [2.0, 1.0, 1.0], [3.0, 0.0, 3.0]])


def test_critic_by_hand_with_signed_and_absolute_correlations() -> None:
    # 1 − r:   C_a = s(0 + 2 + 0.2) = 2.2s, C_b = s(2 + 0 + 1.8) = 3.8s,
    #          C_c = s(0.2 + 1.8 + 0) = 2.0s  → w = 2.2, 3.8, 2.0 over 8
    # 1 − |r|: C_a = s(0 + 0 + 0.2), C_b = s(0 + 0 + 0.2), C_c = s(0.2 + 0.2 + 0)
    #          → w = 0.25, 0.25, 0.5
    assert_allclose(critic_weights(SIGNED), [2.2 / 8, 3.8 / 8, 2.0 / 8], rtol=1e-12)
    assert_allclose(critic_weights(SIGNED, abs_r=True), [0.25, 0.25, 0.5], rtol=1e-12)


def test_sd_weights_by_hand() -> None:
    # sample sd: column 0 (0, 50, 100) → 50; column 1 (0, 25, 50) → 25; column 2
    # (10, nan, 40) → √450 over its two present rows; w ∝ sd
    X = np.array([[0.0, 0.0, 10.0], [50.0, 25.0, nan], [100.0, 50.0, 40.0]])
    sd = np.array([50.0, 25.0, math.sqrt(450.0)])

    assert_allclose(sd_weights(X), sd / sd.sum(), rtol=1e-12)


def test_sd_weights_constant_column_gets_zero_and_all_constant_raises() -> None:
    X = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])

    assert_allclose(sd_weights(X), [1.0, 0.0])
    with pytest.raises(ValueError, match="constant"):
        sd_weights(np.array([[5.0, 1.0], [5.0, 1.0]]))


def test_pairwise_correlation_uses_rows_complete_in_both_columns() -> None:
    A = np.array(
        [[1.0, 2.0, 5.0], [2.0, nan, 3.0], [4.0, 1.0, nan], [3.0, 5.0, 1.0], [0, 2, 2]]
    )
    R = pairwise_correlation(A)
    for j in range(3):
        for k in range(3):
            rows = [i for i in range(5) if not (np.isnan(A[i, j]) or np.isnan(A[i, k]))]
            r = statistics.correlation(
                [float(A[i, j]) for i in rows], [float(A[i, k]) for i in rows]
            )
            assert R[j, k] == pytest.approx(r, rel=1e-12)


def test_critic_constant_column_gets_zero_and_correlates_zero() -> None:
    Xc = np.column_stack([X, np.full(4, 3.0)])
    R = pairwise_correlation(Xc)
    assert_allclose(R[3], [0.0, 0.0, 0.0, 1.0])
    w = critic_weights(Xc)
    assert w[3] == 0.0
    # each other column gains sd_j · (1 − 0) from the constant column
    sd = np.array([math.sqrt(5 / 27), math.sqrt(1 / 6), math.sqrt(5 / 24)])
    C3 = sd * (1 - pairwise_correlation(X)).sum(axis=1) + sd
    assert_allclose(w[:3], C3 / C3.sum(), rtol=1e-12)
    with pytest.raises(ValueError, match="constant or perfectly correlated"):
        critic_weights(np.column_stack([X[:, 0], 2 * X[:, 0] + 1]))


def test_critic_duplicate_can_raise_the_combined_weight() -> None:
    """The issue's "duplicate does not raise its combined weight" does not hold.

    Three uncorrelated columns with equal spread get 1/3 each (C = 2 sd). Duplicating
    column 0: its copies keep C = 2 sd (r = 1 between them adds nothing) but the other
    two columns gain sd · (1 − 0) each, C = 3 sd. Combined: 4 / (4 + 3 + 3) = 0.4 >
    1/3, still below the 2w / (1 + w) = 0.5 a correlation-blind score would give.
    """
    U = np.array([[0.0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0]])
    assert_allclose(critic_weights(U), [1 / 3] * 3)
    w = critic_weights(np.column_stack([U, U[:, 0]]))
    assert_allclose(w, [0.2, 0.3, 0.3, 0.2])
    assert w[0] + w[3] == pytest.approx(0.4)
    # a correlation-blind method (entropy) gives the duplicated pair exactly 2w/(1+w)
    e = entropy_weights(np.column_stack([U, U[:, 0]]))
    assert e[0] + e[3] == pytest.approx(0.5)


def test_pca_by_hand() -> None:
    r_ab, r_ac, r_bc = 0.9486833, -0.9899495, -0.8944272
    R = [[1.0, r_ab, r_ac], [r_ab, 1.0, r_bc], [r_ac, r_bc, 1.0]]
    a = power_iteration(R)
    sq = [x * x for x in a]  # Σ a² = 1 already
    assert_allclose(sq, [0.34496, 0.32254, 0.33250], atol=1e-5)
    assert_allclose(pca_weights(X), sq, atol=1e-6)


def test_pca_constant_column_and_ties() -> None:
    Xc = np.column_stack([X[:, :1], np.full(4, 2.0), X[:, 1:]])
    w = pca_weights(Xc)
    assert w[1] == 0.0
    assert_allclose(w[[0, 2, 3]], pca_weights(X), rtol=1e-12)
    U = np.array([[0.0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0]])  # R = I
    with pytest.raises(ValueError, match="not unique"):
        pca_weights(U)
    with pytest.raises(ValueError, match="all columns are constant"):
        pca_weights(np.ones((4, 2)))
    assert_allclose(pca_weights(np.column_stack([X[:, 0], np.ones(4)])), [1.0, 0.0])


def test_combine_by_hand() -> None:
    w1, w2 = [0.5, 0.5, 0.0], [0.2, 0.2, 0.6]
    assert_allclose(combine_weights(w1, w2, 0.25), [0.275, 0.275, 0.45])
    assert_allclose(combine_weights([2, 2, 0], [1, 1, 2], 0.5), [0.375, 0.375, 0.25])
    assert_allclose(combine_weights(w1, w2, 1.0), w1)
    assert_allclose(combine_weights(w1, w2, 0.0), w2)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        combine_weights(w1, w2, 1.5)
    with pytest.raises(ValueError, match="differ in shape"):
        combine_weights(w1, [1.0], 0.5)
    with pytest.raises(ValueError, match="non-negative"):
        combine_weights([-1, 2], [1, 1], 0.5)
    with pytest.raises(ValueError, match="zero combined weight"):
        combine_weights([0, 0], [0, 0], 0.5)


@st.composite
def matrices(draw: st.DrawFn, low: int = -20, high: int = 20) -> np.ndarray:
    n = draw(st.integers(3, 20))
    m = draw(st.integers(1, 5))
    cells = st.integers(low, high).map(float)
    data = draw(
        st.lists(st.lists(cells, min_size=m, max_size=m), min_size=n, max_size=n)
    )
    return np.array(data)


def _all_methods(A: np.ndarray) -> list[np.ndarray]:
    out = []
    for f in (entropy_weights, critic_weights, pca_weights, sd_weights):
        try:
            out.append(f(A))
        except ValueError as exc:
            assert "constant" in str(exc) or "not unique" in str(exc)
    return out


@SETTINGS
@given(matrices())
def test_weights_non_negative_and_sum_to_one(A: np.ndarray) -> None:
    ws = _all_methods(A)
    ws.append(entropy_weights(A - A.min() + 0.0, prenormalise=False, shift=1e-4))
    try:
        ws.append(cv_weights(A - A.min() + 1.0))
    except ValueError as exc:
        assert "constant" in str(exc)
    for w in ws:
        assert w.shape == (A.shape[1],)
        assert (w >= 0).all()
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
    if len(ws) >= 2:
        c = combine_weights(ws[0], ws[1], 0.3)
        assert (c >= 0).all() and c.sum() == pytest.approx(1.0, abs=1e-12)


@SETTINGS
@given(matrices(), st.integers(0, 5), st.integers(-20, 20), st.floats(0, 1e-2))
def test_entropy_constant_column_gets_zero(
    A: np.ndarray, pos: int, value: int, shift: float
) -> None:
    pos = min(pos, A.shape[1])
    B = np.insert(A, pos, float(value), axis=1)
    try:
        w = entropy_weights(B, shift=shift)
    except ValueError:
        assume(False)
    assert w[pos] == 0.0
    assert critic_weights(B)[pos] == 0.0


@SETTINGS
@given(matrices(), st.data())
def test_critic_duplicate_bounds(A: np.ndarray, data: st.DataObject) -> None:
    """Duplicating column j in CRITIC: with w = its weight alone, the two copies get
    equal weights, each ≤ w, and together w ≤ w₁ + w₂ ≤ 2w / (1 + w) — the upper
    bound being what a correlation-blind score (e.g. entropy) gives the pair."""
    assume(A.shape[1] >= 2)
    j = data.draw(st.integers(0, A.shape[1] - 1))
    try:
        w = critic_weights(A)
    except ValueError:
        assume(False)
    w2 = critic_weights(np.column_stack([A, A[:, j]]))
    tol = 1e-9
    assert w2[j] == pytest.approx(w2[-1], abs=tol)
    assert w2[j] <= w[j] + tol
    pair = w2[j] + w2[-1]
    assert w[j] - tol <= pair <= 2 * w[j] / (1 + w[j]) + tol


def _gap(A: np.ndarray) -> float:
    B = A[:, np.ptp(A, axis=0) > 0]
    if B.shape[1] < 2:
        return math.inf
    lam = np.linalg.eigvalsh(np.corrcoef(B, rowvar=False))
    return float(lam[-1] - lam[-2])


@SETTINGS
@given(matrices(), st.randoms(use_true_random=False))
def test_row_permutation_leaves_weights_unchanged(A: np.ndarray, rnd: object) -> None:
    perm = list(range(A.shape[0]))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    B = A[perm]
    for f in (entropy_weights, critic_weights, pca_weights, sd_weights):
        try:
            w = f(A)
        except ValueError:
            continue
        if f is pca_weights and _gap(A) < 1e-3:
            continue  # the first component is ill-conditioned
        assert_allclose(f(B), w, rtol=1e-7, atol=1e-10)
    C = A - A.min() + 1.0
    try:
        assert_allclose(cv_weights(C[perm]), cv_weights(C), rtol=1e-10)
    except ValueError:
        pass


def test_missing_values_keep_weights_valid() -> None:
    rng = np.random.default_rng(1)
    A = rng.normal(size=(200, 6)) + rng.normal(size=(200, 1))
    A[rng.random(A.shape) < 0.2] = nan
    for w in _all_methods(A) + [cv_weights(A - np.nanmin(A) + 1.0)]:
        assert (w >= 0).all()
        assert w.sum() == pytest.approx(1.0)
