"""Data-driven and AHP weights derived through `compute`, checked by hand (§4.4)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import DataError, MethodError
from gdindex.pipeline.tree_weights import child_weights
from tests.conftest import SPEC_YAML, make_spec, write_project
from tests.weights_helpers import (
    DATA1,
    DATA2,
    INDS,
    N1,
    RAW1,
    RAW2,
    SAATY,
    SAATY_NUM,
    WEIGHTS_COLUMNS,
    ahp_by_hand,
    compute_project,
    critic_by_hand,
    derived,
    entropy_by_hand,
    flat_tree,
    minmax01,
    nodes_of,
    project,
    scores_of,
    weighted_sum,
)

# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).


# minmax [0, 100] (the default), direction applied: x3 → (40 − raw) / 30 · 100


# 4 units × 2 periods, every raw value positive (cv can use every child).


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)


SAATY_PUBLISHED = {"w": [0.637, 0.258, 0.105], "lambda_max": 3.039, "cr": 0.033}


# weights.csv header (DESIGN §6, contract)


def cv_by_hand(columns: list[list[float]]) -> list[float]:
    """w ∝ sd / mean (sample sd)."""
    c = [statistics.stdev(x) / statistics.mean(x) for x in columns]
    return [v / sum(c) for v in c]


def pca_by_hand(columns: list[list[float]]) -> list[float]:
    """w ∝ loading² of the first principal component of the correlation matrix."""
    lam, vec = np.linalg.eig(np.corrcoef(np.array(columns, dtype=float)))
    a = vec[:, int(np.argmax(lam.real))].real
    return [float(v) for v in a * a / (a @ a)]


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


def test_critic_abs_r_and_sd_weights_through_compute(tmp_path: Path) -> None:
    # arrange: the same project with CRITIC on 1 − |r| and with sd weights
    abs_r = compute_project(tmp_path / "critic", {"method": "critic", "abs_r": True})
    sd = compute_project(tmp_path / "sd", {"method": "sd"})

    # act: by hand with statistics (sample sd, Pearson r)
    y = [minmax01(N1[k]) for k in INDS]
    c = [
        statistics.stdev(yj)
        * sum(
            1 - (1.0 if yj is yk else abs(statistics.correlation(yj, yk))) for yk in y
        )
        for yj in y
    ]
    sds = [statistics.stdev(N1[k]) for k in INDS]  # of the normalised scores

    # assert
    assert_allclose(derived(abs_r), [v / sum(c) for v in c], rtol=1e-10)
    assert_allclose(derived(sd), [v / sum(sds) for v in sds], rtol=1e-10)
    assert_allclose(
        scores_of(sd, "idx"),
        weighted_sum([v / sum(sds) for v in sds], [N1[k] for k in INDS]),
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


@pytest.mark.parametrize("priority", ["geometric", "colsum"])
def test_ahp_priority_through_compute(tmp_path: Path, priority: str) -> None:
    # arrange
    spec = {"method": "ahp", "matrix": SAATY, "priority": priority}
    result = compute_project(tmp_path, spec)
    A = SAATY_NUM
    if priority == "geometric":  # 方根法: row geometric means
        v = np.prod(A, axis=1) ** (1 / 3)
    else:  # 和积法: mean of the column-normalised rows
        v = (A / A.sum(axis=0)).mean(axis=1)
    _, lambda_max, _, cr = ahp_by_hand(A)

    # assert: the priority changes the weights, never the consistency
    assert_allclose(derived(result), v / v.sum(), rtol=1e-10)
    comp = nodes_of(result)["idx"].components[0]
    assert comp.ahp is not None
    assert comp.ahp.lambda_max == pytest.approx(lambda_max, rel=1e-10)
    assert comp.ahp.cr == pytest.approx(cr, rel=1e-8)


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
