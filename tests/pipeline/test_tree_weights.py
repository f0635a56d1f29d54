"""Weights (DESIGN §4.4): sibling weights rescaled to sum to 1, `equal`, and
effective weights as the product of the weights along each path; data-driven
(entropy, cv, critic, pca) and AHP weights derived through `compute`, their pools,
spec errors, outputs, `--set` overrides and the `gdindex weights` command."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import gdindex
from gdindex.pipeline.tree_weights import child_weights, weight_rows
from tests.conftest import make_spec
from tests.weights_helpers import (
    IDS,
    PROPS,
    SAATY,
    flat_tree,
    memory_spec,
    nodes_of,
    panels,
)


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


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)


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
