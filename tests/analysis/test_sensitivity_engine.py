"""Runs grouped into tasks: chunks of any size give the same result; ranks of every
run at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gdindex.analysis.sensitivity import sensitivity
from gdindex.analysis.sensitivity_engine import CHUNK, rank_rows
from gdindex.methods.growth import ranks
from tests.analysis.sensitivity_helpers import _inputs


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


def test_task_costs_charge_each_preparation_group_once(tiny_spec: Path) -> None:
    """The first chunk of each preparation group carries the preparation's cost;
    the costs line up with the tasks."""
    from gdindex.analysis.sensitivity_design import build_inputs, sample_ua
    from gdindex.analysis.sensitivity_engine import (
        PREPARATION_COST,
        task_costs,
        tasks_of,
    )
    from gdindex.analysis.sensitivity_setup import make_setup
    from gdindex.io import load_data
    from gdindex.spec import load_spec

    spec = load_spec(tiny_spec)
    sens = _inputs(n=300)
    infos = build_inputs(spec, sens, tiny_spec.parent)
    positions = sample_ua(infos, 300, 1)
    setup = make_setup(spec, load_data(spec), infos, "idx", 1)
    tasks = tasks_of(setup, positions)
    costs = task_costs(setup, positions)
    prep_cols = [
        j for j in setup.group_cols if "normalise" not in (setup.inputs[j].path or "")
    ]
    groups = {tuple(row) for row in positions[:, prep_cols].tolist()}

    assert len(costs) == len(tasks)
    assert sum(costs) == positions.shape[0] + PREPARATION_COST * len(groups)
    assert all(c >= len(t) for c, t in zip(costs, tasks, strict=True))
    assert costs[0] == len(tasks[0]) + PREPARATION_COST


def test_runs_that_prepare_the_same_data_share_a_task_run_zero_included(
    tiny_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tasks follow what the choices prepare: the nominal run 0 goes with the runs
    whose winsorisation limit is the nominal one (no second preparation), and the
    result is what the choices alone would give."""
    from gdindex.analysis.sensitivity_design import build_inputs, sample_ua
    from gdindex.analysis.sensitivity_engine import tasks_of
    from gdindex.analysis.sensitivity_setup import make_setup
    from gdindex.io import load_data
    from gdindex.spec import load_spec
    from gdindex.spec.sensitivity import SensitivitySpec

    spec = load_spec(
        tiny_spec, overrides=["defaults.treat={method: winsorise, winmax: 2}"]
    )
    sens = SensitivitySpec.model_validate(
        {
            "n": 40,
            "seed": 3,
            "inputs": [
                {"id": "winmax", "set": "defaults.treat.winmax", "values": [1, 2]},
                {
                    "id": "agg",
                    "set": "defaults.aggregate.method",
                    "values": ["arithmetic", "geometric"],
                },
            ],
        }
    )
    infos = build_inputs(spec, sens, tiny_spec.parent)
    positions = sample_ua(infos, 40, 3)
    setup = make_setup(spec, load_data(spec), infos, "idx", 1)
    tasks = tasks_of(setup, positions)
    nominal_valued = set(np.flatnonzero(positions[:, 0] == 2).tolist())

    assert len(tasks) == 2
    first = set(tasks[0].tolist())
    assert first == {0} | nominal_valued
    assert sorted(first | set(tasks[1].tolist())) == list(range(41))
    import gdindex.analysis.sensitivity_engine as engine

    calls = []
    real = engine.prepare_dataset

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "prepare_dataset", counted)
    res = sensitivity(spec, inputs=sens)
    assert len(calls) == 2  # one preparation per winsorisation limit, none twice
    for run in (0, *sorted(nominal_valued)[:3], *tasks[1][:3].tolist()):
        alone = sensitivity(spec, inputs=sens, design=positions[[0, run]], method="ua")
        got = res.scores.filter(pl.col("run") == run).drop("run")
        want = alone.scores.filter(pl.col("run") == (0 if run == 0 else 1)).drop("run")
        assert got.equals(want)
