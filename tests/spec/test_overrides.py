"""`--set KEY=VALUE`: parsing, path forms, errors, method switch, no mutation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import pytest
import yaml
from numpy.testing import assert_allclose

import gdindex
from gdindex.errors import SpecError
from gdindex.spec import load_spec
from gdindex.spec import models as spec_module
from gdindex.spec.overrides import (
    Override,
    apply_overrides,
    apply_overrides_located,
    parse_override,
)
from tests.conftest import SPEC_YAML, SPECS
from tests.weights_helpers import (
    DATA2,
    INDS,
    N1,
    SAATY,
    derived,
    entropy_by_hand,
    project,
    run,
    scores_of,
    weighted_sum,
)

TINY: dict[str, Any] = yaml.safe_load(SPEC_YAML)


def tiny() -> dict[str, Any]:
    return copy.deepcopy(TINY)


def apply(*overrides: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    result, _ = apply_overrides(tiny() if data is None else data, overrides)
    return result


def problems(*overrides: str, data: dict[str, Any] | None = None) -> SpecError:
    with pytest.raises(SpecError) as info:
        apply_overrides(tiny() if data is None else data, overrides)
    return info.value


# --- Parsing --- #


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a=0.4", 0.4),
        ("a=zscore", "zscore"),
        ("a=[0, 100]", [0, 100]),
        ("a={method: entropy, shift: 0.001}", {"method": "entropy", "shift": 0.001}),
        ("a=null", None),
        ("a=~", None),
        ("a=true", True),
        ("a=2021", 2021),
        ("a='2021'", "2021"),
        ("a=每万人", "每万人"),
        ("a=x=y", "x=y"),  # split on the first `=`
        ("a= 7 ", 7),
    ],
)
def test_value_is_parsed_as_yaml(text: str, value: Any) -> None:
    parsed = parse_override(text)
    assert parsed.value == value
    assert type(parsed.value) is type(value)
    assert parsed.text == text
    assert parsed.path == ("a",)


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("tree.children.industry.weight", ("tree", "children", "industry", "weight")),
        ("tree.children[1].weight", ("tree", "children", 1, "weight")),
        ("tree.children.1.weight", ("tree", "children", 1, "weight")),
        ("a[0][2].b", ("a", 0, 2, "b")),
        ("a[industry].b", ("a", "industry", "b")),
        ('data[0].rename."GDP.1"', ("data", 0, "rename", "GDP.1")),
        ("rename.'2021'", ("rename", "2021")),
        ("data[0].rename.每万人5G基站数", ("data", 0, "rename", "每万人5G基站数")),
        ("  periods  ", ("periods",)),
    ],
)
def test_key_is_split_into_segments(key: str, path: tuple[str | int, ...]) -> None:
    assert parse_override(f"{key}=1") == Override(f"{key}=1", path, 1)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("tree.weight", "no '='", "write KEY=VALUE, e.g. tree.children.industry"),
        ("=0.4", "no key", "write KEY=VALUE"),
        ("tree.weight=", "no value", "tree.weight=null to remove"),
        ("tree.weight=  ", "no value", "tree.weight=null to remove"),
        ("a={method: x", "not valid YAML", "mappings as {k: v}"),
        ("a=[1, 2", "not valid YAML", "lists as [a, b]"),
        ("a..b=1", "empty name", "separate names by single dots"),
        (".a=1", "empty name", "separate names by single dots"),
        ("a.=1", "ends with '.'", "separate names by single dots"),
        ("a[1=1", "unclosed '['", "[0]"),
        ("a[]=1", "empty []", "children[0]"),
        ("[0].a=1", "'[' at the start", "[0]"),
        ("a.[0]=1", "right after '.'", "[0]"),
        ("a]=1", "unexpected ']'", "[0]"),
        ("a.'b=1", "unclosed quote", "[0]"),
    ],
)
def test_malformed_text_is_an_error(text: str, message: str, hint: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_override(text)
    [issue] = info.value.issues
    assert message in issue.message
    assert issue.hint is not None and hint in issue.hint
    key = text.partition("=")[0].strip() if "=" in text else text
    assert issue.where == f"--set {key or text}"


# --- Path forms --- #


def test_dotted_path_sets_a_node_weight_by_id() -> None:
    data = apply("tree.children.p2.weight=0.4")
    assert data["tree"]["children"][1]["weight"] == 0.4
    assert data["tree"]["children"][0]["weight"] == 2


def test_bracket_and_numeric_segments_index_lists() -> None:
    data = apply("tree.children[1].weight=5", "tree.children.0.weight=7")
    assert [c["weight"] for c in data["tree"]["children"]] == [7, 5]


def test_whole_values_replace_lists_and_mappings() -> None:
    data = apply("periods=[2022,2023]", "defaults={weights: {method: equal}}")
    assert data["periods"] == [2022, 2023]
    assert data["defaults"] == {"weights": {"method": "equal"}}


def test_list_item_is_replaced_by_position_or_id() -> None:
    data = apply("periods[0]=2020", "tree.children.p1.children.i2=i9")
    assert data["periods"] == [2020, 2022]
    assert data["tree"]["children"][0]["children"] == ["i1", "i9"]


def test_indicator_selected_by_id_gets_a_new_block() -> None:
    data = apply("indicators.i2.normalise.target=40")
    assert data["indicators"][1] == {
        "id": "i2",
        "name": {"zh": "指标二", "en": "Two"},
        "normalise": {"target": 40},
    }


def test_string_leaf_is_promoted_to_a_mapping() -> None:
    data = apply("tree.children.p1.children.i2.weight=2")
    assert data["tree"]["children"][0]["children"] == ["i1", {"id": "i2", "weight": 2}]


def test_mapping_leaf_is_found_by_id() -> None:
    data = apply("tree.children.p2.children.i4.weight=1")
    assert data["tree"]["children"][1]["children"] == ["i3", {"id": "i4", "weight": 1}]


def test_string_group_is_promoted_with_its_column_key() -> None:
    data = apply("units.groups.region.name=地区")
    assert data["units"]["groups"] == [{"column": "region", "name": "地区"}]


def test_non_ascii_key_is_created() -> None:
    data = apply("data[0].rename.每万人5G基站数=i1")
    assert data["data"][0]["rename"] == {"每万人5G基站数": "i1"}


def test_quoted_segment_keeps_dots_and_digits_as_text() -> None:
    data = apply('data.0.rename."GDP.1"=i1', "data.0.rename.'2021'=i2")
    assert data["data"][0]["rename"] == {"GDP.1": "i1", "2021": "i2"}


def test_missing_mappings_are_created() -> None:
    data = apply("tree.children.p1.weights.method=equal", "screen.min_coverage=0.9")
    assert data["tree"]["children"][0]["weights"] == {"method": "equal"}
    assert data["screen"] == {"min_coverage": 0.9}


def test_numeric_segment_in_a_mapping_is_a_key() -> None:
    data = {"labels": {2021: "a"}, "other": {}}
    result = apply("labels.2021=b", "other.7=c", data=data)
    assert result["labels"] == {2021: "b"}
    assert result["other"] == {"7": "c"}


def test_null_removes_the_key() -> None:
    data = apply("tree.children.p2.weight=null", "units.name=null")
    assert "weight" not in data["tree"]["children"][1]
    assert "name" not in data["units"]
    assert data["units"]["id"] == "code"


def test_null_on_a_missing_key_is_a_no_op() -> None:
    data = apply("tree.children.p1.weights=null", "defaults.normalise.range=null")
    assert "weights" not in data["tree"]["children"][0]
    assert "defaults" not in data  # nothing was created on the way
    assert data == TINY


def test_overrides_apply_in_order() -> None:
    data = apply("tree.children.p1.weight=3", "tree.children.p1.weight=4")
    assert data["tree"]["children"][0]["weight"] == 4


# --- Errors --- #


def test_all_problems_are_reported_at_once() -> None:
    error = problems(
        "tree.children.p1.weight=3",  # fine
        "tree.children.p22.weight=1",  # unknown id, close to p2
        "tree.children[5].weight=1",  # out of range
        "id.x=1",  # descends into a scalar
        "periods[1]=null",  # removes a list item
        "tree.weight",  # no `=`
        "units.file=",  # no value
    )
    assert str(error).startswith("--set: 6 problems found")
    found = {issue.where: issue for issue in error.issues}
    assert list(found) == [
        "--set tree.children.p22.weight",
        "--set tree.children[5].weight",
        "--set id.x",
        "--set periods[1]",
        "--set tree.weight",
        "--set units.file",
    ]
    unknown = found["--set tree.children.p22.weight"]
    assert unknown.message == "no item with id 'p22' in tree.children"
    assert unknown.hint == "did you mean 'p2'? ids here: p1, p2"
    out_of_range = found["--set tree.children[5].weight"]
    assert "tree.children has 2 items" in out_of_range.message
    assert out_of_range.hint == "use a position from 0 to 1"
    scalar = found["--set id.x"]
    assert "id is 'tiny'" in scalar.message
    assert scalar.hint is not None and "id=VALUE" in scalar.hint
    list_item = found["--set periods[1]"]
    assert "cannot remove an item of the list periods" in list_item.message
    assert list_item.hint == "set the whole list instead, e.g. periods=[...]"
    assert found["--set tree.weight"].hint == (
        "write KEY=VALUE, e.g. tree.children.industry.weight=0.4"
    )
    units_hint = found["--set units.file"].hint
    assert units_hint is not None and "units.file=null" in units_hint
    assert all(issue.code == "bad-override" for issue in error.issues)


def test_unknown_id_without_close_match_lists_the_ids() -> None:
    [issue] = problems("indicators.zzz.unit=个").issues
    assert issue.message == "no item with id 'zzz' in indicators"
    assert issue.hint == "ids here: i1, i2, i3, i4"


def test_long_id_lists_are_capped() -> None:
    data = {"items": [{"id": f"x{i}"} for i in range(15)]}
    [issue] = problems("items.y.a=1", data=data).issues
    assert issue.hint is not None and issue.hint.endswith("x9, … (5 more)")


def test_id_in_a_list_without_ids_asks_for_a_position() -> None:
    [issue] = problems("data.main.file=x.csv").issues
    assert "no item with id 'main' in data" in issue.message
    assert issue.hint == "use a position, e.g. data[0] (1 item)"


def test_position_in_a_missing_or_empty_list() -> None:
    data = {"tree": {"id": "r", "children": []}}
    error = problems("tree.children[0].weight=1", "tree.other[0].weight=1", data=data)
    empty, missing = error.issues
    assert "tree.children is an empty list" in empty.message
    assert "tree.other is not set" in missing.message
    assert missing.hint == "set the whole list, e.g. tree.other=[...]"


def test_descending_into_a_scalar_list_item_is_an_error() -> None:
    [issue] = problems("periods[0].x=1").issues
    assert issue.message.startswith("periods[0] is 2021, not a mapping or list")


def test_failed_override_leaves_the_input_alone() -> None:
    data = tiny()
    with pytest.raises(SpecError):
        apply_overrides(data, ["tree.children.p1.weight=9", "tree.children.x.w=1"])
    assert data == TINY


# --- Method switch --- #


def test_method_switch_drops_parameters_of_the_old_method() -> None:
    data = tiny()
    data["defaults"] = {"normalise": {"method": "minmax", "range": [0, 1]}}
    result, notes = apply_overrides(data, ["defaults.normalise.method=zscore"])
    assert result["defaults"]["normalise"] == {"method": "zscore"}
    assert notes == ["defaults.normalise: dropped range (not a zscore parameter)"]


def test_method_switch_keeps_shared_parameters_and_lists_every_drop() -> None:
    data = tiny()
    data["indicators"][0]["normalise"] = {
        "method": "goalposts",
        "worst": 0,
        "best": 100,
        "scope": "period",
    }
    result, notes = apply_overrides(data, ["indicators.i1.normalise.method=rank"])
    assert result["indicators"][0]["normalise"] == {"method": "rank", "scope": "period"}
    assert notes == [
        "indicators.i1.normalise: dropped worst, best (not rank parameters)"
    ]


def test_method_switch_on_weights_and_aggregate() -> None:
    data = tiny()
    data["defaults"] = {"aggregate": {"method": "geometric", "zero_policy": "shift"}}
    result, notes = apply_overrides(
        data, ["defaults.aggregate.method=harmonic", "defaults.aggregate.method=topsis"]
    )
    assert result["defaults"]["aggregate"] == {"method": "topsis"}
    assert notes == ["defaults.aggregate: dropped zero_policy (not a topsis parameter)"]


def test_same_or_unknown_method_drops_nothing() -> None:
    data = tiny()
    data["defaults"] = {"normalise": {"method": "minmax", "range": [0, 1]}}
    result, notes = apply_overrides(
        data, ["defaults.normalise.method=minmax", "defaults.normalise.method=zscor"]
    )
    assert result["defaults"]["normalise"] == {"method": "zscor", "range": [0, 1]}
    assert notes == []


def test_method_key_outside_a_method_block_drops_nothing() -> None:
    data = {"other": {"method": "minmax", "range": [0, 1]}}
    result, notes = apply_overrides(data, ["other.method=zscore"])
    assert result["other"] == {"method": "zscore", "range": [0, 1]}
    assert notes == []


def test_method_models_are_looked_up_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class FakeEntropy(spec_module.Model):
        method: Literal["fake_entropy"] = "fake_entropy"
        shift: float = 0.0

    weighting = spec_module.METHOD_MODELS["weighting"]
    monkeypatch.setitem(
        spec_module.METHOD_MODELS, "weighting", (*weighting, FakeEntropy)
    )
    data = {"defaults": {"weights": {"method": "equal", "shift": 1, "bad": 2}}}
    result, notes = apply_overrides(data, ["defaults.weights.method=fake_entropy"])
    assert result["defaults"]["weights"] == {"method": "fake_entropy", "shift": 1}
    assert notes == ["defaults.weights: dropped bad (not a fake_entropy parameter)"]


# --- Copying --- #


def test_input_is_not_mutated() -> None:
    data = tiny()
    data["defaults"] = {"normalise": {"method": "minmax", "range": [0, 100]}}
    before = copy.deepcopy(data)
    result, _ = apply_overrides(
        data,
        [
            "tree.children.p1.children.i1.weight=2",
            "defaults.normalise.method=zscore",
            "periods[0]=2020",
            "units.name=null",
        ],
    )
    assert data == before
    assert result != before
    result["tree"]["children"][1]["children"].append("i5")
    assert data == before


def test_yaml_aliases_become_independent() -> None:
    data = yaml.safe_load("a: &n {method: minmax}\nb: *n\n")
    assert data["a"] is data["b"]
    result, _ = apply_overrides(data, ["a.method=zscore"])
    assert result == {"a": {"method": "zscore"}, "b": {"method": "minmax"}}


# --- Integration --- #


def test_overridden_guangdong_spec_validates() -> None:
    path = SPECS / "guangdong.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    before = copy.deepcopy(data)
    result, notes = apply_overrides(
        data, ["tree.children.industry.weight=0.4", "defaults.normalise.method=zscore"]
    )
    spec = load_spec(result)
    assert data == before
    industry = next(c for c in spec.tree.children or [] if c.id == "industry")
    assert industry.weight == 0.4
    assert spec.defaults.normalise.method == "zscore"
    assert notes == ["defaults.normalise: dropped range (not a zscore parameter)"]
    # Without the switch, the left-over `range` would fail validation.
    data["defaults"]["normalise"]["method"] = "zscore"
    with pytest.raises(SpecError, match="range"):
        load_spec(data)


def test_located_overrides_resolve_list_positions() -> None:
    data = {"tree": {"id": "r", "children": [{"id": "a"}, "b"]}, "defaults": {}}

    _, _, located = apply_overrides_located(
        data, ["tree.children.b.weight=2", "defaults.weights.method=entropy"]
    )

    assert located == {
        ("tree", "children", 1, "weight"): "tree.children.b.weight=2",
        ("defaults", "weights", "method"): "defaults.weights.method=entropy",
    }


# 4 units × 1 period × 3 indicators: x2 has a raw zero (A), x3 is a cost (−1).


# minmax [0, 100] (the default), direction applied: x3 → (40 − raw) / 30 · 100


# 4 units × 2 periods, every raw value positive (cv can use every child).


# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)


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
    args = ["compute", str(spec), "--set", "defaults.wieghts.method=entropy"]
    code, _, err = run(*args, "--lang", "en")
    code_zh, _, err_zh = run(*args)

    # assert: exit 1 with a suggestion, naming the key as typed on the command
    #   line (it is not in the spec file, so a line of spec.yaml is no place)
    assert code == 1
    assert "did you mean 'weights'" in err
    assert "defaults.wieghts.method" in err and "--set" in err
    assert code_zh == 1 and "是否想写 'weights'" in err_zh
    assert "defaults.wieghts.method" in err_zh and "did you mean" not in err_zh


@pytest.mark.parametrize("command", ["validate", "check"])
def test_set_on_validate_and_check(tmp_path: Path, command: str) -> None:
    # arrange
    spec = project(tmp_path / "p")

    # act
    ok = run(command, str(spec), "--set", "defaults.weights.method=entropy")
    bad = run(
        command, str(spec), "--set", "tree.weights.method=entrophy", "--lang", "en"
    )
    bad_zh = run(command, str(spec), "--set", "tree.weights.method=entrophy")

    # assert: a valid override passes, an invalid method fails with a suggestion
    assert ok[0] == 0, ok[2]
    assert bad[0] == 1
    assert "entrophy" in bad[2] and "did you mean 'entropy'" in bad[2]
    assert bad_zh[0] == 1 and "未知的赋权方法 'entrophy'" in bad_zh[2]


def test_validate_with_set_reports_data_driven_weight_problems(tmp_path: Path) -> None:
    # arrange: cv over x2, whose raw value for A is 0
    spec = project(tmp_path / "p")

    # act
    code, _, err = run("validate", str(spec), "--set", "tree.weights.method=cv")

    # assert
    assert code == 1
    assert "x2" in err and "tree.weights" in err
