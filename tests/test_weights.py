"""Weights (DESIGN §4.4): sibling weights rescaled to sum to 1, `equal`, and
effective weights as the product of the weights along each path; data-driven
(entropy, cv, critic, pca) and AHP weights derived through `compute`, their pools,
spec errors, outputs, `--set` overrides and the `gdindex weights` command."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from typer.testing import CliRunner

import gdindex
from gdindex.cli import app
from gdindex.errors import DataError, MethodError, SpecError
from gdindex.pipeline.tree_weights import child_weights, weight_rows
from gdindex.spec import check_spec
from tests.conftest import SPEC_YAML, make_spec, render, table_blocks, write_project


def flat_tree(nominal: list[float], **node: Any) -> dict[str, Any]:
    """A root whose children i1, i2, … carry the `nominal` weights."""
    children = [{"id": f"i{k + 1}", "weight": w} for k, w in enumerate(nominal)]
    return {"id": "root", "children": children, **node}


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # 2 : 1 : 1 → 2/4, 1/4, 1/4
        ([2, 1, 1], [0.5, 0.25, 0.25]),
        # 0.2 : 0.3 → 0.4, 0.6
        ([0.2, 0.3], [0.4, 0.6]),
        # already summing to 1: unchanged
        ([0.25, 0.75], [0.25, 0.75]),
        # a zero weight stays 0: 0 : 3 → 0, 1
        ([0, 3], [0.0, 1.0]),
    ],
)
def test_explicit_weights_are_rescaled_among_siblings(
    weights: list[float], expected: list[float]
) -> None:
    # arrange
    ids = [f"i{k + 1}" for k in range(len(weights))]
    spec = make_spec(ids, flat_tree(weights))

    # act
    w = child_weights(spec, spec.tree)

    # assert
    assert_allclose(w, expected, rtol=1e-12)


def test_default_weight_is_one() -> None:
    # arrange: no weights written → 1 : 1 : 1
    spec = make_spec(["a", "b", "c"], {"id": "root", "children": ["a", "b", "c"]})

    # act
    w = child_weights(spec, spec.tree)

    # assert
    assert_allclose(w, [1 / 3, 1 / 3, 1 / 3])


def test_equal_weights_on_a_node_ignore_the_tree_weights() -> None:
    # arrange: weights 5 : 1, but the node asks for equal weights
    spec = make_spec(["i1", "i2"], flat_tree([5, 1], weights={"method": "equal"}))

    # act
    w = child_weights(spec, spec.tree)

    # assert: 1/m with m = 2
    assert_allclose(w, [0.5, 0.5])


def test_equal_weights_from_the_defaults() -> None:
    # arrange
    spec = make_spec(
        ["i1", "i2", "i3", "i4"],
        flat_tree([1, 2, 3, 4]),
        defaults={"weights": {"method": "equal"}},
    )

    # act
    w = child_weights(spec, spec.tree)

    # assert: 1/4 each
    assert_allclose(w, [0.25, 0.25, 0.25, 0.25])


TWO_LEVEL = {
    "id": "root",
    "children": [
        {
            "id": "p1",
            "weight": 2,
            "children": [{"id": "i1", "weight": 1}, {"id": "i2", "weight": 3}],
        },
        {"id": "p2", "weight": 1, "children": ["i3", "i4"]},
    ],
}


def test_weight_rows_effective_weights_are_products_along_the_path() -> None:
    # arrange: pillars 2 : 1 → 2/3, 1/3; p1's indicators 1 : 3 → 1/4, 3/4;
    #   p2's indicators default 1 : 1 → 1/2, 1/2
    spec = make_spec(["i1", "i2", "i3", "i4"], TWO_LEVEL)

    # act
    rows = weight_rows(spec)

    # assert: pre-order, root first
    assert [(r.node, r.parent) for r in rows] == [
        ("root", None),
        ("p1", "root"),
        ("i1", "p1"),
        ("i2", "p1"),
        ("p2", "root"),
        ("i3", "p2"),
        ("i4", "p2"),
    ]
    # sibling weights: 1, 2/3, 1/4, 3/4, 1/3, 1/2, 1/2
    assert_allclose(
        [r.weight for r in rows], [1, 2 / 3, 1 / 4, 3 / 4, 1 / 3, 1 / 2, 1 / 2]
    )
    # effective: i1 2/3 · 1/4 = 1/6; i2 2/3 · 3/4 = 1/2; i3, i4 1/3 · 1/2 = 1/6
    assert_allclose(
        [r.effective_weight for r in rows],
        [1, 2 / 3, 1 / 6, 1 / 2, 1 / 3, 1 / 6, 1 / 6],
    )
    # nominal weights as written in the tree
    assert [r.nominal for r in rows] == [1, 2, 1, 3, 1, 1, 1]


def test_effective_weights_of_the_indicators_sum_to_one() -> None:
    # arrange
    spec = make_spec(["i1", "i2", "i3", "i4"], TWO_LEVEL)

    # act
    leaves = [r for r in weight_rows(spec) if r.node.startswith("i")]

    # assert: 1/6 + 1/2 + 1/6 + 1/6 = 1
    assert sum(r.effective_weight for r in leaves) == pytest.approx(1.0)


def test_weight_rows_record_the_method() -> None:
    # arrange: p2 uses equal weights, everything else explicit
    tree = {
        "id": "root",
        "children": [
            {"id": "p1", "children": ["i1", "i2"]},
            {
                "id": "p2",
                "weights": {"method": "equal"},
                "children": [{"id": "i3", "weight": 9}, "i4"],
            },
        ],
    }
    spec = make_spec(["i1", "i2", "i3", "i4"], tree)

    # act
    rows = {r.node: r for r in weight_rows(spec)}

    # assert
    assert rows["root"].method == "root"
    assert rows["p1"].method == "explicit"
    assert rows["i3"].method == "equal"
    # equal on p2: i3 1/2 although its nominal weight is 9; effective 1/2 · 1/2
    assert rows["i3"].weight == pytest.approx(0.5)
    assert rows["i3"].effective_weight == pytest.approx(0.25)


# =========================================================================== #
# A small project for weights derived through `compute`
# =========================================================================== #

UNITS4 = """code,name_zh,name_en
A,甲城,Alpha
B,乙城,Beta
C,丙城,Gamma
D,丁城,Delta
"""
UNITS = ["A", "B", "C", "D"]
INDS = ("x1", "x2", "x3")

# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).
DATA1 = """unit,period,x1,x2,x3
A,2021,10,0,40
B,2021,20,5,10
C,2021,30,5,30
D,2021,60,10,20
"""
RAW1 = {"x1": [10, 20, 30, 60], "x2": [0, 5, 5, 10], "x3": [40, 10, 30, 20]}
# minmax [0, 100] (the default), direction applied: x3 → (40 − raw) / 30 · 100
N1 = {
    "x1": [0.0, 20.0, 40.0, 100.0],
    "x2": [0.0, 50.0, 50.0, 100.0],
    "x3": [0.0, 100.0, 100 / 3, 200 / 3],
}

# 4 units × 2 periods, every raw value positive (cv can use every child).
DATA2 = """unit,period,x1,x2,x3
A,2021,10,2,40
B,2021,20,5,10
C,2021,30,6,30
D,2021,60,10,20
A,2022,12,3,38
B,2022,25,5,12
C,2022,33,7,28
D,2022,70,12,15
"""
RAW2 = {
    2021: {"x1": [10, 20, 30, 60], "x2": [2, 5, 6, 10], "x3": [40, 10, 30, 20]},
    2022: {"x1": [12, 25, 33, 70], "x2": [3, 5, 7, 12], "x3": [38, 12, 28, 15]},
}
DIRECTION = {"x1": 1, "x2": 1, "x3": -1}

# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)
SAATY = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]
SAATY_NUM = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
SAATY_PUBLISHED = {"w": [0.637, 0.258, 0.105], "lambda_max": 3.039, "cr": 0.033}
# An inconsistent 3 × 3 matrix: 1 ≻ 2 ≻ 3 (twice as important), but 1 ~ 3
INCONSISTENT = [[1, 2, 1], ["1/2", 1, 2], [1, "1/2", 1]]

# weights.csv header (DESIGN §6, contract)
WEIGHTS_COLUMNS = "node,parent,weight,effective_weight,method"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def spec_data(
    weights: dict[str, Any] | None = None,
    *,
    children: list[Any] | None = None,
    periods: list[int] | None = None,
    defaults: dict[str, Any] | None = None,
    data_file: str = "data.csv",
) -> dict[str, Any]:
    """The spec of the small project: root `idx` over x1, x2, x3 (or `children`)."""
    tree: dict[str, Any] = {
        "id": "idx",
        "name": {"zh": "总指数", "en": "Index"},
        "children": children if children is not None else list(INDS),
    }
    if weights is not None:
        tree["weights"] = weights
    data: dict[str, Any] = {
        "spec_version": 1,
        "id": "wts",
        "name": {"zh": "权重测试", "en": "Weights test"},
        "units": {
            "file": "units.csv",
            "id": "code",
            "name": {"zh": "name_zh", "en": "name_en"},
        },
        "data": [{"file": data_file}],
        "indicators": [
            {"id": "x1", "name": {"zh": "指标一", "en": "One"}},
            {"id": "x2", "name": {"zh": "指标二", "en": "Two"}},
            {"id": "x3", "name": {"zh": "指标三", "en": "Three"}, "direction": -1},
        ],
        "tree": tree,
    }
    if periods is not None:
        data["periods"] = periods
    if defaults is not None:
        data["defaults"] = defaults
    return data


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def project(
    root: Path,
    weights: dict[str, Any] | None = None,
    data: str = DATA1,
    **kw: Any,
) -> Path:
    """Write the small project into `root`; return the spec path."""
    return write_project(root, dump(spec_data(weights, **kw)), data, UNITS4)


def compute_project(
    root: Path,
    weights: dict[str, Any] | None = None,
    data: str = DATA1,
    **kw: Any,
) -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(project(root, weights, data, **kw)))


def nodes_of(result: gdindex.IndexResult) -> dict[str, Any]:
    """How every inner node's weights were derived (`IndexResult.weighting`)."""
    assert result.weighting is not None
    return result.weighting.nodes


def derived(result: gdindex.IndexResult, node: str = "idx") -> list[float]:
    """The derived (rescaled) weights of `node`'s children, in tree order."""
    return [float(w) for w in nodes_of(result)[node].weights]


def scores_of(
    result: gdindex.IndexResult, node: str, period: int = 2021
) -> list[float]:
    """Scores of `node` for units A, B, C, D in `period`."""
    frame = result.scores.filter(
        (pl.col("node") == node) & (pl.col("period") == period)
    ).sort("unit")
    assert frame["unit"].to_list() == UNITS
    return [float(s) for s in frame["score"].to_list()]


def weighted_sum(w: list[float], columns: list[list[float]]) -> list[float]:
    """Σ_j w_j · x_ij for every row i."""
    return [
        sum(wj * col[i] for wj, col in zip(w, columns, strict=True)) for i in range(4)
    ]


# ---- the formulas of §4.4, by hand (plain Python, not gdindex.weighting) ---- #


def minmax01(x: list[float]) -> list[float]:
    lo, hi = min(x), max(x)
    return [(v - lo) / (hi - lo) for v in x]


def entropy_by_hand(
    columns: list[list[float]], shift: float = 1e-4, prenormalise: bool = True
) -> list[float]:
    """y = minmax [0, 1] + shift; p = y / Σ y; e = −Σ p ln p / ln n; w ∝ 1 − e."""
    d = []
    for x in columns:
        y = [v + shift for v in (minmax01(x) if prenormalise else x)]
        p = [v / sum(y) for v in y]
        e = -sum(q * math.log(q) for q in p if q > 0) / math.log(len(p))
        d.append(1 - e)
    return [v / sum(d) for v in d]


def critic_by_hand(columns: list[list[float]]) -> list[float]:
    """y = minmax [0, 1]; C_j = sd_j · Σ_k (1 − r_jk); w ∝ C."""
    y = [minmax01(x) for x in columns]
    c = [
        statistics.stdev(yj)
        * sum(1 - (1.0 if yj is yk else statistics.correlation(yj, yk)) for yk in y)
        for yj in y
    ]
    return [v / sum(c) for v in c]


def cv_by_hand(columns: list[list[float]]) -> list[float]:
    """w ∝ sd / mean (sample sd)."""
    c = [statistics.stdev(x) / statistics.mean(x) for x in columns]
    return [v / sum(c) for v in c]


def pca_by_hand(columns: list[list[float]]) -> list[float]:
    """w ∝ loading² of the first principal component of the correlation matrix."""
    lam, vec = np.linalg.eig(np.corrcoef(np.array(columns, dtype=float)))
    a = vec[:, int(np.argmax(lam.real))].real
    return [float(v) for v in a * a / (a @ a)]


def ahp_by_hand(A: np.ndarray) -> tuple[list[float], float, float, float]:
    """Principal eigenvector (normalised), λmax, CI = (λ − m)/(m − 1), CR = CI/RI."""
    lam, vec = np.linalg.eig(A)
    k = int(np.argmax(lam.real))
    v = np.abs(vec[:, k].real)
    m = A.shape[0]
    lambda_max = float(lam[k].real)
    ci = (lambda_max - m) / (m - 1)
    ri = {3: 0.58, 4: 0.90, 5: 1.12}[m]
    return [float(x) for x in v / v.sum()], lambda_max, ci, ci / ri


def directed(raw: dict[str, list[float]]) -> list[list[float]]:
    """Raw columns with the direction applied (x3 is a cost)."""
    return [[DIRECTION[k] * v for v in raw[k]] for k in INDS]


# =========================================================================== #
# 1. Hand-computed examples through `compute`
# =========================================================================== #


def test_children_are_the_normalised_scores_with_direction_applied(
    tmp_path: Path,
) -> None:
    # arrange / act: the values every data-driven example below starts from
    result = compute_project(tmp_path, {"method": "equal"})

    # assert
    for ind, expected in N1.items():
        assert_allclose(scores_of(result, ind), expected, rtol=1e-12, atol=1e-12)


def test_entropy_weights_by_hand_without_shift(tmp_path: Path) -> None:
    # arrange: shift 0 so that p_ij can be written out exactly
    result = compute_project(tmp_path, {"method": "entropy", "shift": 0})

    # y = minmax of the normalised scores to [0, 1]; p_ij = y_ij / Σ_i y_ij
    #   x1: y = 0, .2, .4, 1   (Σ 1.6) → p = 0, 1/8, 1/4, 5/8
    #   x2: y = 0, .5, .5, 1   (Σ 2)   → p = 0, 1/4, 1/4, 1/2
    #   x3: y = 0, 1, 1/3, 2/3 (Σ 2)   → p = 0, 1/2, 1/6, 1/3   (cost: 40 is worst)
    p = {
        "x1": [0, 1 / 8, 1 / 4, 5 / 8],
        "x2": [0, 1 / 4, 1 / 4, 1 / 2],
        "x3": [0, 1 / 2, 1 / 6, 1 / 3],
    }
    # e_j = −(1 / ln 4) Σ_i p_ij ln p_ij with 0 · ln 0 = 0
    e = {
        k: -sum(q * math.log(q) for q in ps if q > 0) / math.log(4)
        for k, ps in p.items()
    }
    # x2: (½ ln 4 + ½ ln 2) / ln 4 = ½ + ¼
    assert e["x2"] == pytest.approx(0.75, rel=1e-15)
    d = [1 - e[k] for k in INDS]
    expected = [dj / sum(d) for dj in d]

    # assert
    assert_allclose(derived(result), expected, rtol=1e-12)
    assert_allclose(expected, [0.40252, 0.28702, 0.31047], atol=1e-5)
    # the index is Σ w · x with these weights
    assert_allclose(
        scores_of(result, "idx"),
        weighted_sum(expected, [N1[k] for k in INDS]),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize("shift", [None, 0.5])
def test_entropy_weights_by_hand_with_shift(
    tmp_path: Path, shift: float | None
) -> None:
    # arrange: None → the default shift 1e-4
    weights: dict[str, Any] = {"method": "entropy"}
    if shift is not None:
        weights["shift"] = shift
    used = 1e-4 if shift is None else shift
    result = compute_project(tmp_path, weights)

    # act: y = minmax [0, 1] + shift, over the normalised scores
    expected = entropy_by_hand([N1[k] for k in INDS], shift=used)

    # assert
    assert_allclose(derived(result), expected, rtol=1e-12)
    # the shift matters: without it the weights differ
    unshifted = entropy_by_hand([N1[k] for k in INDS], shift=0.0)
    assert not np.allclose(derived(result), unshifted, rtol=1e-7, atol=0)
    assert_allclose(
        scores_of(result, "idx"),
        weighted_sum(expected, [N1[k] for k in INDS]),
        rtol=1e-12,
    )
    params = nodes_of(result)["idx"].components[0].params
    assert params["shift"] == used and params["prenormalise"] is True


def test_entropy_without_prenormalise_uses_the_scores_as_they_are(
    tmp_path: Path,
) -> None:
    # arrange: y = score + shift (scores in [0, 100]), no minmax to [0, 1]
    result = compute_project(
        tmp_path, {"method": "entropy", "shift": 1, "prenormalise": False}
    )

    # act
    expected = entropy_by_hand([N1[k] for k in INDS], shift=1, prenormalise=False)

    # assert: shift 1 on a 0–100 scale is not shift 1 on a 0–1 scale
    assert_allclose(derived(result), expected, rtol=1e-12)
    assert not np.allclose(expected, entropy_by_hand([N1[k] for k in INDS], 1))


def test_entropy_pools_every_unit_and_period(tmp_path: Path) -> None:
    # arrange: 4 units × 2 periods → 8 rows; panel minmax over both periods
    result = compute_project(tmp_path, {"method": "entropy"}, DATA2)
    pooled = {
        k: [DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS
    }

    # act: entropy is unchanged by the (affine) minmax normaliser
    expected = entropy_by_hand([pooled[k] for k in INDS])

    # assert: one set of weights for both periods, from all 8 rows
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert nodes_of(result)["idx"].components[0].rows == 8
    for period in (2021, 2022):
        columns = [scores_of(result, k, period) for k in INDS]
        assert_allclose(
            scores_of(result, "idx", period),
            weighted_sum(expected, columns),
            rtol=1e-10,
        )


def test_entropy_ignores_missing_values_column_by_column(tmp_path: Path) -> None:
    # arrange: the tiny project; p2 = i3 (B 2021 missing: 5 values), i4 (6, cost)
    original = "      children: [i3, {id: i4, weight: 3}]"
    spec_text = SPEC_YAML.replace(
        original, "      weights: {method: entropy}\n" + original
    )
    assert spec_text != SPEC_YAML
    result = gdindex.compute(write_project(tmp_path / "tiny", spec=spec_text))

    # act: e_j uses ln n_j with n_j the non-missing rows of the child
    i3 = [1, 2, 3, 4, 5]  # A21, A22, B22, C21, C22
    i4 = [-100, -90, -80, -70, -60, -50]
    expected = entropy_by_hand([i3, i4])

    # assert
    assert_allclose(derived(result, "p2"), expected, rtol=1e-10)
    # i4's tree weight 3 is ignored by entropy: a warning says so
    ignored = [i for i in result.issues if i.code == "ignored-weights"]
    assert [i.where for i in ignored] == ["tree.children[1].children"]
    assert "entropy" in ignored[0].message and "i4" in ignored[0].message


def test_critic_weights_by_hand(tmp_path: Path) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "critic"})

    # act: y = minmax [0, 1]; C_j = sd_j · Σ_k (1 − r_jk) with Pearson r
    expected = critic_by_hand([N1[k] for k in INDS])

    # assert
    assert_allclose(derived(result), expected, rtol=1e-10)
    # the direction matters: with x3 as a benefit, r changes sign, so do weights
    wrong = critic_by_hand([N1["x1"], N1["x2"], [100 - v for v in N1["x3"]]])
    assert not np.allclose(expected, wrong, rtol=1e-3)
    assert_allclose(
        scores_of(result, "idx"),
        weighted_sum(expected, [N1[k] for k in INDS]),
        rtol=1e-10,
    )


def test_cv_weights_use_the_raw_values(tmp_path: Path) -> None:
    # arrange: p (cv) over x1 and the cost x3; x2 (with a raw 0) outside of p
    children = [
        {"id": "p", "weights": {"method": "cv"}, "children": ["x1", "x3"]},
        "x2",
    ]
    result = compute_project(tmp_path, children=children)

    # act: sd / mean of the raw values, before direction and normalisation
    #   x1: mean 30, sd √(1400/3); x3: mean 25, sd √(500/3)
    cv1 = math.sqrt(1400 / 3) / 30
    cv3 = math.sqrt(500 / 3) / 25
    expected = [cv1 / (cv1 + cv3), cv3 / (cv1 + cv3)]
    assert_allclose(expected, cv_by_hand([RAW1["x1"], RAW1["x3"]]), rtol=1e-12)

    # assert: not the normalised scores (x1's mean would be 40, x3 negative raw…)
    assert_allclose(derived(result, "p"), expected, rtol=1e-12)
    assert_allclose(
        scores_of(result, "p"),
        weighted_sum(expected, [N1["x1"], N1["x3"]]),
        rtol=1e-12,
    )
    # root explicit 1 : 1 over p and x2
    assert_allclose(derived(result), [0.5, 0.5])
    effective = dict(
        zip(result.weights["node"], result.weights["effective_weight"], strict=True)
    )
    assert effective["x1"] == pytest.approx(0.5 * expected[0], rel=1e-12)
    assert effective["x3"] == pytest.approx(0.5 * expected[1], rel=1e-12)


def test_pca_weights_by_hand(tmp_path: Path) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "pca"})

    # act: first eigenvector of the correlation matrix, loading²
    expected = pca_by_hand([N1[k] for k in INDS])

    # assert
    assert_allclose(derived(result), expected, rtol=1e-9)
    assert_allclose(sum(expected), 1.0)
    assert_allclose(
        scores_of(result, "idx"),
        weighted_sum(expected, [N1[k] for k in INDS]),
        rtol=1e-9,
    )


def test_equal_weights_through_compute(tmp_path: Path) -> None:
    # arrange: tree weights 5 : 1 : 1 are replaced by 1/3 each
    children = [{"id": "x1", "weight": 5}, "x2", "x3"]
    result = compute_project(tmp_path, {"method": "equal"}, children=children)

    # assert
    assert_allclose(derived(result), [1 / 3] * 3, rtol=1e-15)
    mean = [sum(N1[k][i] for k in INDS) / 3 for i in range(4)]
    assert_allclose(scores_of(result, "idx"), mean, rtol=1e-12)
    assert set(result.weights["method"].to_list()) == {"root", "equal"}


def test_saaty_classic_example_independently_and_as_published() -> None:
    # act: numpy's eigen-decomposition, independent of gdindex
    w, lambda_max, ci, cr = ahp_by_hand(SAATY_NUM)

    # assert: Saaty's published values
    assert_allclose(w, SAATY_PUBLISHED["w"], atol=5e-4)
    assert lambda_max == pytest.approx(SAATY_PUBLISHED["lambda_max"], abs=5e-4)
    assert cr == pytest.approx(SAATY_PUBLISHED["cr"], abs=5e-4)
    assert ci == pytest.approx(cr * 0.58)


@pytest.mark.parametrize(
    "matrix",
    [
        SAATY,  # full, fractions as text
        [[1, 3, 5], [0, 1, 3], [0, 0, 1]],  # upper triangle, 0 below
        [[1, 3, 5], [None, 1, 3], [None, None, 1]],  # upper triangle, null below
        [[1, 3, 5], [1, 3], [1]],  # ragged
    ],
    ids=["full", "upper-0", "upper-null", "ragged"],
)
def test_ahp_weights_through_compute(tmp_path: Path, matrix: list[Any]) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "ahp", "matrix": matrix})
    w, lambda_max, ci, cr = ahp_by_hand(SAATY_NUM)

    # assert
    assert_allclose(derived(result), w, rtol=1e-10)
    comp = nodes_of(result)["idx"].components[0]
    assert comp.ahp is not None
    assert comp.ahp.lambda_max == pytest.approx(lambda_max, rel=1e-10)
    assert comp.ahp.ci == pytest.approx(ci, rel=1e-8)
    assert comp.ahp.cr == pytest.approx(cr, rel=1e-8)
    assert_allclose(
        scores_of(result, "idx"), weighted_sum(w, [N1[k] for k in INDS]), rtol=1e-10
    )
    assert not [i for i in result.issues if i.code == "ahp-inconsistent"]


def test_ahp_order_maps_the_matrix_rows_to_the_children(tmp_path: Path) -> None:
    # arrange: the matrix is written for x3, x1, x2 (x3 most important)
    weights = {"method": "ahp", "matrix": SAATY, "order": ["x3", "x1", "x2"]}
    result = compute_project(tmp_path, weights)
    w, *_ = ahp_by_hand(SAATY_NUM)

    # assert: in tree order x1, x2, x3 → w[1], w[2], w[0]
    assert_allclose(derived(result), [w[1], w[2], w[0]], rtol=1e-10)
    frame = dict(zip(result.weights["node"], result.weights["weight"], strict=True))
    assert frame["x3"] == pytest.approx(w[0], rel=1e-10)


def test_combine_mixes_two_methods(tmp_path: Path) -> None:
    # arrange: AHP (a = 0.3) with entropy (1 − a = 0.7)
    weights = {
        "method": "ahp",
        "matrix": SAATY,
        "combine": {"with": {"method": "entropy"}, "a": 0.3},
    }
    result = compute_project(tmp_path, weights)
    w1, *_ = ahp_by_hand(SAATY_NUM)
    w2 = entropy_by_hand([N1[k] for k in INDS])

    # act
    expected = [0.3 * a + 0.7 * b for a, b in zip(w1, w2, strict=True)]

    # assert: both sum to 1, so renormalising changes nothing
    assert_allclose(derived(result), expected, rtol=1e-10)
    nw = nodes_of(result)["idx"]
    assert nw.method == "ahp+entropy"
    assert [c.method for c in nw.components] == ["ahp", "entropy"]
    assert [c.share for c in nw.components] == pytest.approx([0.3, 0.7])
    assert_allclose(nw.components[0].weights, w1, rtol=1e-10)
    assert_allclose(nw.components[1].weights, w2, rtol=1e-10)
    # the node's score is Σ w · x with the combined weights
    assert_allclose(
        scores_of(result, "idx"),
        weighted_sum(expected, [N1[k] for k in INDS]),
        rtol=1e-10,
    )
    assert set(result.weights["method"].to_list()) == {"root", "ahp+entropy"}


def test_combine_renormalises_and_chains(tmp_path: Path) -> None:
    # arrange: explicit 2:1:1 (a = .5) with (equal (a = .5) with AHP)
    weights = {
        "method": "explicit",
        "combine": {
            "a": 0.5,
            "with": {
                "method": "equal",
                "combine": {"a": 0.5, "with": {"method": "ahp", "matrix": SAATY}},
            },
        },
    }
    children = [{"id": "x1", "weight": 2}, "x2", "x3"]
    spec = gdindex.load_spec(project(tmp_path, weights, children=children))

    # act: no data-driven method → no data needed
    found = gdindex.derive_weights(spec)

    # assert: shares .5, .25, .25 of [.5, .25, .25], [1/3]*3 and Saaty's weights
    w_ahp, *_ = ahp_by_hand(SAATY_NUM)
    expected = [
        0.5 * e + 0.25 / 3 + 0.25 * a
        for e, a in zip([0.5, 0.25, 0.25], w_ahp, strict=True)
    ]
    assert_allclose(found.nodes["idx"].weights, expected, rtol=1e-10)
    assert [c.share for c in found.nodes["idx"].components] == pytest.approx(
        [0.5, 0.25, 0.25]
    )
    assert found.nodes["idx"].method == "explicit+equal+ahp"
    assert found.from_data is False


def test_data_driven_weights_of_a_node_use_the_sub_node_scores(
    tmp_path: Path,
) -> None:
    # arrange: root (entropy) over p = mean(x1, x2) and x3
    children = [{"id": "p", "children": ["x1", "x2"]}, "x3"]
    result = compute_project(tmp_path, {"method": "entropy"}, children=children)
    p = [(a + b) / 2 for a, b in zip(N1["x1"], N1["x2"], strict=True)]

    # act
    expected = entropy_by_hand([p, N1["x3"]])

    # assert
    assert_allclose(scores_of(result, "p"), p, rtol=1e-12)
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert_allclose(derived(result, "p"), [0.5, 0.5])
    rows = {r["node"]: r for r in result.weights.to_dicts()}
    assert rows["x1"]["effective_weight"] == pytest.approx(expected[0] / 2)
    assert rows["x3"]["effective_weight"] == pytest.approx(expected[1])
    assert rows["p"]["method"] == "entropy" and rows["x1"]["method"] == "explicit"


def test_defaults_weights_apply_to_every_node_and_merge_parameters(
    tmp_path: Path,
) -> None:
    # arrange: defaults say entropy with shift 0.5; p overrides only the pool
    children = [
        {
            "id": "p",
            "weights": {"method": "entropy", "pool": "base", "base_period": 2021},
            "children": ["x1", "x2"],
        },
        "x3",
    ]
    result = compute_project(
        tmp_path,
        None,
        DATA2,
        children=children,
        defaults={"weights": {"method": "entropy", "shift": 0.5}},
    )
    nodes = nodes_of(result)

    # assert: p keeps the default's shift and takes its own pool
    p_params = nodes["p"].components[0].params
    assert p_params["shift"] == 0.5
    assert p_params["pool"] == "base" and p_params["base_period"] == 2021
    assert nodes["p"].where == "tree.children[0].weights"
    assert nodes["idx"].where == "defaults.weights"
    assert nodes["idx"].components[0].params["pool"] == "panel"
    expected_p = entropy_by_hand([RAW2[2021]["x1"], RAW2[2021]["x2"]], shift=0.5)
    assert_allclose(derived(result, "p"), expected_p, rtol=1e-10)


def test_result_weights_frame_and_contributions_use_the_derived_weights(
    tmp_path: Path,
) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "entropy"}, DATA2)
    w = derived(result)

    # assert: IndexResult.weights is the weights.csv frame of the weighting
    assert result.weighting is not None
    assert result.weights.equals(result.weighting.frame())
    assert result.weights.columns == WEIGHTS_COLUMNS.split(",")
    assert_allclose(result.weights["weight"].to_list(), [1.0, *w], rtol=1e-15)
    # contributions (arithmetic node) weigh the children by the derived weights
    contrib = result.contributions.filter(pl.col("node") == "idx")
    for child, wj in zip(INDS, w, strict=True):
        weights = contrib.filter(pl.col("child") == child)["weight"].unique()
        assert weights.to_list() == pytest.approx([wj], rel=1e-15)
    growth = result.scores.filter(
        (pl.col("node") == "idx") & (pl.col("period") == 2022)
    ).sort("unit")
    sums = (
        contrib.filter(pl.col("period") == 2022)
        .group_by("unit")
        .agg(pl.col("contribution").sum())
        .sort("unit")
    )
    for unit, total in zip(sums["unit"], sums["contribution"], strict=True):
        if unit == "A":  # A's 2021 index is 0: no growth
            continue
        expected = growth.filter(pl.col("unit") == unit)["growth_pct"].item()
        assert total == pytest.approx(expected, rel=1e-9)


def test_set_switching_the_method_drops_the_old_parameters(tmp_path: Path) -> None:
    # arrange: AHP on the root; --set makes it entropy (no `matrix` there)
    path = project(tmp_path, {"method": "ahp", "matrix": SAATY, "max_cr": 0.2})

    # act
    spec = gdindex.load_spec(path, overrides=["tree.weights.method=entropy"])
    result = gdindex.compute(spec)

    # assert
    assert spec.overrides == ("tree.weights.method=entropy",)
    assert any("matrix" in note for note in spec.override_notes)
    assert_allclose(derived(result), entropy_by_hand([N1[k] for k in INDS]))


def test_combining_with_a_data_driven_method_reads_the_data(tmp_path: Path) -> None:
    # arrange: explicit 2 : 1 : 1 mixed half-half with cv
    weights = {"method": "explicit", "combine": {"with": {"method": "cv"}}}
    children = [{"id": "x1", "weight": 2}, "x2", "x3"]
    path = project(tmp_path, weights, DATA2, children=children)

    # act
    found = gdindex.derive_weights(path)

    # assert: cv on the 8 pooled raw rows
    assert found.from_data is True
    cv = cv_by_hand([RAW2[2021][k] + RAW2[2022][k] for k in INDS])
    expected = [0.5 * e + 0.5 * c for e, c in zip([0.5, 0.25, 0.25], cv, strict=True)]
    assert_allclose(found.nodes["idx"].weights, expected, rtol=1e-10)
    assert found.nodes["idx"].components[1].rows == 8


def test_child_weights_of_a_data_driven_node_need_the_data() -> None:
    # arrange
    spec = make_spec(["i1", "i2"], flat_tree([1, 1], weights={"method": "entropy"}))

    # act / assert
    with pytest.raises(MethodError, match="need the data"):
        child_weights(spec, spec.tree)


def test_derive_weights_with_in_memory_data_equals_compute() -> None:
    # arrange
    spec = make_spec(
        [{"id": "a"}, {"id": "b"}, {"id": "c", "direction": -1}],
        {"id": "root", "weights": {"method": "critic"}, "children": ["a", "b", "c"]},
    )
    frame = pl.DataFrame(
        {
            "unit": UNITS,
            "period": [2021] * 4,
            "a": RAW1["x1"],
            "b": [1, 5, 4, 10],
            "c": RAW1["x3"],
        }
    )

    # act
    found = gdindex.derive_weights(spec, data=frame)
    result = gdindex.compute(spec, frame)

    # assert
    assert found.from_data is True
    assert result.weighting is not None
    assert found.to_dict() == result.weighting.to_dict()
    expected = critic_by_hand([RAW1["x1"], [1, 5, 4, 10], [-v for v in RAW1["x3"]]])
    assert_allclose(found.nodes["root"].weights, expected, rtol=1e-10)


# =========================================================================== #
# 2. pool: base uses only the rows of base_period
# =========================================================================== #

BASE_POOL = {"pool": "base", "base_period": 2021}


def data2(changes: dict[tuple[str, int, str], float]) -> str:
    """DATA2 with some raw cells (unit, period, indicator) replaced."""
    lines = DATA2.strip().splitlines()
    header = lines[0].split(",")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        unit, period = cells[0], int(cells[1])
        for k, name in enumerate(header[2:], start=2):
            if (unit, period, name) in changes:
                cells[k] = str(changes[unit, period, name])
        out.append(",".join(cells))
    text = "\n".join(out) + "\n"
    assert text != DATA2 or not changes
    return text


def test_base_pool_weights_come_from_the_base_period_rows(tmp_path: Path) -> None:
    # arrange
    result = compute_project(tmp_path, {"method": "entropy", **BASE_POOL}, DATA2)

    # act: entropy over the 4 rows of 2021 only
    expected = entropy_by_hand(directed(RAW2[2021]))
    panel = entropy_by_hand(
        [[DIRECTION[k] * v for p in (2021, 2022) for v in RAW2[p][k]] for k in INDS]
    )

    # assert
    assert_allclose(derived(result), expected, rtol=1e-10)
    assert not np.allclose(expected, panel, rtol=1e-4)
    comp = nodes_of(result)["idx"].components[0]
    assert comp.rows == 4
    assert comp.params["pool"] == "base" and comp.params["base_period"] == 2021


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_ignores_changes_in_other_periods(
    tmp_path: Path, method: str
) -> None:
    # arrange: 2022 changes a lot (also the panel minmax of every indicator)
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)
    changed = data2(
        {
            ("A", 2022, "x1"): 500,
            ("B", 2022, "x2"): 1,
            ("C", 2022, "x3"): 90,
            ("D", 2022, "x3"): 1,
        }
    )

    # act
    after = compute_project(tmp_path / "b", weights, changed)

    # assert: the data change took effect, the weights did not move
    assert not np.allclose(
        scores_of(before, "idx", 2022), scores_of(after, "idx", 2022)
    )
    assert_allclose(derived(after), derived(before), rtol=1e-9)


@pytest.mark.parametrize("method", ["entropy", "critic", "cv", "pca"])
def test_base_pool_follows_changes_in_the_base_period(
    tmp_path: Path, method: str
) -> None:
    # arrange
    weights = {"method": method, **BASE_POOL}
    before = compute_project(tmp_path / "a", weights, DATA2)

    # act: one 2021 cell changes
    after = compute_project(
        tmp_path / "b", weights, data2({("D", 2021, "x2"): 7, ("B", 2021, "x1"): 50})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_panel_pool_follows_changes_in_any_period(tmp_path: Path) -> None:
    # arrange: the contrast to the base pool
    before = compute_project(tmp_path / "a", {"method": "entropy"}, DATA2)

    # act
    after = compute_project(
        tmp_path / "b", {"method": "entropy"}, data2({("A", 2022, "x1"): 500})
    )

    # assert
    assert not np.allclose(derived(after), derived(before), rtol=1e-6)


def test_base_period_outside_the_data_is_a_data_error(tmp_path: Path) -> None:
    # arrange: no `periods:` in the spec, so only the data can tell
    path = project(
        tmp_path, {"method": "entropy", "pool": "base", "base_period": 1999}, DATA2
    )

    # act
    with pytest.raises(DataError) as info:
        gdindex.compute(gdindex.load_spec(path))

    # assert
    [issue] = info.value.issues
    assert issue.where == "tree.weights.base_period"
    assert "1999" in issue.message and issue.code == "bad-base-period"


# =========================================================================== #
# 3. Properties (hypothesis)
# =========================================================================== #

PROPS = settings(max_examples=15, deadline=None, derandomize=True)
IDS = ("a", "b", "c")


@st.composite
def panels(draw: st.DrawFn) -> pl.DataFrame:
    """4–6 units × 1–2 periods; per column distinct positive values (so none is
    constant and cv applies); `c` is a cost indicator in the specs below."""
    n = draw(st.integers(4, 6))
    periods = draw(st.sampled_from([[2021], [2021, 2022]]))
    rows = n * len(periods)
    columns = {
        k: draw(
            st.lists(
                st.integers(1, 500).map(float),
                min_size=rows,
                max_size=rows,
                unique=True,
            )
        )
        for k in IDS
    }
    units = [f"u{i}" for i in range(n)]
    return pl.DataFrame(
        {
            "unit": [u for _ in periods for u in units],
            "period": [p for p in periods for _ in units],
            **columns,
        }
    )


def memory_spec(tree: dict[str, Any], **indicator: Any) -> Any:
    inds: list[dict[str, Any]] = [
        {"id": "a"},
        {"id": "b"},
        {"id": "c", "direction": -1},
    ]
    inds = [{**i, **indicator.get(i["id"], {})} for i in inds]
    return make_spec(inds, tree)


def directed_matrix(frame: pl.DataFrame) -> np.ndarray:
    return np.column_stack([frame["a"], frame["b"], -frame["c"].to_numpy()])


def well_posed(method: str, frame: pl.DataFrame) -> bool:
    """CRITIC needs children that are not all perfectly correlated; PCA a unique
    first component (the two largest eigenvalues must differ)."""
    R = np.corrcoef(directed_matrix(frame), rowvar=False)
    if method == "critic":
        return bool((R[~np.eye(3, dtype=bool)] < 1 - 1e-9).any())
    if method == "pca":
        lam = np.linalg.eigvalsh(R)
        return bool(lam[-1] - lam[-2] > 1e-6)
    return True


METHODS = [
    {"method": "entropy"},
    {"method": "entropy", "shift": 0, "prenormalise": False},
    {"method": "critic"},
    {"method": "cv"},
    {"method": "pca"},
    {"method": "equal"},
    {"method": "ahp", "matrix": SAATY},
    {"method": "critic", "combine": {"with": {"method": "entropy"}, "a": 0.3}},
]
METHOD_IDS = [
    "entropy",
    "entropy-raw",
    "critic",
    "cv",
    "pca",
    "equal",
    "ahp",
    "critic+entropy",
]
PER_METHOD = settings(max_examples=6, deadline=None, derandomize=True)


@pytest.mark.parametrize("weights", METHODS, ids=METHOD_IDS)
@PER_METHOD
@given(frame=panels())
def test_property_weights_are_non_negative_and_sum_to_one(
    frame: pl.DataFrame, weights: dict[str, Any]
) -> None:
    # arrange
    assume(well_posed(weights["method"], frame))
    spec = memory_spec({"id": "root", "weights": weights, "children": list(IDS)})

    # act
    result = gdindex.compute(spec, frame)

    # assert
    for nw in nodes_of(result).values():
        assert np.all(nw.weights >= 0)
        assert nw.weights.sum() == pytest.approx(1.0, abs=1e-12)
        for comp in nw.components:
            assert np.all(comp.weights >= 0)
            assert comp.weights.sum() == pytest.approx(1.0, abs=1e-12)
    sums = result.weights.filter(pl.col("parent").is_not_null()).group_by("parent")
    for total in sums.agg(pl.col("weight").sum())["weight"]:
        assert total == pytest.approx(1.0, abs=1e-12)


ROOT_METHODS = [
    {"method": "entropy"},
    {"method": "equal"},
    {"method": "explicit"},
    {"method": "ahp", "matrix": [[1, 3], [1]]},
    {"method": "explicit", "combine": {"with": {"method": "entropy"}, "a": 0.4}},
]


@PROPS
@given(
    frame=panels(),
    root=st.sampled_from(ROOT_METHODS),
    w=st.lists(st.floats(0.1, 10.0), min_size=2, max_size=2),
)
def test_property_effective_weights_of_the_indicators_sum_to_one(
    frame: pl.DataFrame, root: dict[str, Any], w: list[float]
) -> None:
    # arrange: root over p = (a, b) by entropy, and c
    tree = {
        "id": "root",
        "weights": root,
        "children": [
            {
                "id": "p",
                "weight": w[0],
                "weights": {"method": "entropy"},
                "children": ["a", "b"],
            },
            {"id": "c", "weight": w[1]},
        ],
    }
    spec = memory_spec(tree)

    # act
    result = gdindex.compute(spec, frame)

    # assert
    rows = {r["node"]: r for r in result.weights.to_dicts()}
    leaves = [rows[k]["effective_weight"] for k in IDS]
    assert sum(leaves) == pytest.approx(1.0, abs=1e-12)
    assert all(e >= 0 for e in leaves)
    # effective = product of the rescaled weights along the path
    for k in ("a", "b"):
        assert rows[k]["effective_weight"] == pytest.approx(
            rows["p"]["weight"] * rows[k]["weight"], abs=1e-15
        )
    assert rows["p"]["effective_weight"] == pytest.approx(rows["p"]["weight"])


@pytest.mark.parametrize("weights", METHODS, ids=METHOD_IDS)
@PER_METHOD
@given(frame=panels(), seed=st.integers(0, 2**32 - 1))
def test_property_permuting_the_rows_leaves_the_weights_unchanged(
    frame: pl.DataFrame, weights: dict[str, Any], seed: int
) -> None:
    # arrange
    assume(well_posed(weights["method"], frame))
    spec = memory_spec({"id": "root", "weights": weights, "children": list(IDS)})
    order = np.random.default_rng(seed).permutation(frame.height)
    shuffled = frame[order.tolist()]

    # act
    w0 = nodes_of(gdindex.compute(spec, frame))["root"].weights
    w1 = nodes_of(gdindex.compute(spec, shuffled))["root"].weights

    # assert
    assert_allclose(w1, w0, rtol=1e-9, atol=1e-12)


@PROPS
@given(frame=panels(), seed=st.integers(0, 2**32 - 1))
def test_property_reordering_a_periods_rows_leaves_pooled_weights_unchanged(
    frame: pl.DataFrame, seed: int
) -> None:
    # arrange: the last period's rows shuffled and moved to the top
    assume(frame["period"].n_unique() == 2)
    spec = memory_spec(
        {"id": "root", "weights": {"method": "entropy"}, "children": list(IDS)}
    )
    first = frame.filter(pl.col("period") == 2021)
    second = frame.filter(pl.col("period") == 2022)
    order = np.random.default_rng(seed).permutation(second.height)
    reordered = pl.concat([second[order.tolist()], first])

    # act
    w0 = nodes_of(gdindex.compute(spec, frame))["root"].weights
    w1 = nodes_of(gdindex.compute(spec, reordered))["root"].weights

    # assert
    assert_allclose(w1, w0, rtol=1e-9, atol=1e-12)


@PROPS
@given(frame=panels(), level=st.integers(1, 100))
def test_property_entropy_gives_a_constant_indicator_weight_zero(
    frame: pl.DataFrame, level: int
) -> None:
    # arrange: c constant; goalposts keep it a constant score (not missing)
    frame = frame.with_columns(pl.lit(float(level)).alias("c"))
    spec = memory_spec(
        {"id": "root", "weights": {"method": "entropy"}, "children": list(IDS)},
        c={
            "direction": 1,
            "normalise": {"method": "goalposts", "worst": 0, "best": 100},
        },
    )

    # act
    result = gdindex.compute(spec, frame)

    # assert
    w = nodes_of(result)["root"].weights
    assert w[2] == 0.0
    assert w[:2].sum() == pytest.approx(1.0)
    zero = [i for i in result.issues if i.code == "zero-weight"]
    assert len(zero) == 1 and "'c'" in zero[0].message
    assert zero[0].severity == "warning" and zero[0].where == "tree.weights"


def test_entropy_gives_a_constant_indicator_weight_zero_with_default_normaliser(
    tmp_path: Path,
) -> None:
    # arrange: x2 is the same for every unit; the default minmax cannot normalise
    #   it (a warning; it stays missing), which must not fail the entropy weights
    data = (
        DATA1.replace(",0,40", ",7,40").replace(",5,", ",7,").replace(",10,20", ",7,20")
    )
    assert [line.split(",")[3] for line in data.splitlines()[1:]] == ["7"] * 4

    # act
    result = compute_project(tmp_path, {"method": "entropy"}, data)

    # assert: x2 carries no information → weight 0, with a zero-weight warning
    w1, w3 = entropy_by_hand([N1["x1"], N1["x3"]])
    assert derived(result)[1] == 0.0
    assert_allclose(derived(result), [w1, 0.0, w3], rtol=1e-10)
    assert any(i.code == "zero-weight" and "'x2'" in i.message for i in result.issues)


# =========================================================================== #
# 4. Spec errors (load_spec) and data errors (compute)
# =========================================================================== #


def spec_problems(root: Path, data: dict[str, Any]) -> list[Any]:
    """The issues of the SpecError that loading `data` as a spec file raises."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "spec.yaml"
    path.write_text(dump(data), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        gdindex.load_spec(path)
    assert all(str(path) in i.where for i in info.value.issues)
    return info.value.issues


def cr_of_inconsistent() -> float:
    # 3 × 3: λmax = 1 + t + 1/t with t = (a12 · a23 · a31)^(1/3) = 4^(1/3)
    t = 4 ** (1 / 3)
    return ((1 + t + 1 / t) - 3) / 2 / 0.58


def test_inconsistent_ahp_matrix_is_a_spec_error_naming_node_and_cr(
    tmp_path: Path,
) -> None:
    # arrange: the inconsistent judgements on a pillar (not the root)
    children = [
        {
            "id": "p",
            "weights": {"method": "ahp", "matrix": INCONSISTENT},
            "children": list(INDS),
        }
    ]
    cr = cr_of_inconsistent()
    assert 0.1 < cr < 0.2
    assert cr == pytest.approx(
        ahp_by_hand(np.array([[1, 2, 1], [0.5, 1, 2], [1, 0.5, 1]]))[3]
    )

    # act
    [issue] = spec_problems(tmp_path, spec_data(children=children))

    # assert
    assert issue.where.endswith("tree.children[0].weights.matrix")
    assert f"CR = {cr:.4f}" in issue.message
    assert "'p'" in issue.message and "max_cr" in issue.message
    assert issue.code == "bad-ahp"


def test_raising_max_cr_accepts_the_matrix_with_a_warning(tmp_path: Path) -> None:
    # arrange
    weights = {"method": "ahp", "matrix": INCONSISTENT, "max_cr": 0.2}
    path = project(tmp_path, weights)

    # act
    spec = gdindex.load_spec(path)
    result = gdindex.compute(spec)

    # assert: a warning (not an error), naming the CR; weights as by hand
    warnings = [i for i in check_spec(spec) if i.code == "ahp-inconsistent"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert warnings[0].where == "tree.weights.matrix"
    assert f"CR = {cr_of_inconsistent():.3f}" in warnings[0].message
    assert any(i.code == "ahp-inconsistent" for i in result.issues)
    w, *_ = ahp_by_hand(np.array([[1, 2, 1], [0.5, 1, 2], [1, 0.5, 1]]))
    assert_allclose(derived(result), w, rtol=1e-10)


@pytest.mark.parametrize(
    ("weights", "where", "fragment"),
    [
        (
            {"method": "ahp", "matrix": [[1, 3], [1]]},
            "tree.weights.matrix",
            "the matrix has 2 rows but the node has 3 children",
        ),
        (
            {"method": "ahp", "matrix": SAATY, "order": ["x1", "x2", "x9"]},
            "tree.weights.matrix",
            "must list each child once",
        ),
        (
            {"method": "ahp", "matrix": SAATY, "order": ["x1", "x1", "x2"]},
            "tree.weights.matrix",
            "must list each child once",
        ),
        (
            {"method": "ahp", "matrix": SAATY, "order": ["x1", "x2"]},
            "tree.weights.matrix",
            "must list each child once",
        ),
        (
            {"method": "entropy", "pool": "base"},
            "tree.weights",
            "pool `base` needs `base_period`",
        ),
        (
            {"method": "entrophy"},
            "tree.weights",
            "unknown weighting method 'entrophy'",
        ),
        (
            {"method": "equal", "combine": {"with": {"method": "critc"}}},
            "tree.weights.combine.with",
            "unknown weighting method 'critc'",
        ),
        (
            {"method": "equal", "combine": {"with": {"method": "cv"}, "a": 1.5}},
            "tree.weights.combine.a",
            "less than or equal to 1, found 1.5",
        ),
        (
            {"method": "entropy", "shift": -1},
            "tree.weights.shift",
            "greater than or equal to 0, found -1",
        ),
    ],
    ids=[
        "size",
        "order-unknown",
        "order-repeated",
        "order-short",
        "base-no-period",
        "unknown-method",
        "unknown-combined-method",
        "combine-share",
        "negative-shift",
    ],
)
def test_weights_spec_errors_name_the_yaml_path(
    tmp_path: Path, weights: dict[str, Any], where: str, fragment: str
) -> None:
    # act
    issues = spec_problems(tmp_path, spec_data(weights))

    # assert
    assert any(
        i.where.endswith(f": {where}") and fragment in i.message for i in issues
    ), [str(i) for i in issues]


def test_unknown_method_suggests_the_closest(tmp_path: Path) -> None:
    # act
    [issue] = spec_problems(tmp_path, spec_data({"method": "entrophy"}))

    # assert
    assert issue.hint is not None and "did you mean 'entropy'" in issue.hint


def test_base_period_not_in_periods(tmp_path: Path) -> None:
    # arrange
    weights = {"method": "critic", "pool": "base", "base_period": 2020}

    # act
    [issue] = spec_problems(tmp_path, spec_data(weights, periods=[2021]))

    # assert
    assert issue.where.endswith(": tree.weights.base_period")
    assert "2020" in issue.message and issue.code == "bad-base-period"


def test_weights_spec_errors_are_collected_at_once(tmp_path: Path) -> None:
    # arrange: three mistakes in three places
    children = [
        {
            "id": "p",
            "weights": {"method": "ahp", "matrix": INCONSISTENT},
            "children": list(INDS),
        },
        {
            "id": "q",
            "weights": {
                "method": "ahp",
                "matrix": [[1, 3], [1]],
                "order": ["x1", "x9"],
            },
            "children": ["x1", "x2"],
        },
    ]
    weights = {
        "method": "equal",
        "combine": {"with": {"method": "entropy", "pool": "base", "base_period": 1999}},
    }
    data = spec_data(weights, children=children, periods=[2021])
    # x1 and x2 in two pillars are a tree error of their own: use other leaves
    data["indicators"] += [{"id": "y1", "name": "y1"}, {"id": "y2", "name": "y2"}]
    data["tree"]["children"][1]["children"] = ["y1", "y2"]
    data["tree"]["children"][1]["weights"]["order"] = ["y1", "y9"]

    # act
    issues = spec_problems(tmp_path, data)

    # assert
    paths = sorted(i.where.split(": ", 1)[1] for i in issues)
    assert paths == [
        "tree.children[0].weights.matrix",
        "tree.children[1].weights.matrix",
        "tree.weights.combine.with.base_period",
    ]


def test_defaults_ahp_matrix_names_the_node_using_it(tmp_path: Path) -> None:
    # arrange: a 3 × 3 default matrix, but p has only two children
    children = [{"id": "p", "children": ["x1", "x2"]}, "x3"]
    data = spec_data(
        children=children, defaults={"weights": {"method": "ahp", "matrix": SAATY}}
    )

    # act
    issues = spec_problems(tmp_path, data)

    # assert: the root (2 children: p, x3) and p both fail, at defaults.weights
    assert all(i.where.endswith(": defaults.weights.matrix") for i in issues)
    assert any("'p'" in i.message for i in issues)
    assert any("'idx'" in i.message for i in issues)


def test_ignored_tree_weights_warning(tmp_path: Path) -> None:
    # arrange: x1 weighs 2, but entropy decides
    children = [{"id": "x1", "weight": 2}, "x2", "x3"]
    spec = gdindex.load_spec(
        project(tmp_path, {"method": "entropy"}, children=children)
    )

    # act
    warnings = [i for i in check_spec(spec) if i.code == "ignored-weights"]

    # assert
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert warnings[0].where == "tree.children"
    assert "x1" in warnings[0].message and "entropy" in warnings[0].message
    result = gdindex.compute(spec)
    assert any(i.code == "ignored-weights" for i in result.issues)


@pytest.mark.parametrize(
    "weights",
    [
        {"method": "entropy"},  # the children's weights are all equal
        {"method": "entropy", "combine": {"with": {"method": "explicit"}}},
    ],
    ids=["equal-weights", "combined-with-explicit"],
)
def test_no_ignored_weights_warning_when_nothing_is_ignored(
    tmp_path: Path, weights: dict[str, Any]
) -> None:
    # arrange
    children = (
        [{"id": "x1", "weight": 2}, "x2", "x3"]
        if "combine" in weights
        else [{"id": k, "weight": 4} for k in INDS]
    )
    spec = gdindex.load_spec(project(tmp_path, weights, children=children))

    # act / assert
    assert not [i for i in check_spec(spec) if i.code == "ignored-weights"]


@pytest.mark.parametrize("bad", [0, -3], ids=["zero", "negative"])
def test_cv_on_non_positive_raw_values_is_a_data_error(
    tmp_path: Path, bad: int
) -> None:
    # arrange: x2 of A is 0 or negative; cv on a pillar p over x1, x2
    data = DATA1.replace("A,2021,10,0,40", f"A,2021,10,{bad},40")
    children = [
        {"id": "p", "weights": {"method": "cv"}, "children": ["x1", "x2"]},
        "x3",
    ]
    path = project(tmp_path, None, data, children=children)

    # act
    with pytest.raises(DataError) as info:
        gdindex.compute(gdindex.load_spec(path))

    # assert: names the child and the YAML path of the weights
    [issue] = info.value.issues
    assert issue.where == "tree.children[0].weights"
    assert "'x2'" in issue.message and "cv" in issue.message
    assert issue.hint is not None and "positive" in issue.hint


def test_cv_is_fine_when_only_the_normalised_scores_are_zero(tmp_path: Path) -> None:
    # arrange: x1's normalised score is 0 for A, its raw value is 10 (> 0)
    children = [
        {"id": "p", "weights": {"method": "cv"}, "children": ["x1", "x3"]},
        "x2",
    ]

    # act
    result = compute_project(tmp_path, None, DATA1, children=children)

    # assert
    assert scores_of(result, "x1")[0] == 0.0
    assert sum(derived(result, "p")) == pytest.approx(1.0)


# =========================================================================== #
# 5. Outputs: weights.csv, manifest.json, byte-identical reruns
# =========================================================================== #

# AHP (a = 0.3) with entropy over the 2021 rows (shift 0.01) on a pillar,
# critic at the root
FULL_WEIGHTS = {
    "method": "ahp",
    "matrix": SAATY,
    "combine": {
        "a": 0.3,
        "with": {
            "method": "entropy",
            "pool": "base",
            "base_period": 2021,
            "shift": 0.01,
        },
    },
}
FULL_CHILDREN: list[Any] = [
    {"id": "p", "weights": FULL_WEIGHTS, "children": list(INDS)},
]


def full_project(root: Path) -> Path:
    """Root (equal) over one pillar p: AHP (a = 0.3) + entropy on base 2021."""
    data = spec_data({"method": "equal"}, children=FULL_CHILDREN)
    return write_project(root, dump(data), DATA2, UNITS4)


def test_weights_csv_has_exactly_the_contract_columns(tmp_path: Path) -> None:
    # arrange
    result = gdindex.compute(full_project(tmp_path / "p"))

    # act
    gdindex.write_outputs(result, tmp_path / "out")

    # assert
    text = (tmp_path / "out" / "weights.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == WEIGHTS_COLUMNS
    frame = pl.read_csv(tmp_path / "out" / "weights.csv")
    assert frame["node"].to_list() == ["idx", "p", "x1", "x2", "x3"]
    assert (
        frame["method"].to_list()
        == ["root", "equal", "ahp+entropy"] + ["ahp+entropy"] * 2
    )
    assert_allclose(frame["weight"].to_list()[2:], derived(result, "p"), rtol=1e-15)
    assert frame["effective_weight"][2:].sum() == pytest.approx(1.0)


def test_manifest_records_every_nodes_derivation(tmp_path: Path) -> None:
    # arrange
    result = gdindex.compute(full_project(tmp_path / "p"))

    # act
    gdindex.write_outputs(result, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))

    # assert
    weights = manifest["methods"]["weights"]
    assert list(weights) == ["idx", "p"]
    assert weights["idx"]["method"] == "equal"
    assert weights["idx"]["where"] == "tree.weights"
    p = weights["p"]
    assert p["method"] == "ahp+entropy"
    assert p["where"] == "tree.children[0].weights"
    ahp, entropy = p["components"]
    # AHP: parameters and consistency
    assert ahp["method"] == "ahp" and ahp["share"] == pytest.approx(0.3)
    assert ahp["params"]["max_cr"] == 0.1
    assert ahp["params"]["matrix"] == SAATY
    _, lambda_max, ci, cr = ahp_by_hand(SAATY_NUM)
    assert ahp["ahp"]["lambda_max"] == pytest.approx(lambda_max, rel=1e-10)
    assert ahp["ahp"]["ci"] == pytest.approx(ci, rel=1e-8)
    assert ahp["ahp"]["cr"] == pytest.approx(cr, rel=1e-8)
    assert "rows" not in ahp
    # entropy: every parameter, and the rows it pooled (the 4 units of 2021)
    assert entropy["method"] == "entropy" and entropy["share"] == pytest.approx(0.7)
    assert entropy["params"] == {
        "method": "entropy",
        "pool": "base",
        "base_period": 2021,
        "shift": 0.01,
        "prenormalise": True,
    }
    assert entropy["rows"] == 4
    assert "ahp" not in entropy
    w_ent = entropy_by_hand(directed(RAW2[2021]), shift=0.01)
    assert list(entropy["weights"].values()) == pytest.approx(w_ent, rel=1e-10)
    # the node's weights are the mix
    w_ahp, *_ = ahp_by_hand(SAATY_NUM)
    mixed = [0.3 * a + 0.7 * b for a, b in zip(w_ahp, w_ent, strict=True)]
    assert list(p["weights"]) == list(INDS)
    assert list(p["weights"].values()) == pytest.approx(mixed, rel=1e-10)
    assert manifest["spec"]["overrides"] == []


def test_manifest_records_the_set_overrides(tmp_path: Path) -> None:
    # arrange
    spec = full_project(tmp_path / "p")
    sets = ["tree.children.p.weights.combine.a=0.6", "tree.weights.method=explicit"]

    # act
    code, _, err = run(
        "compute",
        str(spec),
        "--quiet",
        "--out",
        str(tmp_path / "out"),
        "--set",
        sets[0],
        "--set",
        sets[1],
    )

    # assert
    assert code == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["spec"]["overrides"] == sets
    p = manifest["methods"]["weights"]["p"]
    assert [c["share"] for c in p["components"]] == pytest.approx([0.6, 0.4])
    assert manifest["methods"]["weights"]["idx"]["method"] == "explicit"


def test_rerun_writes_byte_identical_files(tmp_path: Path) -> None:
    # arrange
    spec = full_project(tmp_path / "p")

    # act
    for name in ("a", "b"):
        code, _, err = run(
            "compute",
            str(spec),
            "--quiet",
            "--out",
            str(tmp_path / name),
            "--set",
            "tree.weights.method=critic",
        )
        assert code == 0, err
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "w1"))
    assert code == 0, err
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "w2"))
    assert code == 0, err

    # assert
    for first, second in (("a", "b"), ("w1", "w2")):
        names = sorted(p.name for p in (tmp_path / first).iterdir())
        assert names == sorted(p.name for p in (tmp_path / second).iterdir())
        for name in names:
            assert (tmp_path / first / name).read_bytes() == (
                tmp_path / second / name
            ).read_bytes(), name
    assert {"weights.csv", "manifest.json"} <= set(
        p.name for p in (tmp_path / "a").iterdir()
    )


# =========================================================================== #
# 6. --set on compute, validate, check
# =========================================================================== #


def test_set_a_child_weight_equals_editing_the_yaml(tmp_path: Path) -> None:
    # arrange: the same project twice; one edited by hand, one by --set
    by_set = project(tmp_path / "set", data=DATA2)
    children = [{"id": "x1", "weight": 3}, "x2", "x3"]
    by_hand = project(tmp_path / "hand", data=DATA2, children=children)

    # act
    code1, _, err1 = run(
        "compute",
        str(by_set),
        "--quiet",
        "--out",
        str(tmp_path / "o1"),
        "--set",
        "tree.children.x1.weight=3",
    )
    code2, _, err2 = run(
        "compute", str(by_hand), "--quiet", "--out", str(tmp_path / "o2")
    )

    # assert
    assert (code1, code2) == (0, 0), err1 + err2
    for name in ("scores.csv", "weights.csv", "indicators.csv"):
        assert (tmp_path / "o1" / name).read_bytes() == (
            tmp_path / "o2" / name
        ).read_bytes(), name
    # and the scores are what 3 : 1 : 1 gives
    scores = (
        pl.read_csv(tmp_path / "o1" / "scores.csv")
        .filter((pl.col("node") == "idx") & (pl.col("period") == 2021))
        .sort("unit")
    )
    plain = gdindex.compute(by_set)  # 1 : 1 : 1, for the normalised scores
    columns = [scores_of(plain, k) for k in INDS]
    assert_allclose(
        scores["score"].to_list(), weighted_sum([0.6, 0.2, 0.2], columns), rtol=1e-12
    )
    assert not np.allclose(scores_of(plain, "idx"), scores["score"].to_list())
    m1 = json.loads((tmp_path / "o1" / "manifest.json").read_text("utf-8"))
    m2 = json.loads((tmp_path / "o2" / "manifest.json").read_text("utf-8"))
    assert m1["spec"]["overrides"] == ["tree.children.x1.weight=3"]
    assert m2["spec"]["overrides"] == []


def test_set_default_weights_method_to_entropy(tmp_path: Path) -> None:
    # arrange
    spec = project(tmp_path / "p")

    # act
    code, _, err = run(
        "compute",
        str(spec),
        "--quiet",
        "--out",
        str(tmp_path / "out"),
        "--set",
        "defaults.weights.method=entropy",
    )

    # assert
    assert code == 0, err
    frame = pl.read_csv(tmp_path / "out" / "weights.csv")
    assert frame["method"].to_list() == ["root", "entropy", "entropy", "entropy"]
    expected = entropy_by_hand([N1[k] for k in INDS])
    assert_allclose(frame["weight"].to_list()[1:], expected, rtol=1e-12)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert manifest["spec"]["overrides"] == ["defaults.weights.method=entropy"]
    idx = manifest["methods"]["weights"]["idx"]
    assert idx["method"] == "entropy" and idx["where"] == "defaults.weights"


def test_load_spec_and_derive_weights_take_the_overrides(tmp_path: Path) -> None:
    # arrange
    path = project(tmp_path / "p")
    sets = ["tree.weights={method: ahp, matrix: [[1, 3, 5], [1, 3], [1]]}"]

    # act
    spec = gdindex.load_spec(path, overrides=sets)
    found = gdindex.derive_weights(path, overrides=sets)

    # assert
    assert spec.overrides == tuple(sets)
    w, *_ = ahp_by_hand(SAATY_NUM)
    assert_allclose(found.nodes["idx"].weights, w, rtol=1e-10)
    assert found.to_dict()["overrides"] == sets
    assert gdindex.load_spec(path).overrides == ()


@pytest.mark.parametrize("command", ["compute", "validate", "check", "weights"])
def test_set_with_an_unknown_child_fails_naming_the_key(
    tmp_path: Path, command: str
) -> None:
    # arrange
    spec = project(tmp_path / "p")

    # act
    code, _, err = run(command, str(spec), "--set", "tree.children.x9.weight=2")

    # assert
    assert code == 1
    assert "tree.children.x9.weight" in err
    assert "x1, x2, x3" in err  # the ids that exist


def test_set_with_a_misspelt_key_fails_naming_the_key(tmp_path: Path) -> None:
    # arrange: `wieghts` is not a key of `defaults`; the spec has no `defaults`
    spec = project(tmp_path / "p")

    # act
    code, _, err = run("compute", str(spec), "--set", "defaults.wieghts.method=entropy")

    # assert: exit 1 with a suggestion, naming the key as typed on the command
    #   line (it is not in the spec file, so a line of spec.yaml is no place)
    assert code == 1
    assert "did you mean 'weights'" in err
    assert "defaults.wieghts.method" in err and "--set" in err


@pytest.mark.parametrize("command", ["validate", "check"])
def test_set_on_validate_and_check(tmp_path: Path, command: str) -> None:
    # arrange
    spec = project(tmp_path / "p")

    # act
    ok = run(command, str(spec), "--set", "defaults.weights.method=entropy")
    bad = run(command, str(spec), "--set", "tree.weights.method=entrophy")

    # assert: a valid override passes, an invalid method fails with a suggestion
    assert ok[0] == 0, ok[2]
    assert bad[0] == 1
    assert "entrophy" in bad[2] and "did you mean 'entropy'" in bad[2]


def test_validate_with_set_reports_data_driven_weight_problems(tmp_path: Path) -> None:
    # arrange: cv over x2, whose raw value for A is 0
    spec = project(tmp_path / "p")

    # act
    code, _, err = run("validate", str(spec), "--set", "tree.weights.method=cv")

    # assert
    assert code == 1
    assert "x2" in err and "tree.weights" in err


# =========================================================================== #
# 7. The `gdindex weights` command
# =========================================================================== #


def ahp_project(root: Path, data_file: str = "data.csv") -> Path:
    """Root (explicit 2 : 1) over p (AHP, Saaty) and x3; x1, x2 under p."""
    children = [
        {
            "id": "p",
            "name": {"zh": "支柱", "en": "Pillar"},
            "weight": 2,
            "weights": {"method": "ahp", "matrix": [[1, 3], [1]]},
            "children": ["x1", "x2"],
        },
        "x3",
    ]
    data = spec_data(children=children, data_file=data_file)
    return write_project(root, dump(data), DATA1, UNITS4)


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["名义权重", "派生权重", "有效权重", "层次分析法", "支柱"]),
        ("en", ["Nominal", "Derived", "Effective", "AHP", "Pillar"]),
    ],
)
def test_weights_command_prints_the_bilingual_table(
    tmp_path: Path, lang: str, labels: list[str]
) -> None:
    # arrange: Saaty's 3 × 3 on the root
    spec = project(tmp_path / "p", {"method": "ahp", "matrix": SAATY})
    spec2 = ahp_project(tmp_path / "q")

    # act
    code, out, err = run("weights", str(spec), "--lang", lang)
    code2, out2, err2 = run("weights", str(spec2), "--lang", lang)

    # assert
    assert (code, code2) == (0, 0), err + err2
    header = table_blocks(out)[0][1]
    for label in labels[:3]:
        assert label in header
    assert labels[3] in out and labels[4] in out2
    # AHP consistency of Saaty's matrix
    assert "λmax=3.0385" in out and "CI=0.0193" in out and "CR=0.0332" in out
    # the derived weights, as printed
    w, *_ = ahp_by_hand(SAATY_NUM)
    for wj in w:
        assert f"{wj:.4f}" in out
    # the 2-level tree: p weighs 2/3; x1 3/4 of p → effective 0.5
    row = next(line for line in out2.splitlines() if " x1 " in line)
    assert "0.7500" in row and "0.5000" in row


def test_weights_command_shows_an_inconsistent_but_accepted_matrix(
    tmp_path: Path,
) -> None:
    # arrange
    weights = {"method": "ahp", "matrix": INCONSISTENT, "max_cr": 0.2}
    spec = project(tmp_path / "p", weights)

    # act
    code, out, err = run("weights", str(spec), "--lang", "en")

    # assert: CR shown as failing Saaty's 0.1, and a warning
    assert code == 0, err
    assert f"CR={cr_of_inconsistent():.4f} ✗" in out
    assert "inconsistent" in out


def test_weights_json_equals_derive_weights(tmp_path: Path) -> None:
    # arrange
    spec = ahp_project(tmp_path / "p")

    # act
    code, out, err = run("weights", str(spec), "--format", "json")

    # assert
    assert code == 0, err
    found = gdindex.derive_weights(spec).to_dict()
    assert json.loads(out) == found
    assert found["from_data"] is False
    assert [r["node"] for r in found["rows"]] == ["idx", "p", "x1", "x2", "x3"]


def test_weights_json_with_set_and_data_equals_derive_weights(tmp_path: Path) -> None:
    # arrange
    spec = project(tmp_path / "p", data=DATA2)
    sets = ["defaults.weights={method: critic, pool: base, base_period: 2022}"]

    # act
    code, out, err = run("weights", str(spec), "--format", "json", "--set", sets[0])

    # assert
    assert code == 0, err
    found = gdindex.derive_weights(spec, overrides=sets)
    assert json.loads(out) == found.to_dict()
    assert found.from_data is True
    assert found.to_dict()["overrides"] == sets
    assert_allclose(
        found.nodes["idx"].weights, critic_by_hand(directed(RAW2[2022])), rtol=1e-10
    )


def test_weights_out_writes_csv_and_json(tmp_path: Path) -> None:
    # arrange
    spec = ahp_project(tmp_path / "p")

    # act
    code, _, err = run("weights", str(spec), "--out", str(tmp_path / "out"))

    # assert
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "weights.csv",
        "weights.json",
    ]
    text = (tmp_path / "out" / "weights.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == WEIGHTS_COLUMNS
    frame = pl.read_csv(tmp_path / "out" / "weights.csv")
    w_ahp = [0.75, 0.25]  # 2 × 2: 3 : 1
    assert_allclose(frame["weight"].to_list(), [1, 2 / 3, *w_ahp, 1 / 3], rtol=1e-12)
    assert_allclose(
        frame["effective_weight"].to_list(),
        [1, 2 / 3, 2 / 3 * 0.75, 2 / 3 * 0.25, 1 / 3],
        rtol=1e-12,
    )
    doc = json.loads((tmp_path / "out" / "weights.json").read_text("utf-8"))
    assert doc == gdindex.derive_weights(spec).to_dict()


def test_weights_without_data_driven_methods_read_no_data(tmp_path: Path) -> None:
    # arrange: the data file does not exist
    spec = ahp_project(tmp_path / "p", data_file="missing.csv")
    assert not (tmp_path / "p" / "missing.csv").exists()

    # act
    code, out, err = run("weights", str(spec), "--lang", "en")
    found = gdindex.derive_weights(spec)

    # assert
    assert code == 0, err
    assert "no data read" in out
    assert found.from_data is False
    assert_allclose(found.nodes["p"].weights, [0.75, 0.25], rtol=1e-12)


def test_weights_with_data_driven_methods_and_no_data_fail(tmp_path: Path) -> None:
    # arrange: entropy needs the (missing) data
    data = spec_data({"method": "entropy"}, data_file="missing.csv")
    spec = write_project(tmp_path / "p", dump(data), DATA1, UNITS4)

    # act
    code, _, err = run("weights", str(spec))

    # assert
    assert code == 1
    assert "missing.csv" in err
    with pytest.raises(DataError):
        gdindex.derive_weights(spec)


def test_weights_command_reports_zero_weights(tmp_path: Path) -> None:
    # arrange: x2 constant at 7 for every unit, goalposts keep it a constant score
    data = spec_data({"method": "entropy"})
    data["indicators"][1]["normalise"] = {"method": "goalposts", "worst": 0, "best": 10}
    const = DATA1.replace(",0,40", ",7,40").replace(",5,", ",7,")
    const = const.replace(",10,20", ",7,20")
    spec = write_project(tmp_path / "p", dump(data), const, UNITS4)

    # act
    code, out, err = run("weights", str(spec), "--format", "json")

    # assert
    assert code == 0, err
    doc = json.loads(out)
    assert doc["nodes"][0]["weights"]["x2"] == 0.0
    assert [i["code"] for i in doc["issues"]] == ["zero-weight"]
    # rendered too
    code, text, _ = run("weights", str(spec), "--lang", "en")
    assert code == 0 and "x2" in text and "weight 0" in text


def test_weights_table_renders_nominal_derived_and_effective() -> None:
    # arrange: in memory, without the CLI
    from gdindex.report.weights import weights_table

    tree = {
        "id": "root",
        "weights": {"method": "ahp", "matrix": SAATY},
        "children": [{"id": "a", "weight": 7}, "b", "c"],
    }
    found = gdindex.derive_weights(make_spec(["a", "b", "c"], tree))

    # act
    [block] = table_blocks(render(weights_table(found, "en")))

    # assert: one line per node; a's nominal 7, derived = effective = Saaty's w1
    w, *_ = ahp_by_hand(SAATY_NUM)
    row = next(line for line in block if " a " in line)
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[2:] == ["AHP", "7", f"{w[0]:.4f}", f"{w[0]:.4f}"]
    assert len([line for line in block if line.startswith("│")]) == 4


def test_a_node_leaving_the_base_pool_drops_the_default_base_period() -> None:
    # arrange: the default pools the 2021 rows; the node asks for the whole panel
    spec = make_spec(
        ["a", "b"],
        {"id": "root", "children": ["a", "b"], "weights": {"pool": "panel"}},
        defaults={
            "weights": {"method": "entropy", "pool": "base", "base_period": 2021}
        },
    )

    # act
    params = spec.weights_for(spec.tree)

    # assert: same method, panel pool, no stray base period in the outputs
    assert (params.method, params.pool, params.base_period) == (
        "entropy",
        "panel",
        None,
    )
