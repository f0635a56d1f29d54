"""The vectorised engine: every aggregator, zero policy, coverage, exclusion and weight
set gives, run by run, what `compute` gives with the same choices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.analysis.sensitivity import SensitivityResult, sensitivity
from gdindex.analysis.sensitivity_engine import CHUNK, rank_rows
from gdindex.errors import DataError
from gdindex.methods.growth import ranks
from gdindex.spec.sensitivity import SensitivitySpec
from tests.conftest import write_project

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


def test_every_run_of_every_aggregator_equals_compute(tiny_spec: Path) -> None:
    res = sensitivity(tiny_spec, inputs=_inputs())

    failed = _compare_every_run(tiny_spec, res)

    # z-scores are negative somewhere: a plain geometric mean of them must fail
    assert failed == res.n_failed + (res.runs["error"][0] is not None)
    assert failed > 0


def test_a_pillar_as_target_and_an_earlier_period(tiny_spec: Path) -> None:
    res = sensitivity(tiny_spec, inputs=_inputs(target="p2", period=2021, n=25))

    assert res.target == "p2" and res.period == 2021
    _compare_every_run(tiny_spec, res)


def test_runs_split_into_chunks_give_what_one_chunk_gives(
    tiny_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = sensitivity(tiny_spec, inputs=_inputs(n=40))
    monkeypatch.setattr("gdindex.analysis.sensitivity_engine.CHUNK", 3)

    split = sensitivity(tiny_spec, inputs=_inputs(n=40))

    assert CHUNK > 40
    assert split.to_json() == whole.to_json()


def test_rank_rows_equals_growth_ranks_and_ties_within_1e_9() -> None:
    rng = np.random.default_rng(0)
    S = rng.integers(0, 6, size=(50, 12)).astype(float)
    S[rng.random(S.shape) < 0.1] = np.nan

    assert np.array_equal(rank_rows(S), ranks(S.T).T, equal_nan=True)
    noisy = np.array([[100.0, 100.0 * (1 + 1e-10), 99.0, np.nan, 100.0 * (1 - 1e-8)]])
    assert rank_rows(noisy).tolist()[0][:3] == [1.0, 1.0, 4.0]
    assert rank_rows(noisy)[0, 4] == 3.0 and np.isnan(rank_rows(noisy)[0, 3])
    near_zero = np.array([[0.0, 1.1e-16, -2.2e-16, 1.0, -1.0]])  # scale 1: one score
    assert rank_rows(near_zero).tolist() == [[2.0, 2.0, 2.0, 1.0, 5.0]]


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
