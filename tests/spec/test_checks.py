"""Semantic checks of a spec without data: tree, weights, AHP, base periods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import SpecError
from gdindex.spec import check_spec, load_spec
from tests.conftest import make_spec, write_project

UNITS4 = """code,name_zh,name_en
A,甲城,Alpha
B,乙城,Beta
C,丙城,Gamma
D,丁城,Delta
"""


INDS = ("x1", "x2", "x3")


# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).
DATA1 = """unit,period,x1,x2,x3
A,2021,10,0,40
B,2021,20,5,10
C,2021,30,5,30
D,2021,60,10,20
"""


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)
SAATY = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]


# An inconsistent 3 × 3 matrix: 1 ≻ 2 ≻ 3 (twice as important), but 1 ~ 3
INCONSISTENT = [[1, 2, 1], ["1/2", 1, 2], [1, "1/2", 1]]


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


def nodes_of(result: gdindex.IndexResult) -> dict[str, Any]:
    """How every inner node's weights were derived (`IndexResult.weighting`)."""
    assert result.weighting is not None
    return result.weighting.nodes


def derived(result: gdindex.IndexResult, node: str = "idx") -> list[float]:
    """The derived (rescaled) weights of `node`'s children, in tree order."""
    return [float(w) for w in nodes_of(result)[node].weights]


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


BASE = {
    "spec_version": 1,
    "id": "t",
    "name": {"en": "T"},
    "data": [{"file": "d.csv"}],
    "indicators": [
        {"id": "a", "name": "A"},
        {"id": "b", "name": {"zh": "乙"}, "direction": -1},
    ],
    "tree": {"id": "root", "name": "Root", "children": ["a", {"id": "b", "weight": 2}]},
}


def spec_with(**changes: object) -> dict:
    data = json.loads(json.dumps(BASE))
    data.update(changes)
    return data


def errors_of(source: object) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(source)  # type: ignore[arg-type]
    return str(info.value)


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
