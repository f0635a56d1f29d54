"""AHP (DESIGN §4.4): Saaty's example, matrix forms, consistency, invalid matrices."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from gdindex.methods.ahp import RANDOM_INDEX, ahp_weights, pairwise_matrix
from tests.weighting_helpers import SETTINGS, power_iteration

SAATY: list[list[float]] = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def test_ahp_saaty_example() -> None:
    # Literature: w ≈ 0.637, 0.258, 0.105; λmax ≈ 3.039; CI ≈ 0.019; CR ≈ 0.033.
    w_loop = power_iteration([[float(x) for x in row] for row in SAATY])
    w_loop = [x / sum(w_loop) for x in w_loop]
    lam = sum(SAATY[0][k] * w_loop[k] for k in range(3)) / w_loop[0]
    res = ahp_weights(SAATY)
    assert_allclose(res.weights, [0.637, 0.258, 0.105], atol=5e-4)
    assert_allclose(res.weights, w_loop, rtol=1e-9)
    assert res.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert res.lambda_max == pytest.approx(lam, rel=1e-9)
    assert res.ci == pytest.approx((lam - 3) / 2, rel=1e-6)
    assert res.ci == pytest.approx(0.0193, abs=1e-4)
    assert res.cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-6)
    assert res.cr == pytest.approx(0.0332, abs=1e-4)


def test_ahp_geometric_priority_is_normalised_row_geometric_means() -> None:
    # 方根法 on SAATY: row products 15, 1, 1/15 → cube roots g, 1, 1/g (g = ∛15)
    g = 15 ** (1 / 3)
    expected = np.array([g, 1.0, 1 / g]) / (g + 1.0 + 1 / g)  # .6370, .2583, .1047

    res = ahp_weights(SAATY, priority="geometric")

    assert_allclose(res.weights, expected, rtol=1e-12)
    # CR stays that of the matrix (λmax of the eigenproblem), whatever the priority
    assert res.lambda_max == pytest.approx(ahp_weights(SAATY).lambda_max, rel=1e-12)
    assert res.cr == pytest.approx(0.0332, abs=1e-4)


def test_ahp_colsum_priority_is_the_mean_of_column_normalised_rows() -> None:
    # 和积法 on SAATY: column sums 23/15, 13/3, 9 → normalised columns
    #   (15/23, 5/23, 3/23), (9/13, 3/13, 1/13), (5/9, 3/9, 1/9); rows averaged
    expected = [
        (15 / 23 + 9 / 13 + 5 / 9) / 3,  # 0.6333
        (5 / 23 + 3 / 13 + 3 / 9) / 3,  # 0.2605
        (3 / 23 + 1 / 13 + 1 / 9) / 3,  # 0.1062
    ]

    res = ahp_weights(SAATY, priority="colsum")

    assert_allclose(res.weights, expected, rtol=1e-12)
    assert res.cr == pytest.approx(ahp_weights(SAATY).cr, rel=1e-12)


@pytest.mark.parametrize("priority", ["eigen", "geometric", "colsum"])
def test_ahp_priorities_agree_on_a_consistent_matrix(priority: str) -> None:
    # a_ij = v_i / v_j with v = 4, 2, 1 → w = 4/7, 2/7, 1/7 by every method
    res = ahp_weights([[1, 2, 4], [1, 2], [1]], priority=priority)

    assert_allclose(res.weights, [4 / 7, 2 / 7, 1 / 7], rtol=1e-12)
    assert res.cr == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, 3, 5], [1, 3], [1]],  # ragged upper triangle, diagonal included
        [[1, 3, 5], [None, 1, 3], [None, None, 1]],  # square, lower null
        [[1, 3, 5], [0, 1, 3], [0, 0, 1]],  # square, lower 0
        [["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "1/3", "1"]],  # fractions
        [[1, 3, 5], [0.33, 1, 3], [0.2, 0.33, 1]],  # rounded reciprocals pass
    ],
)
def test_ahp_matrix_forms(matrix: list[list[Any]]) -> None:
    full = pairwise_matrix(matrix)
    assert_allclose(full, SAATY, rtol=1e-15)
    assert_allclose(ahp_weights(matrix).weights, ahp_weights(SAATY).weights)


def test_ahp_inconsistent_matrix() -> None:
    # Circular judgements (1 ≫ 2 ≫ 3 ≫ 1): circulant, so w = 1/3 each and
    # λmax = 1 + 9 + 1/9 = 91/9; CI = (91/9 − 3)/2 = 32/9; CR = 32/9 / 0.58 ≈ 6.13.
    M = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]
    with pytest.raises(ValueError, match=r"CR = 6\.1303 exceeds max_cr = 0\.1"):
        ahp_weights(M)
    res = ahp_weights(M, max_cr=None)
    assert_allclose(res.weights, [1 / 3] * 3)
    assert res.lambda_max == pytest.approx(91 / 9)
    assert res.ci == pytest.approx(32 / 9)
    assert res.cr == pytest.approx(32 / 9 / 0.58)
    assert res.cr > 0.1
    assert ahp_weights(M, max_cr=7.0).cr == pytest.approx(6.130268, abs=1e-6)


def test_ahp_small_and_limits() -> None:
    one = ahp_weights([[1]])
    assert (one.weights.tolist(), one.lambda_max, one.ci, one.cr) == ([1.0], 1, 0, 0)
    two = ahp_weights([[1, 4], [1]])
    assert_allclose(two.weights, [0.8, 0.2])
    assert two.cr == 0.0
    assert two.lambda_max == pytest.approx(2.0)
    assert RANDOM_INDEX == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
    with pytest.raises(ValueError, match="at most 10 criteria"):
        ahp_weights(np.ones((11, 11)).tolist())


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (
            [[1, 3], [0.5, 1]],
            r"cell \(1, 0\): 0.5 is not the reciprocal of cell \(0, 1\)",
        ),
        ([[1, -3], [None, 1]], r"cell \(0, 1\): judgement must be positive"),
        ([[1, 0], [None, 1]], r"cell \(0, 1\): judgement must be positive"),
        ([[1, 3], [None, 2]], r"cell \(1, 1\): diagonal must be 1"),
        ([[3, 5], [3]], r"cell \(0, 0\): diagonal must be 1"),  # strict triangle
        ([[1, "x"], [None, 1]], r"cell \(0, 1\): 'x' is not a number"),
        ([[1, 2, 3], [None, 1, 2], [1 / 3, None, 1]], r"cell \(2, 0\): the lower"),
        ([[1, 2, 3], [1, 2]], "rows have lengths"),
        ([], "empty"),
    ],
)
def test_ahp_invalid_matrices(matrix: list[list[Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ahp_weights(matrix)


@SETTINGS
@given(st.lists(st.integers(1, 9), min_size=1, max_size=10))
def test_ahp_consistent_matrix_recovers_weights(v: list[int]) -> None:
    w = np.array(v, dtype=float) / sum(v)
    res = ahp_weights((w[:, None] / w[None, :]).tolist())
    assert_allclose(res.weights, w, rtol=1e-9)
    assert res.lambda_max == pytest.approx(len(v), abs=1e-9)
    assert abs(res.cr) < 1e-9


def test_each_ahp_problem_gets_its_own_fix() -> None:
    from gdindex.methods.ahp import ahp_hint

    with pytest.raises(ValueError) as too_many:
        ahp_weights(np.ones((11, 11)).tolist())
    with pytest.raises(ValueError) as inconsistent:
        ahp_weights([[1, 2, 1 / 2], [1 / 2, 1, 2], [2, 1 / 2, 1]])

    assert "sub-nodes of at most 10" in ahp_hint(str(too_many.value))
    assert "max_cr" not in ahp_hint(str(too_many.value))
    assert "raise max_cr" in ahp_hint(str(inconsistent.value))
