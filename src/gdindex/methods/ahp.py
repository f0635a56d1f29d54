"""The analytic hierarchy process (Saaty 1980), DESIGN §4.4: pure numerics.

A pairwise comparison matrix (Saaty 1–9, reciprocal) → priority vector, λmax, the
consistency index `CI = (λmax − m)/(m − 1)` and ratio `CR = CI / RI(m)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from gdindex.errors import LocalisedValueError

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
        raise LocalisedValueError(
            f"cell ({i}, {j}): {value!r} is not a number or a fraction like '1/3'",
            f"单元格 ({i}, {j})：{value!r} 不是数字，也不是 '1/3' 这样的分数",
        ) from None
    if not (np.isfinite(x) and x > 0.0):
        raise LocalisedValueError(
            f"cell ({i}, {j}): judgement must be positive, got {value!r}",
            f"单元格 ({i}, {j})：判断值须为正数，实际为 {value!r}",
        )
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
        raise LocalisedValueError("pairwise matrix is empty", "判断矩阵为空")
    if m > len(RANDOM_INDEX):
        raise LocalisedValueError(
            f"AHP supports at most {len(RANDOM_INDEX)} criteria, got {m}",
            f"层次分析法最多支持 {len(RANDOM_INDEX)} 个准则，实际有 {m} 个",
        )
    lengths = [len(r) for r in rows]
    if lengths == list(range(m, 0, -1)) and m > 1:
        form = "ragged"
    elif all(n == m for n in lengths):
        form = "square"
    else:
        raise LocalisedValueError(
            f"pairwise matrix rows have lengths {lengths}: expected {m} rows of "
            f"length {m} (full or upper triangle) or lengths "
            f"{list(range(m, 0, -1))} (ragged upper triangle, diagonal included)",
            f"判断矩阵各行长度为 {lengths}：应为 {m} 行、每行 {m} 个（完整矩阵或"
            f"上三角），或各行长度依次为 {list(range(m, 0, -1))}（阶梯形上三角，"
            "含对角线）",
        )

    def at(i: int, j: int) -> Any:
        return rows[i][j - i] if form == "ragged" else rows[i][j]

    out = np.ones((m, m))
    for i in range(m):
        d = _judgement(at(i, i), (i, i))
        if d != 1.0:
            raise LocalisedValueError(
                f"cell ({i}, {i}): diagonal must be 1, got {at(i, i)!r}",
                f"单元格 ({i}, {i})：对角线须为 1，实际为 {at(i, i)!r}",
            )
        for j in range(i + 1, m):
            out[i, j] = _judgement(at(i, j), (i, j))
            out[j, i] = 1.0 / out[i, j]
    if form == "square":
        lower = [(i, j) for i in range(m) for j in range(i)]
        blank = [_is_blank(rows[i][j]) for i, j in lower]
        if any(blank) and not all(blank):
            i, j = lower[blank.index(not blank[0])]
            raise LocalisedValueError(
                f"cell ({i}, {j}): the lower triangle must be all given or all "
                "blank (0 or null)",
                f"单元格 ({i}, {j})：下三角须全部填写或全部留空（0 或 null）",
            )
        if not any(blank):
            for i, j in lower:
                x = _judgement(rows[i][j], (i, j))
                if abs(x * out[j, i] - 1.0) > rtol * (1.0 + 1e-9):
                    raise LocalisedValueError(
                        f"cell ({i}, {j}): {rows[i][j]!r} is not the reciprocal of "
                        f"cell ({j}, {i}) = {rows[j][i]!r}",
                        f"单元格 ({i}, {j})：{rows[i][j]!r} 不是单元格 ({j}, {i}) = "
                        f"{rows[j][i]!r} 的倒数",
                    )
    return out


#: How the priority vector is taken from the pairwise matrix.
PRIORITIES = ("eigen", "geometric", "colsum")


def priority_vector(
    A: np.ndarray, lam: np.ndarray, vec: np.ndarray, how: str
) -> np.ndarray:
    """The priority vector `w` (summing to 1) of the reciprocal matrix `A`.

    - `eigen` (Saaty): the principal right eigenvector, `A w = λmax w`;
    - `geometric` (方根法, row geometric means): `w_i ∝ (Π_j a_ij)^(1/m)`;
    - `colsum` (和积法): normalise each column to sum 1, `w_i` = mean of row i.

    All three agree on a consistent matrix.
    """
    if how == "geometric":
        w = np.exp(np.log(A).mean(axis=1))
    elif how == "colsum":
        w = (A / A.sum(axis=0)).mean(axis=1)
    elif how == "eigen":
        v = vec[:, int(np.argmax(lam.real))].real
        w = np.abs(v / v.sum())  # Perron vector: one sign; abs() removes -0.0/ulps
    else:
        raise LocalisedValueError(
            f"unknown AHP priority {how!r}: use one of {PRIORITIES}",
            f"未知的层次分析法排序向量算法 {how!r}：可选 {PRIORITIES}",
        )
    return w / w.sum()


def ahp_weights(
    matrix: Sequence[Sequence[Any]],
    max_cr: float | None = 0.1,
    rtol: float = 0.01,
    priority: str = "eigen",
) -> AhpResult:
    """AHP: `w` = the priority vector of the pairwise matrix (`priority_vector`).

    `λmax` is always the principal eigenvalue of the matrix (`np.linalg.eig`, largest
    real part), whatever the priority: `CI = (λmax − m) / (m − 1)` (0 for m = 1);
    `CR = CI / RI(m)` with RI from `RANDOM_INDEX` and `CR = 0` for m ≤ 2. Raises
    `ValueError` when `CR > max_cr` (`max_cr=None` skips the check). See
    `pairwise_matrix` for the accepted forms.
    """
    A = pairwise_matrix(matrix, rtol=rtol)
    m = A.shape[0]
    if m == 1:
        return AhpResult(np.ones(1), 1.0, 0.0, 0.0, A)
    lam, vec = np.linalg.eig(A)
    lambda_max = float(lam.real.max())
    w = priority_vector(A, lam, vec, priority)
    ci = (lambda_max - m) / (m - 1)
    cr = 0.0 if m <= 2 else ci / RANDOM_INDEX[m - 1]
    if max_cr is not None and cr > max_cr:
        raise LocalisedValueError(
            f"AHP consistency ratio CR = {cr:.4f} exceeds max_cr = {max_cr} "
            f"(λmax = {lambda_max:.4f}, CI = {ci:.4f}); revise the judgements or "
            "raise max_cr",
            f"层次分析法一致性比率 CR = {cr:.4f}，超过 max_cr = {max_cr}"
            f"（λmax = {lambda_max:.4f}，CI = {ci:.4f}）；请修改判断值或调高 max_cr",
        )
    return AhpResult(w, lambda_max, ci, cr, A)


def ahp_hint(problem: str, lang: str = "en") -> str:
    """What to do about an AHP `ValueError` message (for located errors), in `lang`."""
    n = len(RANDOM_INDEX)
    zh = lang == "zh"
    if "at most" in problem:
        if zh:
            return (
                f"Saaty 随机一致性指标 RI 只列到 {n} 个准则：请把子节点分组到"
                f"不超过 {n} 个的下级节点下，或改用其他赋权方法"
            )
        return (
            f"Saaty's random index is tabled for at most {n} "
            "criteria: group the children under sub-nodes of at most "
            f"{n}, or weight this node by another method"
        )
    if "consistency ratio" in problem:
        if zh:
            return "请修改判断值（Saaty 1-9 标度，互为倒数），或调高 max_cr"
        return "revise the judgements (Saaty 1-9, reciprocal), or raise max_cr"
    if zh:
        return "请给出互为倒数的 Saaty 判断矩阵（1-9 标度），每个子节点一行"
    return "give a reciprocal Saaty matrix (1-9) with one row per child"
