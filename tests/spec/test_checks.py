"""Semantic checks of a spec without data: tree, weights, AHP, base periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import SpecError
from gdindex.spec import check_spec, load_spec
from tests.conftest import make_spec
from tests.spec_helpers import BASE, errors_of, spec_with
from tests.weights_helpers import (
    INCONSISTENT,
    INDS,
    SAATY,
    ahp_by_hand,
    cr_of_inconsistent,
    derived,
    dump,
    project,
    spec_data,
)

# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)


# An inconsistent 3 × 3 matrix: 1 ≻ 2 ≻ 3 (twice as important), but 1 ~ 3


def spec_problems(root: Path, data: dict[str, Any]) -> list[Any]:
    """The issues of the SpecError that loading `data` as a spec file raises."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "spec.yaml"
    path.write_text(dump(data), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        gdindex.load_spec(path)
    assert all(str(path) in i.where for i in info.value.issues)
    return info.value.issues


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
            "should be 1 or less, found 1.5",
        ),
        (
            {"method": "entropy", "shift": -1},
            "tree.weights.shift",
            "should be 0 or more, found -1",
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


def test_semantic_errors_reported_together() -> None:
    data = spec_with(
        tree={"id": "a", "children": ["a", "zz", "b", "b"]},
        indicators=[
            {"id": "a", "name": "A"},
            {"id": "b", "name": "B"},
            {"id": "b", "name": "B2"},
        ],
    )

    text = errors_of(data)

    assert "duplicate indicator id 'b'" in text
    assert "'a' is both a tree node and an indicator" in text
    assert "leaf 'zz' is not a declared indicator" in text
    assert "indicator 'b' appears twice in the tree" in text


def test_weights_summing_to_zero() -> None:
    data = spec_with(
        tree={
            "id": "root",
            "children": [{"id": "a", "weight": 0}, {"id": "b", "weight": 0}],
        }
    )

    assert "sum to 0" in errors_of(data)


def test_base_period_must_be_listed() -> None:
    data = spec_with(
        periods=[2021, 2022],
        defaults={
            "normalise": {"method": "minmax", "scope": "base", "base_period": 2020}
        },
    )

    assert "base_period 2020 is not one of the periods" in errors_of(data)


def test_leaf_may_not_set_methods() -> None:
    data = spec_with(
        tree={
            "id": "root",
            "children": [{"id": "a", "aggregate": {"method": "geometric"}}, "b"],
        }
    )

    assert "leaf 'a' sets aggregate" in errors_of(data)


def test_unused_indicator_is_a_warning() -> None:
    data = spec_with(indicators=BASE["indicators"] + [{"id": "c", "name": "C"}])

    spec = load_spec(data)
    issues = check_spec(spec)

    assert [i.code for i in issues] == ["unused-indicator"]
    assert issues[0].severity == "warning"


def test_topsis_base_period_must_be_listed() -> None:
    data = spec_with(
        periods=[2021],
        tree={
            "id": "root",
            "aggregate": {"method": "topsis", "scope": "base", "base_period": 2019},
            "children": ["a", "b"],
        },
    )

    assert "tree.aggregate.base_period" in errors_of(data)


def test_tree_root_needs_children() -> None:
    assert "the tree root has no children" in errors_of(spec_with(tree={"id": "a"}))
