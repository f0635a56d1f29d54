"""Designs: uniform and Saltelli sampling onto alternative positions, weight sets,
`--design` files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gdindex
from gdindex.analysis.sensitivity_design import (
    build_inputs,
    read_design,
    sample_sobol,
    sample_ua,
    tree_nodes,
)
from gdindex.errors import SpecError
from gdindex.spec.sensitivity import SensitivitySpec

SENS = SensitivitySpec.model_validate(
    {
        "seed": 4,
        "inputs": [
            {
                "id": "a",
                "set": "defaults.aggregate.method",
                "values": ["arithmetic", "geometric"],
            },
            {"id": "w", "weights": {"noise": 0.3, "depths": [1, 2], "sets": 7}},
            {"id": "x", "exclude": ["i1", "i2", "i4"]},
        ],
    }
)


def test_ua_draws_every_position_uniformly_after_the_nominal_run(
    tiny_spec: Path,
) -> None:
    inputs = build_inputs(gdindex.load_spec(tiny_spec), SENS, tiny_spec.parent)

    pos = sample_ua(inputs, 7000, seed=1)

    assert pos.shape == (7001, 3) and not pos[0].any()
    for j, count in enumerate([2, 7, 4]):
        seen = np.bincount(pos[1:, j], minlength=count + 1)[1:]
        assert len(seen) == count and seen.min() > 7000 / count * 0.85


def test_sobol_design_has_n_times_d_plus_2_runs_in_saltelli_blocks(
    tiny_spec: Path,
) -> None:
    inputs = build_inputs(gdindex.load_spec(tiny_spec), SENS, tiny_spec.parent)

    pos, notes = sample_sobol(inputs, 100, seed=2)

    assert pos.shape == (1 + 100 * 5, 3) and not pos[0].any()
    blocks = pos[1:].reshape(100, 5, 3)
    A, B = blocks[:, 0], blocks[:, -1]
    for j in range(3):  # AB_j: A with column j from B
        expected = A.copy()
        expected[:, j] = B[:, j]
        assert np.array_equal(blocks[:, 1 + j], expected)
    assert pos[1:].min() == 1 and (pos[1:].max(axis=0) == [2, 7, 4]).all()
    assert notes and "power of 2" in notes[0]


def test_noisy_weight_sets_multiply_the_nodes_at_the_given_depths(
    tiny_spec: Path,
) -> None:
    spec = gdindex.load_spec(tiny_spec)

    w = build_inputs(spec, SENS, tiny_spec.parent)[1]

    assert set(w.multipliers) == {"idx", "p1", "p2"}  # parents of depth-1 and 2 nodes
    for table in w.multipliers.values():
        assert table.shape[0] == 8 and (table[0] == 1).all()
        assert (np.abs(table[1:] - 1) <= 0.3).all() and (table[1:] != 1).all()
    depths = {n.id: n.depth for n in tree_nodes(spec).values()}
    assert depths == {"idx": 0, "p1": 1, "p2": 1, "i1": 2, "i2": 2, "i3": 2, "i4": 2}


def test_read_design_prepends_the_nominal_run_and_checks_positions(
    tmp_path: Path, tiny_spec: Path
) -> None:
    inputs = build_inputs(gdindex.load_spec(tiny_spec), SENS, tiny_spec.parent)
    good = tmp_path / "good.csv"
    good.write_text("run,x,w,a\n2,4,7,1\n1,1,1,2\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("run,a,w\n1,3,1\n")

    pos = read_design(good, inputs)

    assert pos.tolist() == [[0, 0, 0], [2, 1, 1], [1, 7, 4]]
    with pytest.raises(SpecError, match="missing columns: x"):
        read_design(bad, inputs)


@pytest.mark.parametrize("methods", [["entropy", "equal"], ["critic", "equal"]])
def test_every_run_with_method_weights_noise_and_exclusion_is_reproduced(
    tmp_path: Path, methods: list[str]
) -> None:
    """`overrides(run)` reproduces runs whose weights come from a method (derived
    from the data, or equal) and are then made noisy or lose a child: the node is
    switched to the explicit weights the run used."""
    from gdindex.analysis.sensitivity import sensitivity
    from tests.analysis.sensitivity_helpers import _compare_every_run
    from tests.conftest import write_project

    spec = write_project(tmp_path)
    sens = SensitivitySpec.model_validate(
        {
            "n": 16,
            "seed": 5,
            "inputs": [
                {
                    "id": "weighting",
                    "set": "defaults.weights.method",
                    "values": methods,
                },
                {"id": "weights", "weights": {"noise": 0.25, "depths": [1], "sets": 4}},
                {"id": "out", "exclude": ["i1", "i3"]},
            ],
        }
    )
    res = sensitivity(spec, inputs=sens)
    sets = [s for run in range(res.n_runs + 1) for s in res.overrides(run)]

    assert res.n_failed == 0
    assert any(".weights={method: explicit}" in s for s in sets)
    assert any(s.endswith("i1.weight=0") for s in sets)
    assert _compare_every_run(spec, res) == 0


def test_labels_of_long_alternatives_are_whole(tiny_spec: Path) -> None:
    block = {
        "method": "geometric",
        "min_coverage": 0.5,
        "zero_policy": "floor",
        "epsilon": 1,
    }
    sens = SensitivitySpec.model_validate(
        {"inputs": [{"id": "a", "set": "defaults.aggregate", "values": [block]}]}
    )

    [info] = build_inputs(gdindex.load_spec(tiny_spec), sens, tiny_spec.parent)

    assert info.labels == ["geometric min_coverage=0.5 zero_policy=floor epsilon=1"]
