"""`gdindex.sensitivity`: run 0 is `compute`, every run is `compute` with its `--set`
choices, designs replay, seeds reproduce, failures are counted (DESIGN §9.3)."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdindex
from gdindex.analysis.sensitivity import (
    SensitivityResult,
    _quantiles,
    load_inputs,
    sensitivity,
)
from gdindex.errors import DataError, SpecError
from gdindex.io import write_atomic
from gdindex.spec.sensitivity import SensitivitySpec
from tests.conftest import ROOT, SPECS, write_project

ASEM = SPECS / "asem_6_full.yaml"
GUANGDONG = SPECS / "guangdong.yaml"
VIGNETTE = SPECS / "sensitivity" / "asem_vignette.yaml"
SHIPPED = sorted(p.name for p in SPECS.glob("*.yaml"))

GENERIC = SensitivitySpec.model_validate(
    {
        "n": 3,
        "inputs": [
            {"id": "weights", "weights": {"noise": 0.2, "depths": [1], "sets": 3}},
            {
                "id": "aggregation",
                "set": "defaults.aggregate.method",
                "values": ["arithmetic", "geometric"],
            },
        ],
    }
)


def target_scores(
    result: gdindex.IndexResult, node: str, period: object
) -> pl.DataFrame:
    return result.scores.filter(
        (pl.col("node") == node) & (pl.col("period") == period)
    ).select("unit", "score", "rank")


def assert_run_equals(res: SensitivityResult, run: int, expected: pl.DataFrame) -> None:
    got = res.scores.filter(pl.col("run") == run).join(
        expected, on="unit", how="full", suffix="_c", coalesce=True
    )
    a = got["score"].to_numpy()
    b = got["score_c"].to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    assert np.allclose(a[ok], b[ok], rtol=1e-12, atol=1e-12)
    assert got["rank"].to_list() == got["rank_c"].to_list()


@pytest.mark.parametrize("name", SHIPPED)
def test_run_zero_equals_compute_for_every_shipped_spec(name: str) -> None:
    spec = gdindex.load_spec(SPECS / name)
    computed = gdindex.compute(spec)

    res = sensitivity(spec, inputs=GENERIC)

    expected = target_scores(computed, spec.tree.id, computed.latest_period)
    assert res.runs.row(0, named=True)["error"] is None
    assert_run_equals(res, 0, expected)


def _with_exclude(sens: SensitivitySpec, ids: list[str], n: int) -> SensitivitySpec:
    data = sens.model_dump()
    data["n"] = n
    data["inputs"].append({"id": "exclude", "exclude": ids})
    return SensitivitySpec.model_validate(data)


@cache
def _asem_runs() -> SensitivityResult:
    sens = _with_exclude(load_inputs(VIGNETTE), ["LPI", "Ship", "CO2"], 40)
    return sensitivity(ASEM, inputs=sens, seed=7)


@cache
def _guangdong_runs() -> SensitivityResult:
    spec = gdindex.load_spec(GUANGDONG)
    assert spec.sensitivity is not None
    sens = _with_exclude(spec.sensitivity, ["fiveg_bs_per_10k"], 40)
    return sensitivity(spec, inputs=sens, seed=3)


def _check_against_compute(res: SensitivityResult, path: Path, run: int) -> None:
    sets = res.overrides(run)
    error = res.runs.row(run, named=True)["error"]
    try:
        computed = gdindex.compute(gdindex.load_spec(path, overrides=sets))
    except DataError:
        assert error is not None, f"run {run} ran, compute failed with {sets}"
        return
    assert error is None, f"run {run} failed ({error}), compute ran with {sets}"
    assert_run_equals(res, run, target_scores(computed, res.target, res.period))


@settings(max_examples=12, deadline=None)
@given(run=st.integers(1, 40))
def test_any_asem_run_equals_compute_with_its_set_overrides(run: int) -> None:
    _check_against_compute(_asem_runs(), ASEM, run)


@settings(max_examples=12, deadline=None)
@given(run=st.integers(1, 40))
def test_any_guangdong_run_equals_compute_with_its_set_overrides(run: int) -> None:
    _check_against_compute(_guangdong_runs(), GUANGDONG, run)


def test_design_file_replays_the_runs(tmp_path: Path) -> None:
    asem_runs = _asem_runs()
    design = tmp_path / "design.csv"
    picked = asem_runs.runs.filter(pl.col("run").is_in([5, 9, 17])).drop("error")
    picked.with_columns(pl.Series("run", [1, 2, 3])).write_csv(design)
    sens = _with_exclude(load_inputs(VIGNETTE), ["LPI", "Ship", "CO2"], 40)

    replay = sensitivity(ASEM, inputs=sens, design=design, seed=7)

    assert replay.n_runs == 3
    for new, old in ((1, 5), (2, 9), (3, 17)):
        a = replay.scores.filter(pl.col("run") == new).drop("run")
        b = asem_runs.scores.filter(pl.col("run") == old).drop("run")
        assert a.equals(b)


def test_design_with_positions_out_of_range_is_a_spec_error(tmp_path: Path) -> None:
    design = tmp_path / "design.csv"
    design.write_text("run,winmax,normalisation,weights,aggregation\n1,6,1,1,1\n")

    with pytest.raises(SpecError, match="design") as info:
        sensitivity(ASEM, inputs=VIGNETTE, design=design)

    assert "winmax" in str(info.value) and "0…5" in str(info.value)


def test_same_seed_gives_identical_results_and_another_seed_other_runs() -> None:
    a = sensitivity(GUANGDONG, n=50, seed=11)
    b = sensitivity(GUANGDONG, n=50, seed=11)
    c = sensitivity(GUANGDONG, n=50, seed=12)

    assert a.to_json() == b.to_json()
    assert not a.runs.equals(c.runs)


def test_rank_stats_are_numpy_type7_quantiles_of_the_sampled_runs() -> None:
    res = sensitivity(GUANGDONG, n=200, seed=5)

    ranks = (
        res.scores.filter(pl.col("run") > 0)
        .pivot(on="unit", index="run", values="rank")
        .drop("run")
    )
    for row in res.rank_stats.iter_rows(named=True):
        r = ranks[row["unit"]].to_numpy().astype(float)
        assert row["q05"] == pytest.approx(np.quantile(r, 0.05))
        assert row["q95"] == pytest.approx(np.quantile(r, 0.95))
        assert row["median"] == pytest.approx(np.median(r))
        assert row["min"] == r.min() and row["max"] == r.max()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 8),
    st.integers(0, 2**32 - 1),
    st.floats(0, 1),
)
def test_quantiles_equal_numpy_nanquantile_with_and_without_nan(
    rows: int, cols: int, seed: int, nan_share: float
) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 20, (rows, cols)).astype(float)
    values[rng.random((rows, cols)) < nan_share] = np.nan
    q = [0.5, 0.05, 0.95]
    with warnings.catch_warnings():  # an all-NaN column: NaN, as nanquantile
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanquantile(values, q, axis=0)
        got = _quantiles(values, q)
    np.testing.assert_array_equal(got, want)


GEOMETRIC_PROJECT = """spec_version: 1
id: geo
name: Geo
units: {file: units.csv, id: code}
data: [{file: data.csv}]
defaults:
  normalise: {method: minmax, range: [0, 100]}
indicators:
  - {id: i1, name: A}
  - {id: i2, name: B}
  - {id: i3, name: C}
  - {id: i4, name: D, direction: -1}
tree:
  id: idx
  children:
    - {id: p1, weight: 2, children: [i1, i2]}
    - {id: p2, children: [i3, {id: i4, weight: 3}]}
sensitivity:
  n: 30
  seed: 2
  inputs:
    - id: aggregation
      set: defaults.aggregate.method
      values: [arithmetic, geometric]
"""


def test_failed_runs_are_recorded_counted_and_left_out(tmp_path: Path) -> None:
    spec = write_project(tmp_path, spec=GEOMETRIC_PROJECT)

    res = sensitivity(spec)

    geometric = res.runs.filter(pl.col("aggregation") == 2)
    assert geometric.height > 0 and res.n_failed == geometric.height
    assert geometric["error"].str.contains("values ≤ 0").all()
    assert set(res.scores["run"].to_list()).isdisjoint(geometric["run"].to_list())
    assert sum(res.failed.values()) == res.n_failed
    assert res.to_dict()["summary"]["failed"] == res.n_failed


def test_no_inputs_unknown_target_and_unknown_indicator_are_spec_errors(
    tiny_spec: Path,
) -> None:
    with pytest.raises(SpecError, match="no uncertain inputs"):
        sensitivity(tiny_spec)
    with pytest.raises(SpecError, match="unknown target"):
        sensitivity(tiny_spec, inputs=GENERIC, target="nope")
    bad = SensitivitySpec.model_validate(
        {"inputs": [{"id": "x", "exclude": ["i1", "zz"]}]}
    )
    with pytest.raises(SpecError) as info:
        sensitivity(tiny_spec, inputs=bad)
    assert "zz" in str(info.value) and "sensitivity.inputs[0].exclude" in str(
        info.value
    )


def test_files_are_written_atomically_and_byte_identically(tmp_path: Path) -> None:
    res = sensitivity(GUANGDONG, n=20, method="sobol", seed=4, bootstrap=10)

    first = write_atomic(tmp_path / "a", res.files())
    again = sensitivity(GUANGDONG, n=20, method="sobol", seed=4, bootstrap=10)
    second = write_atomic(tmp_path / "b", again.files())

    names = sorted(p.name for p in first)
    assert names == sorted(
        [
            "sensitivity_runs.csv",
            "sensitivity_scores.csv",
            "sensitivity_ranks.csv",
            "sensitivity_indices.csv",
            "sensitivity_unit_indices.csv",
        ]
    )
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes()
    ranks = pl.read_csv(tmp_path / "a" / "sensitivity_ranks.csv")
    assert ranks.columns == [
        "unit",
        "nominal",
        "mean",
        "median",
        "q05",
        "q95",
        "min",
        "max",
    ]
    idx = pl.read_csv(tmp_path / "a" / "sensitivity_indices.csv")
    assert idx.columns[:7] == [
        "input",
        "S1",
        "ST",
        "S1_q05",
        "S1_q95",
        "ST_q05",
        "ST_q95",
    ]


def test_weight_sets_from_a_file_replace_the_nominal_weights(tmp_path: Path) -> None:
    spec = write_project(tmp_path)
    sets = tmp_path / "sets.csv"
    sets.write_text("set,node,weight\n1,p1,1\n1,p2,1\n2,i1,0\n")
    sens = SensitivitySpec.model_validate(
        {"inputs": [{"id": "w", "weights": {"sets_file": "sets.csv"}}]}
    )
    design = np.array([[0], [1], [2]])

    res = sensitivity(spec, inputs=sens, design=design)
    sens_path = tmp_path / "inputs.yaml"
    sens_path.write_text(
        "sensitivity:\n  inputs:\n    - {id: w, weights: {sets_file: sets.csv}}\n"
    )
    res_file = sensitivity(spec, inputs=sens_path, design=design)

    for run, sets_ in (
        (1, ["tree.children.p1.weight=1", "tree.children.p2.weight=1"]),
        (2, ["tree.children.p1.children.i1.weight=0"]),
    ):
        computed = gdindex.compute(gdindex.load_spec(spec, overrides=sets_))
        expected = target_scores(computed, "idx", 2022)
        assert_run_equals(res, run, expected)
        assert_run_equals(res_file, run, expected)


def test_the_root_of_the_repo_has_no_stray_outputs() -> None:
    assert not (ROOT / "sensitivity_runs.csv").exists()


def test_a_written_sobol_runs_file_replays_the_whole_analysis(tmp_path: Path) -> None:
    first = sensitivity(GUANGDONG, n=8, method="sobol", seed=13, bootstrap=10)
    write_atomic(tmp_path, first.files())

    replay = sensitivity(
        GUANGDONG,
        method="sobol",
        seed=13,
        bootstrap=10,
        design=tmp_path / "sensitivity_runs.csv",
    )

    assert replay.runs.drop("error").equals(first.runs.drop("error"))
    assert replay.indices is not None and first.indices is not None
    assert replay.indices.equals(first.indices)
    assert replay.scores.equals(first.scores)


def test_write_replaces_an_earlier_analysis_and_keeps_other_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "sensitivity_indices.csv").write_text("old")
    (out / "mine.txt").write_text("mine")
    res = sensitivity(GUANGDONG, n=10, method="ua", seed=1)

    written = res.write(out)

    assert sorted(p.name for p in written) == sorted(res.files())
    assert sorted(p.name for p in out.iterdir()) == sorted([*res.files(), "mine.txt"])
