"""Weights (DESIGN §4.4): sibling weights rescaled to sum to 1, `equal`, and
effective weights as the product of the weights along each path."""

from __future__ import annotations

from typing import Any

import pytest
from numpy.testing import assert_allclose

from gdindex.weights import child_weights, weight_rows
from tests.conftest import make_spec


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
