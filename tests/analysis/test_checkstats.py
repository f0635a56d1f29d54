"""What `check` audits: the values each step sees (raw and prepared), the outlier
rule on the values `compute` treats, and the preparation's own warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

import gdindex
from gdindex.analysis.checkstats import prepared_view
from gdindex.analysis.datacheck import check_data
from gdindex.errors import IssueLog
from gdindex.io import load_data
from tests.conftest import DATA_CSV, ROOT, SPEC_YAML, UNITS_CSV, write_project

WORKBOOK = ROOT / "specs" / "guangdong_workbook.yaml"


def test_outlier_flags_agree_with_what_compute_winsorises() -> None:
    check = check_data(WORKBOOK)
    result = gdindex.compute(WORKBOOK)

    flags = result.indicator_table().filter(pl.col("flag").str.contains("winsorised"))
    winsorised = set(flags["indicator"].to_list())
    rows = {r["indicator"]: r for r in check.indicators.iter_rows(named=True)}
    flagged = {i for i, r in rows.items() if r["outliers"]}
    assert winsorised == {"software_revenue_to_gdp"}
    assert flagged == winsorised
    assert rows["software_revenue_to_gdp"]["treated"] == flags.height
    # the raw count of base stations fails the rule, the rate compute treats not
    bs = rows["fiveg_bs_per_10k"]
    assert bs["skew"] > 2 and bs["kurt"] > 3.5 and not bs["outliers"]
    assert bs["prepared_by"] == "÷ population_persons × 10000"
    assert bs["prepared_max"] < 100 < bs["max"]
    [warning] = [i for i in check.issues if i.code == "outliers"]
    assert "software_revenue_to_gdp" in warning.where
    assert "prepared values (imputed:group_mean (1))" in warning.message
    assert "treats 3 values" in (warning.hint or "")


def test_indicators_the_spec_does_not_prepare_keep_their_raw_statistics(
    tmp_path: Path,
) -> None:
    check = check_data(write_project(tmp_path))

    row = check.indicators.row(0, named=True)
    assert row["prepared_by"] is None and row["treated"] == 0
    for k in ("min", "max", "mean", "sd"):
        assert row[f"prepared_{k}"] == row[k]


def test_prepared_view_is_what_compute_prepares(tmp_path: Path) -> None:
    spec = gdindex.load_spec(WORKBOOK)
    dataset = load_data(spec)

    view = prepared_view(spec, dataset, IssueLog())

    screened = gdindex.compute(spec, dataset=dataset).stages["screened"]
    ours = view.values[:, :, 0]
    theirs = screened.sort("unit", "period")[spec.indicators[0].id].to_numpy()
    order = np.argsort(np.array(dataset.units))
    assert np.allclose(ours[order].reshape(-1), theirs, equal_nan=True)


def test_check_reports_negative_denominators(tmp_path: Path) -> None:
    units = UNITS_CSV.replace(
        "code,name_zh,name_en,region", "code,name_zh,name_en,region,pop"
    )
    units = units.replace("北\n", "北,-100\n").replace(
        "B,乙城,Beta,南\n", "B,乙城,Beta,南,5\n"
    )
    units = units.replace("C,丙城,Gamma,南\n", "C,丙城,Gamma,南,8\n")
    spec = SPEC_YAML.replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: pop}",
    )

    check = check_data(write_project(tmp_path, spec, units=units))

    [den] = [i for i in check.issues if i.code == "bad-denominator"]
    assert "'pop' is negative for 2 values" in den.message
    assert "A 2021 (pop = -100)" in den.message and "i1" in den.where
    row = check.indicators.row(0, named=True)
    assert row["prepared_min"] > 0  # no sign-flipped rate among the prepared values


def test_prepared_coverage_counts_cells_denomination_leaves_missing(
    tmp_path: Path,
) -> None:
    from gdindex.cli import app
    from tests.conftest import CliRunner

    units = UNITS_CSV.replace(
        "code,name_zh,name_en,region", "code,name_zh,name_en,region,pop"
    )
    units = units.replace("北\n", "北,-100\n").replace(
        "B,乙城,Beta,南\n", "B,乙城,Beta,南,0\n"
    )
    units = units.replace("C,丙城,Gamma,南\n", "C,丙城,Gamma,南,8\n")
    spec = SPEC_YAML.replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: pop}",
    )
    data = DATA_CSV.replace("B,2021,20,3,,80", "B,2021,20,3,2,80")  # complete
    path = write_project(tmp_path, spec, data, units)

    check = check_data(path)

    row = check.indicators.row(0, named=True)
    assert (row["n"], row["missing"]) == (6, 0)
    assert (row["prepared_n"], row["prepared_missing"]) == (2, 4)
    assert check.units["prepared_missing"].to_list() == [2, 2, 0]
    assert check.periods["prepared_missing"].to_list() == [2, 2]
    out = CliRunner().invoke(app, ["check", str(path), "--lang", "en"]).output
    assert "every unit has every value" not in out and "33.3%" in out
    data = CliRunner().invoke(app, ["check", str(path), "--format", "json"]).output
    assert '"prepared_missing": 4' in data
