"""Preparation (DESIGN §4.1): hand-computed cases for every step, and properties."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import gdindex
from gdindex.errors import DataError, IssueLog
from gdindex.pipeline.prepare import (
    DENOMINATED,
    IMPUTED,
    LOG,
    SCREENED,
    WINSORISED,
    prepare,
)
from gdindex.spec import IndexSpec, load_spec
from tests.conftest import DATA_CSV, SPEC_YAML, write_project

NAN = math.nan


def spec_of(
    indicators: list[dict[str, Any]],
    defaults: dict[str, Any] | None = None,
    screen: dict[str, Any] | None = None,
    groups: list[str] | None = None,
) -> IndexSpec:
    data: dict[str, Any] = {
        "spec_version": 1,
        "id": "prep",
        "name": "Prep",
        "units": {"file": "units.csv", "id": "unit", "groups": groups or ["region"]},
        "data": [{"file": "data.csv"}],
        "indicators": [{"name": d["id"], **d} for d in indicators],
        "tree": {"id": "root", "children": [d["id"] for d in indicators]},
    }
    if defaults:
        data["defaults"] = defaults
    if screen:
        data["screen"] = screen
    return load_spec(data)


def run(
    values: np.ndarray,
    spec: IndexSpec,
    periods: list[Any] | None = None,
    **kw: Any,
) -> tuple[Any, IssueLog]:
    U, P, _ = values.shape
    log = IssueLog()
    units = [f"u{k}" for k in range(U)]
    periods = periods or [2020 + k for k in range(P)]
    return prepare(values, spec, units, periods, log, **kw), log


def column(*rows: list[float]) -> np.ndarray:
    """values[unit, period, 1] from per-unit rows of periods."""
    return np.array(rows, dtype=float)[:, :, None]


def test_treat_runs_per_period_and_flags_cells() -> None:
    # period 0 has an outlier, period 1 does not
    col0 = [*range(1, 11), 100.0]
    col1 = [float(v) for v in range(1, 12)]
    values = np.array([col0, col1]).T[:, :, None]
    spec = spec_of([{"id": "a"}], defaults={"treat": {"method": "winsorise"}})
    prep, _ = run(values, spec)
    assert prep.treated[:, 0, 0].tolist() == [*range(1, 11), 10.0]
    assert prep.treated[:, 1, 0].tolist() == col1
    assert prep.flags[10, 0, 0] == WINSORISED
    assert int((prep.flags != 0).sum()) == 1
    assert prep.flag_texts()[10, 0, 0] == "winsorised"
    (step,) = [s for s in prep.steps if s.step == "treat"]
    assert step.cells == 1 and step.where == ["u10 2020"]


def test_treat_panel_scope_pools_periods() -> None:
    # pooled over both periods the single 100 is an outlier among 21 values
    values = np.array([[*range(1, 11), 100.0], [float(v) for v in range(1, 12)]]).T
    spec = spec_of(
        [{"id": "a", "treat": {"method": "winsorise", "scope": "panel"}}],
    )
    prep, _ = run(values[:, :, None], spec)
    assert prep.treated[10, 0, 0] == 11.0  # the largest value below 100 is 11 (p1)


def test_plain_log_and_its_error_on_non_positive_values() -> None:
    spec = spec_of([{"id": "a", "treat": {"method": "log"}}])
    prep, log = run(column([1.0, math.e], [NAN, 10.0]), spec)
    assert prep.treated[0, :, 0].tolist() == pytest.approx([0.0, 1.0])
    assert math.isnan(prep.treated[1, 0, 0])
    assert prep.flag_texts()[0, 0, 0] == "log" and prep.flags[1, 0, 0] == 0
    _, log = run(column([0.0, 1.0], [2.0, -1.0]), spec)
    (err,) = log.errors
    assert "2 values ≤ 0" in err.message and "u0 2020" in err.message
    assert "winsorise" in (err.hint or "")


def test_treatment_sees_raw_values_not_the_direction() -> None:
    # direction −1 does not change which cells are treated nor the log fallback
    x = [*range(1, 21), 1000.0, 2000.0]
    values = np.array(x)[:, None, None]
    treat = {"method": "winsorise", "winmax": 1}
    up = run(values, spec_of([{"id": "a", "treat": treat}]))[0]
    down = run(values, spec_of([{"id": "a", "direction": -1, "treat": treat}]))[0]
    assert np.array_equal(up.treated, down.treated)
    assert up.treated[0, 0, 0] == pytest.approx(math.log(19.99))


def test_mean_and_median_use_the_same_period() -> None:
    values = column([1.0, 10.0], [NAN, 20.0], [5.0, NAN], [6.0, 60.0])
    mean = run(values, spec_of([{"id": "a", "impute": {"method": "mean"}}]))[0]
    assert mean.imputed[1, 0, 0] == pytest.approx(4.0)  # (1 + 5 + 6) / 3
    assert mean.imputed[2, 1, 0] == pytest.approx(30.0)  # (10 + 20 + 60) / 3
    median = run(values, spec_of([{"id": "a", "impute": {"method": "median"}}]))[0]
    assert median.imputed[1, 0, 0] == 5.0 and median.imputed[2, 1, 0] == 20.0
    texts = median.flag_texts()
    assert texts[1, 0, 0] == "imputed:median" and texts[0, 0, 0] is None
    assert median.flags[1, 0, 0] == IMPUTED


def test_group_mean_and_median_stay_in_the_group() -> None:
    values = column([1.0], [3.0], [NAN], [100.0], [NAN], [200.0], [600.0])
    groups = {"region": ["N", "N", "N", "S", "S", "S", "S"]}
    spec = spec_of([{"id": "a"}], defaults={"impute": {"method": "group_mean"}})
    prep, _ = run(values, spec, groups=groups)
    assert prep.imputed[2, 0, 0] == 2.0  # mean of N: (1 + 3) / 2
    assert prep.imputed[4, 0, 0] == 300.0  # mean of S: (100 + 200 + 600) / 3
    assert prep.flag_texts()[2, 0, 0] == "imputed:group_mean"
    med = spec_of([{"id": "a", "impute": {"method": "group_median"}}])
    assert run(values, med, groups=groups)[0].imputed[4, 0, 0] == 200.0


def test_group_mean_leaves_a_unit_without_a_group_missing_and_follows_moves() -> None:
    """Per-period labels: u2 is in N in 2020 and in S in 2021; u1 has no group
    (stays missing); two indicators share the column's labels."""
    values = np.stack(
        [
            np.array([[1.0, 10.0], [NAN, NAN], [NAN, NAN], [5.0, 40.0], [7.0, NAN]]),
            np.array([[2.0, NAN], [NAN, 1.0], [4.0, NAN], [NAN, 8.0], [6.0, 2.0]]),
        ],
        axis=-1,
    )
    labels = [
        ["N", "N"],
        [None, None],
        ["N", "S"],
        ["S", "S"],
        ["S", "N"],
    ]
    spec = spec_of(
        [{"id": "a"}, {"id": "b"}], defaults={"impute": {"method": "group_mean"}}
    )
    prep, _ = run(values, spec, groups={"region": labels})
    a, b = prep.imputed[:, :, 0], prep.imputed[:, :, 1]
    assert np.isnan(a[1]).all() and np.isnan(b[1, 0])
    assert a[2, 0] == 1.0  # N in 2020: u0 only
    assert a[2, 1] == 40.0  # S in 2021: u3 (u4 moved to N, missing)
    assert a[4, 1] == 10.0  # N in 2021: u0
    assert b[3, 0] == 6.0  # S in 2020: u4 (u2 was in N, missing)
    assert b[0, 1] == 2.0 and b[2, 1] == 8.0  # N 2021: u4; S 2021: u3


def test_group_imputation_names_its_group_column() -> None:
    values = column([1.0], [NAN], [5.0], [NAN])
    groups = {"region": ["N", "N", "S", "S"], "size": ["L", "L", "L", "X"]}
    spec = spec_of(
        [{"id": "a", "impute": {"method": "group_mean", "group": "size"}}],
        groups=["region", "size"],
    )
    prep, log = run(values, spec, groups=groups)
    assert prep.imputed[1, 0, 0] == 3.0  # L: (1 + 5) / 2
    assert math.isnan(prep.imputed[3, 0, 0])  # X has no observed value
    (warn,) = log.warnings
    assert "1 missing value could not be imputed" in warn.message
    assert "group X in 2020" in warn.message


def test_linear_uses_year_distances_and_text_periods_by_position() -> None:
    values = column([0.0, NAN, 30.0])
    spec = spec_of([{"id": "a", "impute": {"method": "linear"}}])
    by_year = run(values, spec, periods=[2010, 2020, 2040])[0]
    assert by_year.imputed[0, 1, 0] == pytest.approx(10.0)  # 1/3 of the way
    by_pos = run(values, spec, periods=["2020H1", "2020H2", "2021H1"])[0]
    assert by_pos.imputed[0, 1, 0] == pytest.approx(15.0)
    assert by_pos.flag_texts()[0, 1, 0] == "imputed:linear"


def test_denomination_divides_and_scales() -> None:
    values = column([50.0, 60.0], [7.0, NAN], [9.0, 4.0])
    pop = np.array([[100.0, 200.0], [0.0, 10.0], [NAN, 8.0]])
    spec = spec_of([{"id": "a", "denominator": "pop", "scale": 10000}])
    prep, log = run(values, spec, denominators={"pop": pop})
    got = prep.denominated[:, :, 0]
    assert got[0].tolist() == [5000.0, 3000.0]  # 50/100·1e4, 60/200·1e4
    assert math.isnan(got[1, 0]) and math.isnan(got[2, 0])  # 0 and missing
    assert got[2, 1] == 5000.0
    assert prep.flags[0, 0, 0] == DENOMINATED and prep.flags[1, 0, 0] == 0
    assert prep.flag_texts()[0, 1, 0] == "denominated"
    (warn,) = log.warnings
    assert "0 or missing for 2 values" in warn.message


def test_screen_drops_unit_periods_below_coverage() -> None:
    # 4 indicators; u1 has 2 of 4 in 2020 (50 %), 3 of 4 in 2021 (75 %)
    values = np.array(
        [
            [[1, 2, 3, 4], [1, 2, 3, 4]],
            [[1, NAN, NAN, 4], [1, 2, NAN, 4]],
            [[5, 6, 7, 8], [5, 6, 7, 8]],
        ],
        dtype=float,
    )
    spec = spec_of([{"id": k} for k in "abcd"], screen={"min_coverage": 0.75})
    prep, log = run(values, spec)
    assert prep.screened_out == [("u1", 2020)]
    assert np.isnan(prep.screened[1, 0]).all()
    assert prep.screened[1, 1, 0] == 1.0  # 75 % is enough
    assert (prep.flags[1, 0] == SCREENED).all()
    assert prep.flag_texts()[1, 0, 3] == "screened"
    assert prep.counts()["screen"] == 4  # one unit-period, four cells
    assert "u1 2020 (50%)" in log.warnings[0].message


def test_screen_counts_imputed_values_unless_told_otherwise() -> None:
    values = np.array([[[1, 2]], [[NAN, 3]], [[5, 4]]], dtype=float)  # u1: 50 %
    defaults = {"impute": {"method": "mean"}}
    after = spec_of([{"id": "a"}, {"id": "b"}], defaults, {"min_coverage": 0.9})
    assert run(values, after)[0].screened_out == []
    observed = spec_of(
        [{"id": "a"}, {"id": "b"}],
        defaults,
        {"min_coverage": 0.9, "coverage_of": "observed"},
    )
    prep = run(values, observed)[0]
    assert prep.screened_out == [("u1", 2020)]
    assert prep.imputed[1, 0, 0] == 3.0  # imputed, then screened out


def test_screen_that_empties_a_period_is_an_error() -> None:
    values = np.array([[[1.0, NAN]], [[NAN, 2.0]]])
    spec = spec_of([{"id": "a"}, {"id": "b"}], screen={"min_coverage": 1.0})
    _, log = run(values, spec)
    assert log.errors and "no unit has 100% of the indicators" in log.errors[0].message


def test_flags_combine_in_step_order() -> None:
    values = column([10.0], [NAN], [30.0])
    pop = np.array([[1.0], [1.0], [3.0]])
    spec = spec_of(
        [{"id": "a", "denominator": "pop", "impute": {"method": "mean"}}],
    )
    prep, _ = run(values, spec, denominators={"pop": pop})
    assert prep.imputed[1, 0, 0] == 10.0  # mean of 10/1 and 30/3
    assert prep.flag_texts()[0, 0, 0] == "denominated"
    assert prep.flag_texts()[1, 0, 0] == "imputed:mean"
    assert prep.counts() == {"denominate": 2, "impute": 1, "screen": 0, "treat": 0}


def test_prepare_does_not_modify_its_input() -> None:
    values = column([1.0, NAN], [NAN, 4.0])
    before = values.copy()
    spec = spec_of([{"id": "a"}], defaults={"impute": {"method": "linear"}})
    run(values, spec)
    assert np.array_equal(values, before, equal_nan=True)


finite = st.floats(-1e6, 1e6, allow_nan=False)


cells = arrays(
    np.float64,
    st.tuples(st.integers(3, 8), st.integers(1, 5)),
    elements=st.one_of(finite, st.just(NAN)),
)


methods = st.sampled_from(["mean", "median", "group_mean", "locf", "linear"])


@settings(max_examples=60, deadline=None)
@given(cells, methods, st.one_of(st.none(), st.integers(1, 3)))
def test_imputation_never_changes_an_observed_cell(
    x: np.ndarray, method: str, gap: int | None
) -> None:
    params: dict[str, Any] = {"method": method}
    if method in ("locf", "linear"):
        params["max_gap"] = gap
    spec = spec_of([{"id": "a", "impute": params}])
    groups = {"region": ["N" if k % 2 else "S" for k in range(x.shape[0])]}
    first = run(x[:, :, None], spec, groups=groups)[0]
    again = run(x[:, :, None], spec, groups=groups)[0]
    seen = ~np.isnan(x)
    assert np.array_equal(first.imputed[:, :, 0][seen], x[seen])
    assert np.array_equal(first.imputed, again.imputed, equal_nan=True)  # determinism
    flagged = (first.flags[:, :, 0] & IMPUTED) > 0
    assert np.array_equal(flagged, ~seen & ~np.isnan(first.imputed[:, :, 0]))


PREP_SPEC = SPEC_YAML.replace(
    "indicators:\n",
    "defaults:\n  impute: {method: group_mean}\nindicators:\n",
)


def test_compute_imputes_and_flags_the_cell(tmp_path: Path) -> None:
    spec = write_project(tmp_path, spec=PREP_SPEC)
    result = gdindex.compute(spec)
    table = result.indicator_table()
    row = table.filter((pl.col("unit") == "B") & (pl.col("indicator") == "i3"))
    r2021 = row.filter(pl.col("period") == 2021).row(0, named=True)
    # B is in region 南 with C, whose i3 in 2021 is 4
    assert r2021["raw"] is None and r2021["prepared"] == 4.0
    assert r2021["flag"] == "imputed:group_mean"
    assert table["flag"].drop_nulls().to_list() == ["imputed:group_mean"]
    assert result.stages["imputed"]["i3"].null_count() == 0
    assert result.stages["raw"]["i3"].null_count() == 1
    prep = result.preparation.row(0, named=True)
    assert prep["step"] == "impute" and prep["cells"] == 1 and prep["where"] == "B 2021"


def test_denominator_from_the_units_table(tmp_path: Path) -> None:
    units = "code,name_zh,name_en,region,pop\nA,甲,A,北,2\nB,乙,B,南,4\nC,丙,C,南,5\n"
    spec_text = SPEC_YAML.replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: pop, scale: 100}",
    )
    spec = write_project(tmp_path, spec=spec_text, units=units)
    result = gdindex.compute(spec)
    den = result.stages["denominated"].sort("unit", "period")["i1"].to_list()
    assert den == [500.0, 600.0, 500.0, 550.0, 600.0, 700.0]  # i1 / pop · 100
    assert "pop" not in result.units.columns and "den:pop" not in result.units.columns


def test_denominator_from_a_data_column_and_missing_one(tmp_path: Path) -> None:
    data = DATA_CSV.replace("i4\n", "i4,gdp\n", 1)
    lines = data.splitlines()
    data = "\n".join([lines[0]] + [f"{ln},{k + 1}" for k, ln in enumerate(lines[1:])])
    spec_text = SPEC_YAML.replace(
        "{id: i2, name: {zh: 指标二, en: Two}}",
        "{id: i2, name: {zh: 指标二, en: Two}, denominator: gdp}",
    )
    spec = write_project(tmp_path / "ok", spec=spec_text, data=data + "\n")
    den = gdindex.compute(spec).stages["denominated"]["i2"].to_list()
    assert den == [5 / 1, 6 / 2, 3 / 3, 4 / 4, 1 / 5, 2 / 6]
    bad = write_project(
        tmp_path / "bad", spec=spec_text.replace("denominator: gdp", "denominator: gpd")
    )
    with pytest.raises(DataError) as info:
        gdindex.compute(bad)
    (issue,) = info.value.issues
    assert issue.where == "indicators[1].denominator" and "'gpd'" in issue.message


def test_group_imputation_without_groups_is_a_spec_error() -> None:
    from gdindex.errors import SpecError

    with pytest.raises(SpecError) as info:
        load_spec(
            {
                "spec_version": 1,
                "id": "x",
                "name": "x",
                "data": [{"file": "d.csv"}],
                "defaults": {"impute": {"method": "group_mean"}},
                "indicators": [{"id": "a", "name": "a"}],
                "tree": {"id": "r", "children": ["a"]},
            }
        )
    assert "defaults.impute" in info.value.issues[0].where
    assert "units.groups" in info.value.issues[0].message


def test_unknown_imputation_method_suggests_the_closest() -> None:
    from gdindex.errors import SpecError

    with pytest.raises(SpecError) as info:
        spec_of([{"id": "a", "impute": {"method": "group_maen"}}])
    issue = info.value.issues[0]
    assert "unknown imputation method 'group_maen'" in issue.message
    assert "group_mean" in (issue.hint or "")


def test_flags_reach_indicators_csv(tmp_path: Path) -> None:
    spec = write_project(tmp_path, spec=PREP_SPEC)
    out = tmp_path / "out"
    gdindex.write_outputs(gdindex.compute(spec), out)
    table = pl.read_csv(out / "indicators.csv")
    assert table.filter(pl.col("flag").is_not_null())["flag"].to_list() == [
        "imputed:group_mean"
    ]


def test_log_flag_bit_is_distinct() -> None:
    assert len({DENOMINATED, IMPUTED, SCREENED, WINSORISED, LOG}) == 5


def test_a_negative_denominator_is_missing_like_a_zero_one() -> None:
    values = column([50.0, 60.0], [7.0, 8.0])
    pop = np.array([[100.0, -100.0], [10.0, 0.0]])
    spec = spec_of([{"id": "a", "denominator": "pop"}])

    prep, log = run(values, spec, denominators={"pop": pop})

    got = prep.denominated[:, :, 0]
    assert got[0, 0] == 0.5 and got[1, 0] == 0.7
    assert math.isnan(got[0, 1]) and math.isnan(got[1, 1])  # never -0.6
    negative, zero = log.warnings
    assert negative.code == "bad-denominator" and negative.where == "indicator 'a'"
    assert "'pop' is negative for 1 value:" in negative.message
    assert "u0 2021 (pop = -100)" in negative.message  # unit, period, value
    assert "0 or missing for 1 value:" in zero.message


def test_group_imputation_uses_the_unit_s_group_of_that_period(tmp_path: Path) -> None:
    from tests.io.test_units import PANEL_SPEC, PANEL_UNITS

    # B's i3 is missing in 2021; that year B is in 北 with A (i3 = 1), not in 南
    units = PANEL_UNITS.replace("B,乙城,Beta,南,2021", "B,乙城,Beta,北,2021")
    spec = PANEL_SPEC.replace(
        "{id: i3, name: {zh: 指标三, en: Three}}",
        "{id: i3, name: {zh: 指标三, en: Three}, impute: {method: group_mean}}",
    )

    result = gdindex.compute(write_project(tmp_path, spec, units=units))

    imputed = result.stages["imputed"].filter(
        (pl.col("unit") == "B") & (pl.col("period") == 2021)
    )
    assert imputed["i3"].item() == 1.0  # A's value; the 2022 group (南, C) has 4
