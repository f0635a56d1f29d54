"""The ASEM pipelines 1–7 (data/samples/asem/README.md) against a recomputation.

Each shipped `specs/asem*.yaml` is computed by gdindex and compared, node by node
(index, sub-indices, pillars and normalised indicators), unit by unit and period by
period, with a reference (tests/asem_reference.py) written from DESIGN.md §4 and the
ASEM README alone: plain NumPy over the raw CSV files read with the `csv` module. The
reference never calls gdindex's preparation, normalisation or aggregation code;
gdindex is only used through `compute` (and `load_spec` to vary a parameter).

Besides the scores, the preparation is checked cell by cell: which cells were
denominated, imputed, winsorised or log-transformed (the `flag` column of
`indicator_table()`) and the prepared values themselves. A few facts about the data
are asserted in tests/test_asem_facts.py, so that the comparisons are known to
exercise something.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import gdindex
from tests.asem_reference import (
    SPEC_FILES,
    TOL,
    _flag_cells,
    _grid,
    assert_same_cells,
    computed,
    max_abs_diff,
    meta,
    reference,
)
from tests.conftest import ROOT, SPECS

# --- The comparisons --- #


def test_specs_are_generated_and_distinct() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_asem_spec.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    specs = [gdindex.load_spec(SPECS / name) for name in SPEC_FILES.values()]
    assert len({s.id for s in specs}) == len(specs)
    for spec in specs:
        assert spec.path is not None
        assert spec.path.read_text(encoding="utf-8").startswith("# GENERATED FILE")


@pytest.mark.parametrize("pipeline", list(SPEC_FILES))
def test_every_node_matches_reference(pipeline: str) -> None:
    result = computed(pipeline)
    ref = reference(pipeline)
    rows = result.scores.select("unit", "period", "node", "score").to_dicts()
    got = _grid(ref, rows, "node", "score")

    assert result.units["unit"].to_list() == ref.data.units
    assert list(result.periods) == ref.data.periods
    assert sorted(got) == sorted(ref.scores)  # 49 indicators, 8 pillars, 2 + 1
    worst = max(
        max_abs_diff(ref.scores[node], got[node], f"pipeline {pipeline} {node}")
        for node in ref.scores
    )
    assert worst <= TOL


@pytest.mark.parametrize("pipeline", ["4", "5a", "5b", "6"])
def test_prepared_values_match_reference(pipeline: str) -> None:
    result = computed(pipeline)
    ref = reference(pipeline)
    rows = result.indicator_table().to_dicts()
    got = _grid(ref, rows, "indicator", "prepared")

    for k, code in enumerate(meta().codes):
        expected = ref.prepared[:, :, k]
        assert max_abs_diff(expected, got[code], code) <= TOL * max(
            1.0, float(np.nanmax(np.abs(expected)))
        )


@pytest.mark.parametrize("pipeline", ["4", "5a", "5b", "6"])
def test_flags_match_reference(pipeline: str) -> None:
    result = computed(pipeline)
    ref = reference(pipeline)
    how = "group_mean" if pipeline in ("5b", "6") else "mean"

    assert_same_cells(
        _flag_cells(result, ref, lambda p: p.startswith("imputed")), ref.imputed, ref
    )
    assert_same_cells(
        _flag_cells(result, ref, lambda p: p == f"imputed:{how}"), ref.imputed, ref
    )
    assert_same_cells(
        _flag_cells(result, ref, lambda p: p == "winsorised"), ref.winsorised, ref
    )
    assert_same_cells(_flag_cells(result, ref, lambda p: p == "log"), ref.logged, ref)
    assert_same_cells(
        _flag_cells(result, ref, lambda p: p == "denominated"), ref.denominated, ref
    )
    assert not _flag_cells(result, ref, lambda p: p == "screened").any()


def test_log_fallback_matches_reference() -> None:
    """Pipeline 4 never needs the log on this data, so winmax 1 forces it."""
    spec = gdindex.load_spec(SPECS / SPEC_FILES["4"])
    treat = spec.defaults.treat.model_copy(update={"winmax": 1})
    defaults = spec.defaults.model_copy(update={"treat": treat})
    result = gdindex.compute(spec.model_copy(update={"defaults": defaults}))
    ref = reference("4", winmax=1)
    rows = result.scores.select("unit", "period", "node", "score").to_dicts()
    got = _grid(ref, rows, "node", "score")

    logged = {meta().codes[k] for k in ref.logged.nonzero()[2]}
    assert logged == {
        "Goods",
        "Tariff",
        "StMob",
        "Research",
        "CultServ",
        "Tourist",
        "Forest",
        "Poverty",
        "NGOs",
    }
    assert_same_cells(_flag_cells(result, ref, lambda p: p == "log"), ref.logged, ref)
    assert_same_cells(
        _flag_cells(result, ref, lambda p: p == "winsorised"), ref.winsorised, ref
    )
    for node in ref.scores:
        assert max_abs_diff(ref.scores[node], got[node], node) <= TOL


def test_screen_on_observed_data_matches_reference() -> None:
    """Pipeline 6's screen drops nobody after imputation; on the observed data
    (`coverage_of: observed`) it does, and gdindex agrees on whom."""
    spec = gdindex.load_spec(SPECS / SPEC_FILES["6"])
    assert spec.screen is not None
    observed = spec.screen.model_copy(update={"coverage_of": "observed"})
    result = gdindex.compute(spec.model_copy(update={"screen": observed}))
    ref = reference("6", coverage_of="observed")
    rows = result.scores.select("unit", "period", "node", "score").to_dicts()
    got = _grid(ref, rows, "node", "score")

    dropped = [ref.data.units[i] for i in ref.screened.nonzero()[0]]
    assert dropped == ["BGD", "BRN", "KHM", "LAO", "MMR"]  # 80-88 % observed
    screened = _flag_cells(result, ref, lambda p: p == "screened")
    assert screened.all(axis=2).sum() == len(dropped)
    assert_same_cells(screened, np.repeat(ref.screened[:, :, None], 49, axis=2), ref)
    for node in ref.scores:
        assert max_abs_diff(ref.scores[node], got[node], node) <= TOL
