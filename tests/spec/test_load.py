"""Spec models and `load_spec`: every problem reported at once, with its YAML path."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.errors import SpecError
from gdindex.spec import (
    IndexSpec,
    load_spec,
)
from tests.conftest import SPEC_YAML
from tests.spec_helpers import BASE, errors_of, spec_with


def test_load_minimal_spec_from_mapping() -> None:
    spec = load_spec(BASE)

    assert isinstance(spec, IndexSpec)
    assert [c.id for c in spec.tree.children or []] == ["a", "b"]
    assert spec.tree.children[1].weight == 2  # type: ignore[index]
    assert spec.indicators[0].name.get("zh") == "A"  # plain string → both languages
    assert spec.indicators[1].name.get("en") == "乙"  # falls back to the other language


def test_load_spec_file_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC_YAML.replace("weight: 2", "weight: -2"), encoding="utf-8")

    text = errors_of(path)

    line = SPEC_YAML.splitlines().index("      weight: 2") + 1
    assert f"s.yaml:{line}: tree.children[0].weight" in text
    assert "negative weight -2" in text


def test_all_problems_reported_at_once() -> None:
    data = spec_with(
        colour="red",
        tree={"id": "root", "children": [{"id": "a", "weight": -1}, "zz"]},
        defaults={"normalise": {"method": "minmaxx"}},
    )

    text = errors_of(data)

    assert "unknown key 'colour'" in text
    assert "tree.children[0].weight" in text
    assert "unknown normalisation method 'minmaxx'" in text
    assert "did you mean 'minmax'?" in text


def test_unknown_key_suggests_closest() -> None:
    data = spec_with(defaults={"aggregate": {"method": "arithmetic", "min_coverag": 1}})

    text = errors_of(data)

    assert "defaults.aggregate.min_coverag" in text
    assert "did you mean 'min_coverage'?" in text


def test_unknown_aggregation_method() -> None:
    data = spec_with(defaults={"aggregate": {"method": "geometrik"}})

    assert "unknown aggregation method 'geometrik'" in errors_of(data)


def test_base_scope_needs_base_period() -> None:
    data = spec_with(defaults={"normalise": {"method": "minmax", "scope": "base"}})

    assert "needs `base_period`" in errors_of(data)


def test_bad_id_and_direction() -> None:
    data = spec_with(
        indicators=[{"id": "1a", "name": "A", "direction": 2}, {"id": "b", "name": "B"}]
    )

    text = errors_of(data)

    assert "indicators[0].id" in text and "invalid id '1a'" in text
    assert "indicators[0].direction" in text


def test_malformed_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("spec_version: 1\ntree: [unclosed\n", encoding="utf-8")

    text = errors_of(path)

    assert "malformed YAML" in text and "bad.yaml:" in text


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        SPEC_YAML.replace("id: tiny", "id: tiny\nid: other"), encoding="utf-8"
    )

    assert "duplicate key 'id'" in errors_of(path)


def test_missing_spec_file(tmp_path: Path) -> None:
    assert "spec file not found" in errors_of(tmp_path / "nope.yaml")


def test_missing_method_is_named() -> None:
    data = spec_with(defaults={"normalise": {"range": [0, 1]}})

    text = errors_of(data)

    assert "defaults.normalise: missing `method:`" in text and "minmax" in text


def test_parameter_of_another_method_points_to_it() -> None:
    data = spec_with(
        indicators=[
            {"id": "a", "name": "A", "normalise": {"target": 9}},
            {"id": "b", "name": "B"},
        ]
    )

    text = errors_of(data)

    assert "indicators[0].normalise.target: unknown key 'target'" in text
    assert "belongs to method 'target'" in text


@pytest.mark.parametrize("defaults", [5, {"normalise": "minmax"}])
def test_defaults_must_be_mappings(defaults: object) -> None:
    text = errors_of(spec_with(defaults=defaults))

    assert "defaults" in text and "should be keys and values (key: value)" in text
    if defaults != 5:
        assert "a method block: write normalise: {method: minmax}" in text


def test_type_errors_and_tree_errors_reported_together() -> None:
    data = spec_with(colour="red", tree={"id": "root", "children": ["a", "zz", "a"]})

    text = errors_of(data)

    assert "unknown key 'colour'" in text
    assert "leaf 'zz' is not a declared indicator" in text
    assert "indicator 'a' appears twice" in text


def test_non_finite_weight() -> None:
    data = spec_with(
        tree={"id": "root", "children": [{"id": "a", "weight": ".inf"}, "b"]}
    )
    data["tree"]["children"][0]["weight"] = float("inf")

    assert "finite number" in errors_of(data)


@pytest.mark.parametrize(
    "changes",
    [{"colour": "red"}, {"tree": {"id": "root", "children": ["a", "zz"]}}],
    ids=["model", "semantic"],
)
def test_one_problem_is_counted_in_the_singular(changes: dict) -> None:
    text = errors_of(spec_with(**changes)).splitlines()[0]

    assert "(1 problem)" in text


def test_counts_agree_with_their_nouns() -> None:
    from gdindex.errors import plural

    assert [plural(n, "problem") for n in (0, 1, 2)] == [
        "0 problems",
        "1 problem",
        "2 problems",
    ]


def test_a_utf16_spec_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(SPEC_YAML.encode("utf-16"))

    assert load_spec(path).id == "tiny"


def test_every_yaml_syntax_error_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "spec_version: 1\n"
        "indicators:\n"
        "  - id: a\n"
        "    name: A\n"
        "   - id: b\n"  # 5: a list item out of line
        "    name: B\n"
        "tree:\n"
        "  id: t\n"
        "  children: [a, b\n",  # 9: an unclosed bracket
        encoding="utf-8",
    )

    with pytest.raises(SpecError) as info:
        load_spec(path)

    issues = info.value.issues
    assert len(issues) == 2 and "2 problems" in str(info.value).splitlines()[0]
    first, second = issues
    assert first.where.endswith("bad.yaml:5:4")
    assert "line 5, column 4" in first.message
    assert "not lined up with the items above it" in first.message
    assert first.hint is not None and "expected '-' indicator" in first.hint
    assert "[list] in brackets is not closed" in second.message
    assert second.where.endswith("bad.yaml:9:13")  # where the [ opens


@pytest.mark.parametrize(
    ("codec", "named"),
    [
        ("utf-16-le", "UTF-16-LE"),
        ("utf-16-be", "UTF-16-BE"),
        ("utf-32-le", "UTF-32-LE"),
    ],
)
def test_a_wide_spec_without_a_bom_is_named(
    tmp_path: Path, codec: str, named: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(SPEC_YAML.encode(codec))

    with pytest.raises(SpecError) as info:
        load_spec(path)

    [issue] = info.value.issues
    assert named in issue.message and "malformed YAML" not in issue.message


def test_tab_indentation_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text("spec_version: 1\nid: x\n\tname: y\n", encoding="utf-8")

    text = errors_of(path)

    assert "tab" in text and "spaces only" in text
