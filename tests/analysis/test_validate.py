"""`validate`: all issues of spec and data, returned, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest

import gdindex
from tests.conftest import DATA_CSV, SPEC_YAML, SPECS, write_project


@pytest.mark.parametrize(
    "name",
    [
        "guangdong",
        "provinces_innovation",
        "asem",
        "asem_2_geometric",
        "asem_3_zscore",
        "asem_4_winsorise",
        "asem_5a_mean_impute",
        "asem_5b_group_impute",
        "asem_6_full",
        "asem_7a_panel_pooled",
        "asem_7b_panel_per_year",
    ],
)
def test_shipped_specs_are_valid(name: str) -> None:
    issues = gdindex.validate(SPECS / f"{name}.yaml")

    assert [i for i in issues if i.severity == "error"] == []


def test_spec_errors_are_returned(tmp_path: Path) -> None:
    path = write_project(tmp_path, SPEC_YAML.replace("weight: 2", "weight: -2"))

    issues = gdindex.validate(path)

    assert len(issues) == 1 and "negative weight" in issues[0].message


def test_data_errors_are_all_returned(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2022,12", "A,2022,x") + "Z,2021,1,1,1,1\n"
    path = write_project(tmp_path, SPEC_YAML, data)

    issues = gdindex.validate(path)

    messages = " | ".join(i.message for i in issues)
    assert "not a number" in messages
    assert "units not in the units table: 'Z'" in messages


def test_warnings_include_constant_indicators(tmp_path: Path) -> None:
    data = "\n".join(
        line if i == 0 else ",".join(line.split(",")[:5] + ["5"])
        for i, line in enumerate(DATA_CSV.splitlines())
    )

    issues = gdindex.validate(write_project(tmp_path, SPEC_YAML, data + "\n"))

    assert [i.code for i in issues] == ["constant-indicator"]
    assert "'i4'" in issues[0].where


def test_validate_reports_what_preparation_finds(tmp_path: Path) -> None:
    spec_text = SPEC_YAML.replace(
        "{id: i2, name: {zh: 指标二, en: Two}}",
        "{id: i2, name: {zh: 指标二, en: Two}, treat: {method: log}}",
    )
    data = "unit,period,i1,i2,i3,i4\nA,2021,1,0,1,1\nA,2022,2,1,2,2\n"
    data += "B,2021,3,2,3,3\nB,2022,4,3,4,4\nC,2021,5,4,5,5\nC,2022,6,5,6,6\n"
    issues = gdindex.validate(write_project(tmp_path, spec=spec_text, data=data))
    errors = [i for i in issues if i.severity == "error"]
    assert len(errors) == 1 and "≤ 0 has no logarithm" in errors[0].message
    assert "A 2021" in errors[0].message


@pytest.mark.parametrize("form", ["wide", "long"])
def test_data_columns_the_spec_never_uses_are_one_notice(
    tmp_path: Path, form: str
) -> None:
    from gdindex.analysis.datacheck import check_data

    lines = DATA_CSV.splitlines()
    data = "\n".join(
        [lines[0] + ",region,forgotten,other"]
        + [f"{line},x,{k},{k * 2}" for k, line in enumerate(lines[1:])]
    )
    spec = SPEC_YAML
    if form == "long":
        import polars as pl

        wide = pl.read_csv(data.encode()).drop("region")
        data = wide.unpivot(index=["unit", "period"], variable_name="indicator")
        data = data.filter(pl.col("value").is_not_null()).write_csv()
        spec = SPEC_YAML.replace(
            "  - file: data.csv", "  - file: data.csv\n    format: long"
        )
    path = write_project(tmp_path, spec, data)

    for issues in (gdindex.validate(path), check_data(path).issues):
        [notice] = [i for i in issues if i.code == "unused-column"]
        assert notice.severity == "warning"
        assert "'forgotten', 'other'" in notice.message and "data.csv" in notice.message
        # the unit, period and group (units.groups) columns are not listed
        assert "region" not in notice.message and "'unit'" not in notice.message
        assert not [i for i in issues if i.severity == "error"]
    # compute reads the same tables without the notice
    assert "unused-column" not in [i.code for i in gdindex.compute(path).issues]


def test_units_sharing_a_name_in_one_language_are_a_warning(tmp_path: Path) -> None:
    # two 鼓楼区 (Fuzhou's and Nanjing's): legal, but readers and `explain` cannot
    # tell them apart by name
    units = (
        "code,name_zh,name_en,region\n"
        "A,鼓楼区,Gulou,北\nB,鼓楼区,Gulou N,南\nC,丙城,Gamma,南\n"
    )
    path = write_project(tmp_path, units=units)

    issues = gdindex.validate(path)

    shared = [i for i in issues if i.code == "shared-unit-name"]
    assert len(shared) == 1 and shared[0].severity == "warning"
    assert "鼓楼区 (A, B)" in shared[0].message and "name_zh" in shared[0].where
    assert not [
        i
        for i in gdindex.validate(write_project(tmp_path / "ok"))
        if i.code == "shared-unit-name"
    ]
