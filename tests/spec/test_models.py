"""The spec's models: method inheritance and merging, dump, frozen values, periods."""

from __future__ import annotations

import json

import pytest

from gdindex.spec import (
    MinMaxSpec,
    TargetSpec,
    load_spec,
    merge_method,
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


def test_method_inherits_defaults() -> None:
    data = spec_with(
        defaults={
            "normalise": {
                "method": "minmax",
                "range": [1, 100],
                "scope": "base",
                "base_period": 2021,
            }
        },
        indicators=[
            {"id": "a", "name": "A", "normalise": {"scope": "panel"}},
            {"id": "b", "name": "B", "normalise": {"method": "target", "target": 5}},
        ],
    )

    spec = load_spec(data)
    a = spec.normalise_for(spec.indicators[0])
    b = spec.normalise_for(spec.indicators[1])

    assert isinstance(a, MinMaxSpec) and a.range == (1, 100) and a.scope == "panel"
    assert isinstance(b, TargetSpec) and b.scope == "base" and b.base_period == 2021


def test_merge_method_keeps_explicit_override() -> None:
    default = MinMaxSpec(scope="period")
    override = TargetSpec(target=3, scope="panel")

    merged = merge_method(default, override)

    assert merged.scope == "panel" and merged.target == 3


def test_dump_round_trip() -> None:
    spec = load_spec(BASE)

    assert load_spec(spec.dump()) == spec


def test_spec_is_frozen() -> None:
    spec = load_spec(BASE)

    with pytest.raises(Exception, match="frozen"):
        spec.id = "x"  # type: ignore[misc]


def test_quoted_periods_and_numeric_unit_references() -> None:
    data = spec_with(
        periods=["2021", "2022"],
        indicators=[
            {
                "id": "a",
                "name": "A",
                "normalise": {"method": "ratio", "reference": 440100},
            },
            {"id": "b", "name": "B"},
        ],
    )

    spec = load_spec(data)

    assert spec.periods == [2021, 2022]
    assert spec.indicators[0].normalise.reference == "440100"  # type: ignore[union-attr]


def test_a_minimal_spec_names_indicators_and_nodes_by_their_ids() -> None:
    data = spec_with(
        indicators=[{"id": "a"}, {"id": "b"}],
        tree={"id": "root", "children": [{"id": "p", "children": ["a", "b"]}]},
    )
    del data["name"]

    spec = load_spec(data)

    assert spec.name.get("en") == "t" and spec.name.get("zh") == "t"
    assert [i.name.get("zh") for i in spec.indicators] == ["a", "b"]
    assert spec.tree.name is not None and spec.tree.name.get("en") == "root"
    pillar = (spec.tree.children or [])[0]
    assert pillar.name is not None and pillar.name.get("zh") == "p"
