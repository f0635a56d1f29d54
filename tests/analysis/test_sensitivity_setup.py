"""The shared setup: which inputs make a run's group and which are aggregated within
it; data-driven weights put every `set` input into the group, derived per group."""

from __future__ import annotations

from pathlib import Path

from gdindex.analysis.sensitivity import sensitivity
from gdindex.spec.sensitivity import SensitivitySpec
from tests.analysis.sensitivity_helpers import _compare_every_run
from tests.conftest import write_project


def test_data_driven_weights_are_derived_per_group(tmp_path: Path) -> None:
    spec = write_project(tmp_path)
    sens = SensitivitySpec.model_validate(
        {
            "n": 12,
            "inputs": [
                {
                    "id": "normalisation",
                    "set": "defaults.normalise.method",
                    "values": ["minmax", "rank"],
                },
                {
                    "id": "weighting",
                    "set": "defaults.weights.method",
                    "values": ["entropy", "equal"],
                },
            ],
        }
    )

    res = sensitivity(spec, inputs=sens)

    assert _compare_every_run(spec, res) == 0


def test_inputs_that_change_only_aggregation_or_weights_stay_out_of_the_group(
    tiny_spec: Path,
) -> None:
    from gdindex.analysis.sensitivity_design import InputInfo
    from gdindex.analysis.sensitivity_setup import make_setup
    from gdindex.io import load_data
    from gdindex.spec import load_spec

    spec = load_spec(tiny_spec)
    dataset = load_data(spec)
    inputs = [
        InputInfo(
            "aggregation",
            "set",
            ["a", "g"],
            path="defaults.aggregate",
            values=[{"method": "arithmetic"}, {"method": "geometric"}],
        ),
        InputInfo(
            "normalisation",
            "set",
            ["m", "r"],
            path="defaults.normalise",
            values=[{"method": "minmax"}, {"method": "rank"}],
        ),
        InputInfo(
            "p1_weight",
            "set",
            ["1", "5"],
            path="tree.children.p1.weight",
            values=[1, 5],
        ),
        InputInfo("exclude", "exclude", ["i1"], excluded=["i1"]),
    ]

    plain = make_setup(spec, dataset, inputs, "idx", 1)
    inputs.append(
        InputInfo(
            "weighting",
            "set",
            ["e"],
            path="defaults.weights.method",
            values=["entropy"],
        )
    )
    derived = make_setup(spec, dataset, inputs, "idx", 1)

    assert (plain.group_cols, plain.agg_cols, plain.data_driven) == ([1], [0, 2], False)
    # an alternative that derives weights from the data makes every `set` input
    # a group input: weights then come from `compute`, per group
    assert (derived.group_cols, derived.agg_cols) == ([0, 1, 2, 4], [])
    assert derived.data_driven
