"""The `sensitivity:` block: inputs by kind, unknown keys and bad values rejected with
their YAML path."""

from __future__ import annotations

from pathlib import Path

import pytest

import gdindex
from gdindex.errors import SpecError
from gdindex.spec.sensitivity import (
    ExcludeInput,
    SensitivitySpec,
    SetInput,
    WeightsInput,
)
from tests.conftest import SPEC_YAML, write_project


def test_each_input_is_read_by_its_key() -> None:
    sens = SensitivitySpec.model_validate(
        {
            "inputs": [
                {"id": "a", "set": "defaults.treat.winmax", "values": [1, 2]},
                {"id": "w", "weights": {"noise": 0.1, "depths": [2, 1, 2]}},
                {"id": "x", "exclude": ["i1"]},
            ]
        }
    )

    a, w, x = sens.inputs
    assert isinstance(a, SetInput) and a.n_alternatives == 2
    assert isinstance(w, WeightsInput) and w.weights.depths == [1, 2]
    assert isinstance(x, ExcludeInput) and x.n_alternatives == 2
    assert (sens.n, sens.method, sens.seed, sens.bootstrap) == (1000, "ua", 1, 100)


@pytest.mark.parametrize(
    ("block", "where"),
    [
        ("{inputs: [{id: a, sett: x, values: [1]}]}", "sensitivity.inputs"),
        ("{inputs: [{id: a, set: x, values: []}]}", "sensitivity.inputs.0.set.values"),
        ("{inputs: [{id: w, weights: {noise: 1.5}}]}", "noise"),
        ("{inputs: [{id: w, weights: {depths: [0]}}]}", "depths"),
        ("{method: morris, inputs: [{id: x, exclude: [i1]}]}", "sensitivity.method"),
        ("{inputs: [{id: x, exclude: [i1]}, {id: x, exclude: [i2]}]}", "used twice"),
        ("{n: 0, inputs: [{id: x, exclude: [i1]}]}", "sensitivity.n"),
    ],
)
def test_bad_blocks_are_spec_errors_naming_the_key(
    tmp_path: Path, block: str, where: str
) -> None:
    spec = write_project(tmp_path, spec=SPEC_YAML + f"sensitivity: {block}\n")

    with pytest.raises(SpecError) as info:
        gdindex.load_spec(spec)

    assert where.replace(".0.", "[0].") in str(info.value) or where in str(info.value)


def test_a_valid_block_loads_with_the_spec(tmp_path: Path) -> None:
    block = "{target: p1, period: 2021, inputs: [{id: x, exclude: [i1, i3]}]}"
    spec = gdindex.load_spec(
        write_project(tmp_path, spec=SPEC_YAML + f"sensitivity: {block}\n")
    )

    assert spec.sensitivity is not None
    assert spec.sensitivity.target == "p1" and spec.sensitivity.period == 2021
