"""What the tests of the sensitivity engine share: inputs that exercise every
aggregator, zero policy, normaliser, weight set and exclusion, and a check that every
run equals `compute` with the same choices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

import gdindex
from gdindex.analysis.sensitivity import SensitivityResult
from gdindex.errors import DataError
from gdindex.spec.sensitivity import SensitivitySpec

AGGREGATORS = [
    {"method": "arithmetic", "min_coverage": 0.6},
    {"method": "geometric", "zero_policy": "shift", "epsilon": 0.5},
    {"method": "geometric", "zero_policy": "floor", "epsilon": 2},
    {"method": "geometric"},
    {"method": "harmonic", "zero_policy": "floor", "epsilon": 1},
    {"method": "power_mean", "p": 3},
    {"method": "power_mean", "p": 0.5},
    {"method": "topsis", "scope": "panel"},
]


def _inputs(**extra: object) -> SensitivitySpec:
    return SensitivitySpec.model_validate(
        {
            "n": 60,
            "seed": 9,
            "inputs": [
                {
                    "id": "aggregation",
                    "set": "defaults.aggregate",
                    "values": AGGREGATORS,
                },
                {
                    "id": "normalisation",
                    "set": "defaults.normalise",
                    "values": [
                        {"method": "minmax", "range": [0, 100]},
                        {"method": "zscore", "mean": 10, "sd": 4},
                        {"method": "rank"},
                    ],
                },
                {
                    "id": "weights",
                    "weights": {"noise": 0.4, "depths": [1, 2], "sets": 5},
                },
                {"id": "exclude", "exclude": ["i1", "i3"]},
                {
                    "id": "p1_weight",
                    "set": "tree.children.p1.weight",
                    "values": [1, 5],
                },
            ],
            **extra,
        }
    )


def _compare_every_run(spec_path: Path, res: SensitivityResult) -> int:
    failed = 0
    for run in range(res.runs.height):
        error = res.runs.row(run, named=True)["error"]
        try:
            computed = gdindex.compute(
                gdindex.load_spec(spec_path, overrides=res.overrides(run))
            )
        except DataError:
            assert error is not None, f"run {run}: compute failed, the engine ran"
            failed += 1
            continue
        assert error is None, f"run {run}: the engine failed ({error})"
        expected = computed.scores.filter(
            (pl.col("node") == res.target) & (pl.col("period") == res.period)
        )
        got = res.scores.filter(pl.col("run") == run).join(
            expected, on="unit", how="full", coalesce=True
        )
        a, b = got["score"].to_numpy(), got["score_right"].to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b)), f"run {run}"
        ok = ~np.isnan(a)
        assert np.allclose(a[ok], b[ok], rtol=1e-12, atol=1e-12), f"run {run}"
        assert got["rank"].to_list() == got["rank_right"].to_list(), f"run {run}"
    return failed
