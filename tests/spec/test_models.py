"""The spec's models: method inheritance and merging, dump, frozen values, periods."""

from __future__ import annotations

import pytest

from gdindex.spec import (
    MinMaxSpec,
    TargetSpec,
    load_spec,
    merge_method,
)
from tests.spec_helpers import BASE, spec_with


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


def test_every_registered_method_is_in_its_spec_union_and_back() -> None:
    from gdindex.methods.aggregate import AGGREGATORS
    from gdindex.methods.normalise import NORMALISERS
    from gdindex.methods.weighting import WEIGHTS
    from gdindex.spec.models import METHOD_MODELS

    def names(kind: str) -> list[str]:
        return [m.model_fields["method"].default for m in METHOD_MODELS[kind]]

    for kind, registry in (
        ("normalisation", NORMALISERS),
        ("aggregation", AGGREGATORS),
        ("weighting", WEIGHTS),
    ):
        assert sorted(names(kind)) == sorted(registry.names()), kind
        for name, model in zip(names(kind), METHOD_MODELS[kind], strict=True):
            assert registry.get(name).params is model


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
